/**
 * The job pipeline's part of the configuration: limits and quotas, worker tuning, webhook
 * delivery, and the file store (local folder or an S3-compatible bucket).
 */
import { join } from "node:path";
import { DEFAULT_JOB_SETTINGS, type JobSettings } from "../jobs/limits.ts";
import {
  DEFAULT_WEBHOOK_SETTINGS,
  type WebhookSettings,
} from "../webhooks/dispatcher.ts";

/** Where large results go. */
export type FileStoreConfig =
  | { readonly kind: "local"; readonly dir: string }
  | {
      readonly kind: "s3";
      readonly bucket: string;
      readonly region: string;
      /** Endpoint of an S3-compatible service (MinIO, R2, ...); unset means AWS. */
      readonly endpoint: string | undefined;
      /** Static credentials; unset means the AWS SDK's default chain (env, profile, IAM role). */
      readonly credentials:
        | { readonly accessKeyId: string; readonly secretAccessKey: string }
        | undefined;
      readonly forcePathStyle: boolean;
    };

/** The job pipeline's configuration. */
export interface JobsConfig {
  readonly jobs: JobSettings;
  readonly webhooks: WebhookSettings;
  readonly fileStore: FileStoreConfig;
}

type Env = Readonly<Record<string, string | undefined>>;
type Errors = { variable: string; message: string }[];
type IntVar = (name: string, def: number, min: number, max: number) => number;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function fileStoreConfig(
  env: Env,
  dataDir: string,
  errors: Errors,
): FileStoreConfig {
  const v = (name: string) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const bucket = v("S3_BUCKET");
  const others = [
    "S3_REGION",
    "S3_ENDPOINT",
    "S3_ACCESS_KEY_ID",
    "S3_SECRET_ACCESS_KEY",
    "S3_FORCE_PATH_STYLE",
  ].filter((n) => v(n) !== undefined);
  if (bucket === undefined) {
    for (const n of others)
      errors.push({
        variable: n,
        message: `${n} is set but S3_BUCKET is not; set S3_BUCKET to store files in S3`,
      });
    return { kind: "local", dir: join(dataDir, "files") };
  }
  if (!BUCKET.test(bucket))
    errors.push({
      variable: "S3_BUCKET",
      message: `S3_BUCKET "${bucket}" is not a valid bucket name (3-63 lower-case letters, digits, dots, hyphens)`,
    });
  const endpoint = v("S3_ENDPOINT");
  if (endpoint !== undefined) {
    let ok: boolean;
    try {
      ok = ["http:", "https:"].includes(new URL(endpoint).protocol);
    } catch {
      ok = false;
    }
    if (!ok)
      errors.push({
        variable: "S3_ENDPOINT",
        message: "S3_ENDPOINT must be an http(s) URL",
      });
  }
  const accessKeyId = v("S3_ACCESS_KEY_ID");
  const secretAccessKey = v("S3_SECRET_ACCESS_KEY");
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
    errors.push({
      variable:
        accessKeyId === undefined ? "S3_ACCESS_KEY_ID" : "S3_SECRET_ACCESS_KEY",
      message:
        "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or both left unset for the AWS default credentials)",
    });
  const pathStyle = v("S3_FORCE_PATH_STYLE")?.toLowerCase();
  if (
    pathStyle !== undefined &&
    !["true", "false", "1", "0"].includes(pathStyle)
  )
    errors.push({
      variable: "S3_FORCE_PATH_STYLE",
      message: "S3_FORCE_PATH_STYLE must be true or false",
    });
  return {
    kind: "s3",
    bucket,
    region: v("S3_REGION") ?? "us-east-1",
    endpoint,
    credentials:
      accessKeyId !== undefined && secretAccessKey !== undefined
        ? { accessKeyId, secretAccessKey }
        : undefined,
    forcePathStyle: pathStyle === "true" || pathStyle === "1",
  };
}

/** Reads the job pipeline's variables; problems go to `errors`, naming the variable. */
export function loadJobsConfig(
  env: Env,
  dataDir: string,
  intVar: IntVar,
  errors: Errors,
): JobsConfig {
  const d = DEFAULT_JOB_SETTINGS;
  const w = DEFAULT_WEBHOOK_SETTINGS;
  const jobs: JobSettings = {
    ...d,
    maxQubits: intVar("JOB_MAX_QUBITS", d.maxQubits, 1, 40),
    maxShots: intVar("JOB_MAX_SHOTS", d.maxShots, 1, 1_000_000),
    maxSweepPoints: intVar(
      "JOB_MAX_SWEEP_POINTS",
      d.maxSweepPoints,
      1,
      100_000,
    ),
    maxEstimateTerms: intVar(
      "JOB_MAX_ESTIMATE_TERMS",
      d.maxEstimateTerms,
      1,
      1_000_000_000,
    ),
    maxConcurrentJobsPerUser: intVar(
      "JOB_MAX_CONCURRENT_PER_USER",
      d.maxConcurrentJobsPerUser,
      1,
      100_000,
    ),
    memoryLimitBytes:
      intVar(
        "JOB_MEMORY_LIMIT_MB",
        d.memoryLimitBytes / 2 ** 20,
        1,
        16 * 2 ** 20,
      ) *
      2 ** 20,
    statevectorMaxQubits: intVar(
      "JOB_STATEVECTOR_MAX_QUBITS",
      d.statevectorMaxQubits,
      0,
      24,
    ),
    threads: intVar("JOB_THREADS", d.threads, 1, 64),
    expireInSeconds: intVar(
      "JOB_RECOVER_AFTER_SECONDS",
      d.expireInSeconds,
      1,
      86_400,
    ),
    retryLimit: intVar("JOB_RETRY_LIMIT", d.retryLimit, 0, 100),
    maxAttempts: intVar("JOB_MAX_ATTEMPTS", d.maxAttempts, 1, 100),
    maxIterations: intVar("JOB_MAX_ITERATIONS", d.maxIterations, 1, 1_000_000),
    pollingIntervalSeconds:
      intVar(
        "JOB_POLL_INTERVAL_MS",
        d.pollingIntervalSeconds * 1000,
        500,
        60_000,
      ) / 1000,
    resultInlineMaxBytes: intVar(
      "RESULT_INLINE_MAX_BYTES",
      d.resultInlineMaxBytes,
      0,
      100 * 2 ** 20,
    ),
  };
  const webhooks: WebhookSettings = {
    ...w,
    maxAttempts: intVar("WEBHOOK_MAX_ATTEMPTS", w.maxAttempts, 1, 50),
    retryBaseMs: intVar("WEBHOOK_RETRY_BASE_MS", w.retryBaseMs, 1, 86_400_000),
    timeoutMs: intVar("WEBHOOK_TIMEOUT_MS", w.timeoutMs, 100, 120_000),
    logRetentionDays: intVar(
      "WEBHOOK_LOG_RETENTION_DAYS",
      w.logRetentionDays,
      1,
      3650,
    ),
    pollIntervalMs: intVar(
      "WEBHOOK_POLL_INTERVAL_MS",
      w.pollIntervalMs,
      10,
      60_000,
    ),
  };
  return { jobs, webhooks, fileStore: fileStoreConfig(env, dataDir, errors) };
}
