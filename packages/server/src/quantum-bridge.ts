import { compileQasm } from "@stepfault/quantum";
import type { CircuitCompiler } from "./services/core/circuits.service.ts";

/** Most unrolled operations a saved circuit may compile to (keeps validation fast on the request thread). */
export const MAX_CIRCUIT_OPS = 1_000_000;

/**
 * The OpenQASM compiler used to validate saved circuits: @stepfault/quantum's `compileQasm` with
 * an operation cap and no file-system includes (only the built-in qelib1.inc / stdgates.inc).
 * A circuit's OpenQASM 3 `input`s need no value to be saved (`parametric`): jobs give them values
 * (`inputs`, or a `sweep` of an estimate).
 */
export function circuitCompiler(): CircuitCompiler {
  return (source, options) =>
    compileQasm(source, {
      fileName: options.fileName,
      maxOps: MAX_CIRCUIT_OPS,
      parametric: true,
    });
}
