// Public entry of @stepfault/quantum: pure, isomorphic TypeScript (no Node or DOM APIs).
export * from "./ir/types.ts";
export * from "./ir/gates.ts";
export * from "./sim/simulate.ts";
export * from "./qasm/compile.ts";
export * from "./qasm/version.ts";
export * from "./ir/circuit.ts";
export * from "./ir/json.ts";
export * from "./ir/export.ts";
export * from "./ir/parametric.ts";
export * from "./qasm/compile-parametric.ts";
export * from "./sim/observable.ts";
export * from "./sim/estimate.ts";
