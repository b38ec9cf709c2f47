import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.ts";
import { DEFAULT_JOB_SETTINGS } from "../src/jobs/limits.ts";
import { DEFAULT_WEBHOOK_SETTINGS } from "../src/webhooks/dispatcher.ts";

function errorsOf(env: Record<string, string>) {
  const r = loadConfig(env);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

describe("loadConfig: job limits, webhooks and the file store", () => {
  it("defaults to the built-in limits, webhook tuning and a local file store", () => {
    const r = loadConfig({ STEPFAULT_DATA_DIR: "/srv/sf" });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.jobs).toEqual(DEFAULT_JOB_SETTINGS);
    expect(r.config.webhooks).toEqual(DEFAULT_WEBHOOK_SETTINGS);
    expect(r.config.fileStore).toEqual({ kind: "local", dir: "/srv/sf/files" });
  });

  it("reads every job limit from the environment", () => {
    const r = loadConfig({
      JOB_MAX_QUBITS: "20",
      JOB_MAX_SHOTS: "10000",
      JOB_MAX_CONCURRENT_PER_USER: "4",
      JOB_MEMORY_LIMIT_MB: "512",
      JOB_STATEVECTOR_MAX_QUBITS: "12",
      JOB_THREADS: "2",
      JOB_RECOVER_AFTER_SECONDS: "300",
      JOB_RETRY_LIMIT: "2",
      JOB_MAX_ATTEMPTS: "5",
      JOB_POLL_INTERVAL_MS: "1000",
      RESULT_INLINE_MAX_BYTES: "1024",
      WEBHOOK_MAX_ATTEMPTS: "3",
      WEBHOOK_RETRY_BASE_MS: "500",
      WEBHOOK_TIMEOUT_MS: "2000",
      WEBHOOK_POLL_INTERVAL_MS: "250",
      WEBHOOK_LOG_RETENTION_DAYS: "7",
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.jobs).toMatchObject({
      maxQubits: 20,
      maxShots: 10_000,
      maxConcurrentJobsPerUser: 4,
      memoryLimitBytes: 512 * 2 ** 20,
      statevectorMaxQubits: 12,
      threads: 2,
      expireInSeconds: 300,
      retryLimit: 2,
      maxAttempts: 5,
      pollingIntervalSeconds: 1,
      resultInlineMaxBytes: 1024,
      runWorker: true,
    });
    expect(r.config.webhooks).toMatchObject({
      maxAttempts: 3,
      retryBaseMs: 500,
      timeoutMs: 2000,
      pollIntervalMs: 250,
      logRetentionDays: 7,
    });
  });

  it("names each bad limit with its allowed range", () => {
    const errors = errorsOf({
      JOB_MAX_QUBITS: "0",
      JOB_MAX_SHOTS: "2000000",
      JOB_THREADS: "two",
      JOB_MEMORY_LIMIT_MB: "-5",
      JOB_POLL_INTERVAL_MS: "10",
      JOB_MAX_ATTEMPTS: "0",
      WEBHOOK_MAX_ATTEMPTS: "1.5",
    });
    expect(errors.map((e) => e.variable).sort()).toEqual([
      "JOB_MAX_ATTEMPTS",
      "JOB_MAX_QUBITS",
      "JOB_MAX_SHOTS",
      "JOB_MEMORY_LIMIT_MB",
      "JOB_POLL_INTERVAL_MS",
      "JOB_THREADS",
      "WEBHOOK_MAX_ATTEMPTS",
    ]);
    expect(
      errors.find((e) => e.variable === "JOB_MAX_QUBITS")?.message,
    ).toMatch(/between 1 and 40/);
  });

  it("switches to S3 when S3_BUCKET is set", () => {
    const r = loadConfig({
      S3_BUCKET: "sf-results",
      S3_REGION: "eu-west-1",
      S3_ENDPOINT: "http://127.0.0.1:9000",
      S3_ACCESS_KEY_ID: "AKIA",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_FORCE_PATH_STYLE: "true",
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.fileStore).toEqual({
      kind: "s3",
      bucket: "sf-results",
      region: "eu-west-1",
      endpoint: "http://127.0.0.1:9000",
      credentials: { accessKeyId: "AKIA", secretAccessKey: "secret" },
      forcePathStyle: true,
    });
    const aws = loadConfig({ S3_BUCKET: "sf-results" });
    expect(aws.ok && aws.config.fileStore).toEqual({
      kind: "s3",
      bucket: "sf-results",
      region: "us-east-1",
      endpoint: undefined,
      credentials: undefined,
      forcePathStyle: false,
    });
  });

  it("rejects incomplete or malformed S3 settings, naming the variable", () => {
    expect(errorsOf({ S3_REGION: "eu-west-1" })[0]).toMatchObject({
      variable: "S3_REGION",
      message: expect.stringMatching(/S3_BUCKET is not/),
    });
    expect(
      errorsOf({ S3_BUCKET: "b1x", S3_ACCESS_KEY_ID: "AKIA" })[0].variable,
    ).toBe("S3_SECRET_ACCESS_KEY");
    expect(errorsOf({ S3_BUCKET: "Bad_Bucket" })[0].variable).toBe("S3_BUCKET");
    expect(
      errorsOf({ S3_BUCKET: "b1x", S3_ENDPOINT: "ftp://x" })[0].variable,
    ).toBe("S3_ENDPOINT");
    expect(
      errorsOf({ S3_BUCKET: "b1x", S3_FORCE_PATH_STYLE: "maybe" })[0].variable,
    ).toBe("S3_FORCE_PATH_STYLE");
  });
});
