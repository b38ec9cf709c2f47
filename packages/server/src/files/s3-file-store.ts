import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import type { FileStoreConfig } from "../config/jobs-config.ts";
import { checkKey, type FileStore } from "./file-store.ts";

function isMissing(err: unknown): boolean {
  return (
    err instanceof NoSuchKey ||
    (err instanceof S3ServiceException &&
      (err.name === "NoSuchKey" || err.$metadata.httpStatusCode === 404))
  );
}

/** A file store in an S3-compatible bucket (AWS S3, MinIO, R2, ...) through @aws-sdk/client-s3. */
export function createS3FileStore(
  config: Extract<FileStoreConfig, { kind: "s3" }>,
): FileStore {
  const client = new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
  const Bucket = config.bucket;
  async function getObject(key: string) {
    try {
      return await client.send(
        new GetObjectCommand({ Bucket, Key: checkKey(key) }),
      );
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
  }
  return {
    kind: "s3",
    async put(key, body, contentType = "application/octet-stream") {
      await client.send(
        new PutObjectCommand({
          Bucket,
          Key: checkKey(key),
          Body: body,
          ContentType: contentType,
        }),
      );
    },
    async get(key) {
      const out = await getObject(key);
      if (out?.Body === undefined) return undefined;
      return Buffer.from(await out.Body.transformToByteArray());
    },
    async stream(key) {
      const out = await getObject(key);
      return out?.Body as Readable | undefined;
    },
    async delete(key) {
      await client.send(
        new DeleteObjectCommand({ Bucket, Key: checkKey(key) }),
      );
    },
    async close() {
      client.destroy();
    },
  };
}
