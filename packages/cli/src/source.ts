/** Reading a program file and its includes, for the commands that compile one (run, estimate). */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import {
  noiseModelFromText,
  type Diagnostic,
  type NoiseModel,
} from "@stepfault/quantum";
import { oneLine } from "./report.ts";

/** Reads a text file; undefined with a reason when it is missing, a directory, unreadable or binary. */
export function readText(path: string): { text: string } | { error: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : oneLine((err as Error).message);
    return { error: why };
  }
  if (bytes.includes(0))
    return { error: "not a text file (it contains NUL bytes)" };
  try {
    return {
      text: new TextDecoder("utf-8", { fatal: true })
        .decode(bytes)
        .replace(/^\uFEFF/, ""),
    };
  } catch {
    return { error: "not a text file (it is not valid UTF-8)" };
  }
}

/**
 * Reads a noise-model file (`--noise FILE`): its JSON document and the model, or the lines to
 * print on stderr (`FILE: error: gateNoise[0].channel.params: ...`, one per problem).
 */
export function readNoiseModelFile(
  path: string,
): { json: unknown; model: NoiseModel } | { errors: string[] } {
  const read = readText(path);
  if ("error" in read)
    return { errors: [`stepfault: error: cannot read ${path}: ${read.error}`] };
  const m = noiseModelFromText(read.text);
  if (!m.ok)
    return {
      errors: m.errors.map(
        (e) =>
          `${path}: error: ${e.path ? `${e.path}: ` : ""}${oneLine(e.message)}`,
      ),
    };
  return { json: JSON.parse(read.text) as unknown, model: m.model };
}

/**
 * Include resolution for `file`: `readInclude` for the compiler (relative to the including file),
 * and `shown(d)`, which names a diagnostic's include as the user would reach it (absolute or
 * relative to the cwd, like FILE).
 */
export function includeReader(file: string): {
  readInclude: (path: string, from: string | undefined) => string | undefined;
  shown: (d: Diagnostic) => Diagnostic;
} {
  const located = new Map<string, string>();
  return {
    readInclude: (path, from) => {
      // `from` is the including file as the compiler names it (the main file, or an include path
      // as written); resolve relative to where that file really is.
      const base =
        from === undefined || from === file
          ? resolve(file)
          : (located.get(from) ?? resolve(from));
      const abs = resolve(dirname(base), path);
      const r = readText(abs);
      if (!("text" in r)) return undefined;
      located.set(path, abs);
      return r.text;
    },
    shown: (d) => {
      const abs = d.file === undefined ? undefined : located.get(d.file);
      return abs === undefined
        ? d
        : { ...d, file: isAbsolute(file) ? abs : relative(process.cwd(), abs) };
    },
  };
}

/** A SWEEP.json file: `{"theta": [v1, ...], ...}` (lengths are checked against the program by `sweepPoints`). */
export function readSweep(
  path: string,
): { sweep: Record<string, number[]> } | { error: string } {
  const read = readText(path);
  if ("error" in read)
    return { error: `cannot read sweep ${path}: ${read.error}` };
  let data: unknown;
  try {
    data = JSON.parse(read.text);
  } catch (e) {
    return {
      error: `sweep ${path} is not valid JSON (${oneLine((e as Error).message)})`,
    };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data))
    return {
      error: `sweep ${path} must be an object like {"theta": [0, 0.1, ...]}`,
    };
  const sweep: Record<string, number[]> = {};
  for (const [key, col] of Object.entries(data)) {
    if (
      !Array.isArray(col) ||
      !col.every((v) => typeof v === "number" && Number.isFinite(v))
    )
      return {
        error: `sweep key '${key}' must be a non-empty array of numbers`,
      };
    sweep[key] = col as number[];
  }
  if (Object.keys(sweep).length === 0)
    return { error: `sweep ${path} has no parameters` };
  return { sweep };
}
