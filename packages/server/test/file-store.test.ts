import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openFileStore, type FileStore } from "../src/files/file-store.ts";
import { startS3 } from "./helpers/s3.ts";

async function text(s: AsyncIterable<Buffer | string>): Promise<string> {
  let out = "";
  for await (const c of s) out += c.toString();
  return out;
}

const kinds = ["local", "s3"] as const;

describe.each(kinds)("FileStore (%s)", (kind) => {
  let store: FileStore;
  let cleanup: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    if (kind === "local") {
      dir = await mkdtemp(join(tmpdir(), "sf-files-"));
      store = openFileStore({ kind: "local", dir: join(dir, "files") });
      cleanup = () => rm(dir, { recursive: true, force: true });
    } else {
      const s3 = await startS3();
      store = openFileStore(s3.config);
      cleanup = s3.close;
    }
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it("puts, gets, streams and deletes a blob byte for byte", async () => {
    const body = Buffer.from(
      JSON.stringify({
        amplitudes: Array.from({ length: 5000 }, (_, i) => i / 7),
      }),
    );
    await store.put("jobs/j1/result-1.json", body, "application/json");
    expect((await store.get("jobs/j1/result-1.json"))?.equals(body)).toBe(true);
    const stream = await store.stream("jobs/j1/result-1.json");
    expect(await text(stream!)).toBe(body.toString());
    await store.put("jobs/j1/result-1.json", "replaced");
    expect((await store.get("jobs/j1/result-1.json"))?.toString()).toBe(
      "replaced",
    );
    await store.delete("jobs/j1/result-1.json");
    expect(await store.get("jobs/j1/result-1.json")).toBeUndefined();
  });

  it("answers undefined for a missing key and ignores deleting one", async () => {
    expect(await store.get("jobs/nothing/here.json")).toBeUndefined();
    expect(await store.stream("jobs/nothing/here.json")).toBeUndefined();
    await expect(
      store.delete("jobs/nothing/here.json"),
    ).resolves.toBeUndefined();
  });

  it("refuses keys that could escape the store", async () => {
    for (const key of ["../etc/passwd", "/abs", "a/../../b", "a//b", "", "a b"])
      await expect(store.put(key, "x"), key).rejects.toThrow(
        /bad file-store key/,
      );
  });
});

describe("LocalFileStore", () => {
  it("keeps files under <dir>/files and removes folders left empty", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sf-files-"));
    const store = openFileStore({ kind: "local", dir: join(dir, "files") });
    try {
      await store.put("jobs/j2/result-1.json", "{}");
      expect(
        existsSync(join(dir, "files", "jobs", "j2", "result-1.json")),
      ).toBe(true);
      await store.delete("jobs/j2/result-1.json");
      expect(existsSync(join(dir, "files", "jobs", "j2"))).toBe(false);
      expect(await readdir(join(dir, "files"))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
