import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { FileStoreConfig } from "../../src/config/jobs-config.ts";

/** A real S3-protocol server (s3rver) on loopback with one bucket, for file-store tests. */
export async function startS3(bucket = "stepfault-test") {
  const dir = await mkdtemp(join(tmpdir(), "sf-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const config: Extract<FileStoreConfig, { kind: "s3" }> = {
    kind: "s3",
    bucket,
    region: "us-east-1",
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    forcePathStyle: true,
  };
  return {
    config,
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
