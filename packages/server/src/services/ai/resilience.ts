import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  wrap,
} from "cockatiel";
import { APIUserAbortError as AnthropicAbort } from "@anthropic-ai/sdk";
import { APIUserAbortError as OpenAiAbort } from "openai";
import type { AiConfig } from "../../config/ai-config.ts";
import { DomainError } from "../../errors/domain-error.ts";
import type { AiProvider, ChatRequest, StreamEvent } from "./provider.ts";

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown } | null)?.status;
  return typeof s === "number" ? s : undefined;
}

/** True for failures worth retrying: 429, 5xx, timeouts and connection errors (no HTTP status). */
export function isTransient(err: unknown): boolean {
  if (err instanceof DomainError || err instanceof BrokenCircuitError)
    return false;
  if (err instanceof TaskCancelledError) return true;
  if (
    err instanceof OpenAiAbort ||
    err instanceof AnthropicAbort ||
    (err as { name?: unknown } | null)?.name === "AbortError"
  )
    return false;
  const status = statusOf(err);
  if (status === undefined) return true;
  return status === 429 || status >= 500;
}

/**
 * Wraps a provider in one cockatiel policy: per-attempt timeout, retries with exponential backoff
 * and decorrelated jitter on transient errors, and a consecutive-failure circuit breaker. Only the
 * opening of a round (until the provider answers 2xx) is retried; once text streams, it is not.
 */
export function createResilientProvider(
  provider: AiProvider,
  cfg: Pick<
    AiConfig,
    | "timeoutMs"
    | "maxRetries"
    | "retryBaseMs"
    | "breakerThreshold"
    | "breakerHalfOpenMs"
  >,
) {
  const transient = handleWhen(isTransient);
  const retryPolicy = retry(transient, {
    maxAttempts: cfg.maxRetries,
    backoff: new ExponentialBackoff({
      initialDelay: cfg.retryBaseMs,
      maxDelay: Math.max(cfg.retryBaseMs, 30_000),
    }),
  });
  const breaker = circuitBreaker(transient, {
    halfOpenAfter: cfg.breakerHalfOpenMs,
    breaker: new ConsecutiveBreaker(cfg.breakerThreshold),
  });
  const perAttempt = timeout(cfg.timeoutMs, {
    strategy: TimeoutStrategy.Aggressive,
    abortOnReturn: false,
  });
  const policy = wrap(retryPolicy, breaker, perAttempt);
  let attempts = 0;

  function toDomainError(err: unknown): DomainError {
    if (err instanceof DomainError) return err;
    const retryAfter = String(Math.ceil(cfg.breakerHalfOpenMs / 1000));
    if (err instanceof BrokenCircuitError)
      return new DomainError(
        "AI_UNAVAILABLE",
        `the AI provider failed ${cfg.breakerThreshold} times in a row; calls to it are paused for up to ${retryAfter} s`,
        { retryAfterSeconds: Number(retryAfter) },
        { "retry-after": retryAfter },
      );
    if (err instanceof TaskCancelledError)
      return new DomainError(
        "AI_UNAVAILABLE",
        `the AI provider did not answer within ${cfg.timeoutMs} ms`,
      );
    const status = statusOf(err);
    if (isTransient(err))
      return new DomainError(
        "AI_UNAVAILABLE",
        `the AI provider failed (${status !== undefined ? `HTTP ${status}` : "connection error"}) after ${cfg.maxRetries + 1} attempts`,
        { providerStatus: status ?? null },
        { "retry-after": "5" },
      );
    return new DomainError(
      "AI_PROVIDER_ERROR",
      `the AI provider answered HTTP ${status ?? "?"}: ${err instanceof Error ? err.message.slice(0, 300) : "error"}`,
      { providerStatus: status ?? null },
    );
  }

  return {
    kind: provider.kind,
    model: provider.model,
    /** Breaker state: "closed", "open", "half-open" or "isolated". */
    get state(): string {
      return (
        {
          [CircuitState.Closed]: "closed",
          [CircuitState.Open]: "open",
          [CircuitState.HalfOpen]: "half-open",
          [CircuitState.Isolated]: "isolated",
        } as Record<CircuitState, string>
      )[breaker.state];
    },
    /** Provider calls attempted so far (each retry counts). */
    get attempts(): number {
      return attempts;
    },
    /**
     * Opens a round under the policy; failures become AI_UNAVAILABLE / AI_PROVIDER_ERROR domain
     * errors. The stream then fails with AI_UNAVAILABLE when no event arrives for `timeoutMs`.
     */
    async open(req: ChatRequest): Promise<AsyncIterable<StreamEvent>> {
      const idle = new AbortController();
      const signal = req.signal
        ? AbortSignal.any([idle.signal, req.signal])
        : idle.signal;
      let stream: AsyncIterable<StreamEvent>;
      try {
        stream = await policy.execute(({ signal: attempt }) => {
          attempts++;
          return provider.open({
            ...req,
            signal: AbortSignal.any([attempt, signal]),
          });
        });
      } catch (err) {
        throw toDomainError(err);
      }
      return watchIdle(stream, cfg.timeoutMs, idle, toDomainError);
    },
  };
}

/** Yields `stream`'s events; aborts it and fails when none arrives for `ms`, mapping errors. */
async function* watchIdle(
  stream: AsyncIterable<StreamEvent>,
  ms: number,
  abort: AbortController,
  toDomainError: (err: unknown) => DomainError,
): AsyncGenerator<StreamEvent> {
  const it = stream[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          abort.abort();
          reject(
            new DomainError(
              "AI_UNAVAILABLE",
              `the AI provider stopped sending for ${ms} ms`,
            ),
          );
        }, ms);
      });
      let r: IteratorResult<StreamEvent>;
      try {
        r = await Promise.race([it.next(), stalled]);
      } catch (err) {
        finished = true;
        throw toDomainError(err);
      } finally {
        clearTimeout(timer);
      }
      if (r.done) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    // stopped early (client gone, or an error): end the provider's stream without waiting on it
    if (!finished) {
      abort.abort();
      void it.return?.()?.catch(() => undefined);
    }
  }
}

/** A provider wrapped in the resilience policy. */
export type ResilientProvider = ReturnType<typeof createResilientProvider>;
