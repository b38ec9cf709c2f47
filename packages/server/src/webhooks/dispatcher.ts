/**
 * The webhook dispatcher: a loop that claims due deliveries (a lease in the database, so any
 * number of processes can run it and a crashed sender's delivery is sent again after the lease),
 * POSTs each signed body, and records the attempt with an exponential-backoff retry time.
 */
import type { FastifyBaseLogger } from "fastify";
import type {
  ClaimedDelivery,
  WebhooksRepository,
} from "../repositories/webhooks.repository.ts";
import type { WebhookMetrics } from "./metrics.ts";
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signPayload,
} from "./signature.ts";

/** Delivery tuning. */
export interface WebhookSettings {
  /** Attempts before a delivery is marked failed. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; each later one doubles it. */
  readonly retryBaseMs: number;
  /** Longest wait between attempts. */
  readonly retryMaxMs: number;
  /** Timeout of one POST (connect, headers and body). */
  readonly timeoutMs: number;
  /** How often an idle dispatcher looks for due deliveries. */
  readonly pollIntervalMs: number;
  /** Deliveries sent at once by one process. */
  readonly concurrency: number;
  /** Finished deliveries are deleted from the log after this many days. */
  readonly logRetentionDays: number;
}

/** Defaults: 8 attempts, 10 s doubling up to 1 h, 10 s timeout, 1 s polling, 8 at once, 30-day log. */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  maxAttempts: 8,
  retryBaseMs: 10_000,
  retryMaxMs: 3_600_000,
  timeoutMs: 10_000,
  pollIntervalMs: 1000,
  concurrency: 8,
  logRetentionDays: 30,
};

/** The delay before attempt `attempt + 1`: base × 2^(attempt − 1), capped. */
export function retryDelayMs(
  settings: WebhookSettings,
  attempt: number,
): number {
  return Math.min(
    settings.retryMaxMs,
    settings.retryBaseMs * 2 ** Math.max(0, attempt - 1),
  );
}

const USER_AGENT = "StepFault-Webhooks/1";
/** The delivery log is pruned a minute after start, then hourly. */
const PRUNE_DELAY_MS = 60_000;
const PRUNE_INTERVAL_MS = 3_600_000;
const MAX_ERROR_CHARS = 500;

/** A running dispatcher. */
export interface WebhookDispatcher {
  /** Looks for due deliveries now instead of at the next poll. */
  wake(): void;
  /** Stops the loop and waits for sends in flight. */
  stop(): Promise<void>;
}

/** The start of a response body (for the delivery log); the rest is not read. */
async function peek(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (reader === undefined) return "";
  try {
    const { value } = await reader.read();
    return value
      ? Buffer.from(value.subarray(0, MAX_ERROR_CHARS)).toString("utf8")
      : "";
  } catch {
    return "";
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}

/** Sends one claimed delivery and returns what happened. */
async function send(
  d: ClaimedDelivery,
  timeoutMs: number,
): Promise<{
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}> {
  const started = performance.now();
  const timestamp = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(d.url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        [SIGNATURE_HEADER]: signPayload(d.secret, d.payload, timestamp),
        [DELIVERY_HEADER]: d.id,
        [EVENT_HEADER]: d.event,
      },
      body: d.payload,
    });
    const text = await peek(res);
    const ok = res.status >= 200 && res.status < 300;
    return {
      statusCode: res.status,
      error: ok
        ? null
        : `HTTP ${res.status}${text ? `: ${text.slice(0, MAX_ERROR_CHARS)}` : ""}`,
      durationMs: performance.now() - started,
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const message =
      e.name === "TimeoutError"
        ? `timed out after ${timeoutMs} ms`
        : (e.cause?.code ?? e.cause?.message ?? e.message);
    return {
      statusCode: null,
      error: String(message).slice(0, MAX_ERROR_CHARS),
      durationMs: performance.now() - started,
    };
  }
}

/** Starts the dispatcher loop. */
export function startWebhookDispatcher(deps: {
  webhooks: WebhooksRepository;
  settings: WebhookSettings;
  log: FastifyBaseLogger;
  metrics?: WebhookMetrics;
}): WebhookDispatcher {
  const { webhooks, settings, log } = deps;
  const leaseMs = settings.timeoutMs + 30_000;
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;

  async function deliver(d: ClaimedDelivery): Promise<void> {
    const r = await send(d, settings.timeoutMs);
    const ok = r.error === null;
    const last = d.attempts >= settings.maxAttempts;
    const status = ok ? "succeeded" : last ? "failed" : "pending";
    const nextAttemptAt =
      status === "pending"
        ? new Date(Date.now() + retryDelayMs(settings, d.attempts))
        : null;
    deps.metrics?.observeAttempt(
      status === "pending" ? "retry" : status,
      r.durationMs / 1000,
    );
    await webhooks.recordAttempt(
      d.id,
      { at: new Date().toISOString(), ...r },
      { status, nextAttemptAt },
    );
    if (!ok)
      log.info(
        { deliveryId: d.id, attempt: d.attempts, error: r.error, status },
        "webhook delivery attempt failed",
      );
  }

  let nextPrune = Date.now() + PRUNE_DELAY_MS;
  const loop = (async () => {
    while (!stopped) {
      let claimed: ClaimedDelivery[] = [];
      try {
        if (Date.now() >= nextPrune) {
          nextPrune = Date.now() + PRUNE_INTERVAL_MS;
          const n = await webhooks.pruneDeliveries(settings.logRetentionDays);
          if (n > 0) log.info({ deleted: n }, "pruned old webhook deliveries");
        }
        claimed = await webhooks.claimDue(settings.concurrency, leaseMs);
        await Promise.all(
          claimed.map((d) =>
            deliver(d).catch((err: unknown) =>
              log.warn(
                { err, deliveryId: d.id },
                "webhook delivery not recorded",
              ),
            ),
          ),
        );
      } catch (err) {
        if (!stopped) log.warn({ err }, "webhook dispatcher poll failed");
      }
      if (stopped) break;
      if (claimed.length === settings.concurrency || woken) {
        woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, settings.pollIntervalMs);
        wakeUp = () => {
          clearTimeout(t);
          resolve();
        };
      });
      wakeUp = undefined;
    }
  })();

  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopped = true;
      wakeUp?.();
      await loop;
    },
  };
}
