/** Prometheus metrics of webhook delivery: attempts by outcome and their duration. */
import { Counter, Histogram, type Registry } from "prom-client";

/** What the dispatcher reports after each attempt. */
export interface WebhookMetrics {
  /** `outcome`: succeeded, retry (failed, will be tried again) or failed (gave up). */
  observeAttempt(outcome: string, seconds: number): void;
}

/** Registers the webhook metrics on `registry`. */
export function registerWebhookMetrics(registry: Registry): WebhookMetrics {
  const attempts = new Counter({
    name: "stepfault_webhook_attempts_total",
    help: "Webhook delivery attempts by outcome (succeeded, retry, failed)",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "stepfault_webhook_attempt_seconds",
    help: "Duration of webhook delivery attempts",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    observeAttempt(outcome, seconds) {
      attempts.inc({ outcome });
      duration.observe(seconds);
    },
  };
}
