/// <reference lib="webworker" />
/** Web Worker that compiles OpenQASM off the main thread: receives {id, source}, replies {id, result}. */
import { compileSource } from "../qasm/quantum-api.ts";

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = (event: MessageEvent<{ id: number; source: string }>) => {
  const { id, source } = event.data;
  scope.postMessage({ id, result: compileSource(source) });
};
