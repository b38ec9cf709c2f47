// Public entry of @stepfault/variational: optimisers with resumable state, the variational loop,
// and QAOA / Ising problem builders. Pure, isomorphic TypeScript (no Node or DOM APIs).
export * from "./optimizers/types.ts";
export { OPTIMIZERS } from "./optimizers/registry.ts";
export * from "./minimize.ts";
export * from "./problems/pauli.ts";
export * from "./problems/exact.ts";
export * from "./problems/qaoa.ts";
export * from "./problems/ansatz.ts";
export * from "./problems/molecules.ts";
