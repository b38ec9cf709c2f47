/**
 * The file store: named blobs (job results, later exports) in a local folder or an S3-compatible
 * bucket. Keys are relative paths like `jobs/<id>/result-1.json`.
 */
import type { Readable } from "node:stream";
import type { FileStoreConfig } from "../config/jobs-config.ts";
import { createLocalFileStore } from "./local-file-store.ts";
import { createS3FileStore } from "./s3-file-store.ts";

/** A blob store. `get` and `stream` give undefined for a missing key; `delete` ignores one. */
export interface FileStore {
  readonly kind: "local" | "s3";
  put(key: string, body: Buffer | string, contentType?: string): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  stream(key: string): Promise<Readable | undefined>;
  delete(key: string): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/** Throws on keys that could escape the store (`..`, absolute paths, odd characters). */
export function checkKey(key: string): string {
  if (key.length > 512 || !KEY.test(key) || key.split("/").includes(".."))
    throw new Error(`invariant: bad file-store key "${key}"`);
  return key;
}

/** Opens the configured store. */
export function openFileStore(config: FileStoreConfig): FileStore {
  return config.kind === "s3"
    ? createS3FileStore(config)
    : createLocalFileStore(config.dir);
}
