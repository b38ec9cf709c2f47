/**
 * Large job results live in the file store: when a result's counts, probabilities and statevector
 * take more JSON than `inlineMaxBytes`, the whole result is written to `jobs/<id>/result-<attempt>.json`
 * and the job row keeps a summary plus a reference (`stored`). Reads put the result back together;
 * a file that is gone (deleted by hand, bucket lost) is reported as `missing`, never thrown.
 */
import type { Readable } from "node:stream";
import type { FileStore } from "../files/file-store.ts";

/** The reference a job row keeps to a stored result. */
export interface StoredResultRef {
  readonly key: string;
  readonly bytes: number;
}

/** The bulky parts of a result, dropped from summaries. */
const BULKY = [
  "counts",
  "probabilities",
  "statevector",
  "sweep",
  "expectations",
  "stddev",
  "gradients",
] as const;
/** Parts of a variational result dropped from summaries (kept inline in the row). */
const SUMMARY_OMITS = ["history", "topBitstrings"];

type ResultObject = Record<string, unknown>;

function isObject(v: unknown): v is ResultObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The reference in a row's result, if the result is stored. */
export function storedRef(rowResult: unknown): StoredResultRef | undefined {
  if (!isObject(rowResult) || !isObject(rowResult.stored)) return undefined;
  const { key, bytes } = rowResult.stored;
  return typeof key === "string" && typeof bytes === "number"
    ? { key, bytes }
    : undefined;
}

/** A row's result without counts, probabilities, statevector or the store reference. */
export function resultSummary(rowResult: unknown): ResultObject | null {
  if (!isObject(rowResult)) return null;
  const out: ResultObject = {};
  for (const [k, v] of Object.entries(rowResult))
    if (
      !(BULKY as readonly string[]).includes(k) &&
      !SUMMARY_OMITS.includes(k) &&
      k !== "stored"
    )
      out[k] = v;
  return out;
}

/** Creates the result store on `files`. */
export function createResultStore(files: FileStore, inlineMaxBytes: number) {
  /** True when `result` goes to the store (its bulky parts take more than `inlineMaxBytes`). */
  function isLarge(result: ResultObject): boolean {
    let bulky = 0;
    for (const k of BULKY)
      if (result[k] !== undefined) bulky += JSON.stringify(result[k]).length;
    return bulky > inlineMaxBytes;
  }

  return {
    isLarge,

    /**
     * What to write into the job row for `result`: the result itself when small; otherwise the
     * whole result goes to the store first and the row gets its summary and reference.
     */
    async prepare(
      jobId: string,
      attempt: number,
      result: ResultObject,
    ): Promise<ResultObject> {
      if (!isLarge(result)) return result;
      const body = JSON.stringify(result);
      const key = `jobs/${jobId}/result-${attempt}.json`;
      await files.put(key, body, "application/json");
      return {
        ...resultSummary(result),
        stored: {
          key,
          bytes: Buffer.byteLength(body),
        } satisfies StoredResultRef,
      };
    },

    /**
     * The full result of a row (reading the stored file when there is one), or `missing` with
     * the reference when the row points at a file the store no longer has (or cannot parse).
     */
    async load(
      rowResult: unknown,
    ): Promise<{ result: unknown } | { missing: StoredResultRef }> {
      const ref = storedRef(rowResult);
      if (ref === undefined) return { result: rowResult ?? null };
      const buf = await files.get(ref.key);
      if (buf === undefined) return { missing: ref };
      try {
        return { result: JSON.parse(buf.toString("utf8")) as unknown };
      } catch {
        return { missing: ref };
      }
    },

    /**
     * A stream of the stored result file: `inline` when the row's result is not stored,
     * `missing` when the store no longer has the file.
     */
    async stream(
      rowResult: unknown,
    ): Promise<
      | { stream: Readable; ref: StoredResultRef }
      | { missing: StoredResultRef }
      | { inline: true }
    > {
      const ref = storedRef(rowResult);
      if (ref === undefined) return { inline: true };
      const s = await files.stream(ref.key);
      return s === undefined ? { missing: ref } : { stream: s, ref };
    },

    /** Deletes the stored file behind a row's (or a prepared) result; a no-op for inline ones. */
    async remove(rowResult: unknown): Promise<void> {
      const ref = storedRef(rowResult);
      if (ref !== undefined) await files.delete(ref.key);
    },
  };
}

/** The result store. */
export type ResultStore = ReturnType<typeof createResultStore>;
