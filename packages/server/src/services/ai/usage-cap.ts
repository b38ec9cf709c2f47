/** The monthly AI token cap of each account: what it has used, and the refusal once it is reached. */
import type { AiUsage } from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import {
  monthKey,
  type AiUsageRepository,
} from "../../repositories/ai-usage.repository.ts";

/** The first instant of the next UTC month. */
export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** Creates the usage cap over the usage store; `cap` 0 means no cap. */
export function createUsageCap(deps: {
  usage: AiUsageRepository;
  cap: number;
}) {
  const { usage, cap } = deps;

  /** The cap error when the user's tokens this month reached the cap, else undefined. */
  async function capError(
    userId: string,
    now: Date,
  ): Promise<DomainError | undefined> {
    if (cap === 0) return undefined;
    const used = await usage.totalForUser(userId, monthKey(now));
    const total = used.inputTokens + used.outputTokens;
    if (total < cap) return undefined;
    const reset = nextMonthStart(now);
    return new DomainError(
      "AI_USAGE_CAP_EXCEEDED",
      `you used ${total} of your ${cap} AI tokens this month; the allowance resets at ${reset.toISOString()}`,
      { used: total, cap, resetAt: reset.toISOString() },
      {
        "retry-after": String(
          Math.max(1, Math.ceil((reset.getTime() - now.getTime()) / 1000)),
        ),
      },
    );
  }

  return {
    capError,
    /** Throws the cap error when the user's tokens this month reached the cap. */
    async check(userId: string, now: Date): Promise<void> {
      const e = await capError(userId, now);
      if (e) throw e;
    },
    /** Counts the tokens of one model turn against the user (and the project) this month. */
    add(
      userId: string,
      projectId: string,
      now: Date,
      tokens: { inputTokens: number; outputTokens: number },
    ): Promise<void> {
      return usage.add({ userId, projectId, month: monthKey(now), ...tokens });
    },
    /** The user's tokens this month, over all projects and in `projectId`, with the cap. */
    async report(userId: string, projectId: string): Promise<AiUsage> {
      const now = new Date();
      const month = monthKey(now);
      const [total, project] = await Promise.all([
        usage.totalForUser(userId, month),
        usage.forProject(userId, projectId, month),
      ]);
      return {
        month,
        cap,
        resetAt: nextMonthStart(now).toISOString(),
        total,
        project,
      };
    },
  };
}

/** The usage cap. */
export type UsageCap = ReturnType<typeof createUsageCap>;
