import type { CircuitCompiler } from "./services/core/circuits.service.ts";

/** The OpenQASM compiler of @stepfault/quantum used to validate circuits (undefined until it lands). */
export function compileQasmIfAvailable(): CircuitCompiler | undefined {
  return undefined;
}
