import { createReadStream } from "node:fs";
import {
  mkdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
} from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { randomBytes } from "node:crypto";
import { checkKey, type FileStore } from "./file-store.ts";

function isMissing(err: unknown): boolean {
  return (err as { code?: string }).code === "ENOENT";
}

/**
 * A file store in a local folder (created on first write). Writes go to a temporary file that is
 * renamed into place, so a reader never sees half a file.
 */
export function createLocalFileStore(root: string): FileStore {
  const pathOf = (key: string) => join(root, checkKey(key));
  return {
    kind: "local",
    async put(key, body) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
      await writeFile(tmp, body);
      await rename(tmp, path);
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
    },
    async stream(key) {
      const path = pathOf(key);
      try {
        await stat(path);
      } catch (err) {
        if (isMissing(err)) return undefined;
        throw err;
      }
      return createReadStream(path);
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(path, { force: true });
      // Remove folders left empty, up to (not including) the root.
      for (
        let dir = dirname(path);
        relative(root, dir) !== "" && !relative(root, dir).startsWith("..");
        dir = dirname(dir)
      ) {
        try {
          await rmdir(dir);
        } catch {
          break; // not empty (or gone)
        }
      }
    },
    async close() {},
  };
}
