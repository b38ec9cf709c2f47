import * as quantum from "@stepfault/quantum";
import type { CircuitCompiler } from "./services/core/circuits.service.ts";

/**
 * The OpenQASM compiler of @stepfault/quantum used to validate circuits, or undefined while the
 * package does not export `compileQasm` yet (circuits are then stored unvalidated).
 */
export function compileQasmIfAvailable(): CircuitCompiler | undefined {
  const compile = (quantum as Record<string, unknown>).compileQasm;
  return typeof compile === "function"
    ? (compile as CircuitCompiler)
    : undefined;
}
