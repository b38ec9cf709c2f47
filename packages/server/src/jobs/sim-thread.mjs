// Simulation thread entry when the server runs from its TypeScript sources (the build compiles
// sim-thread.ts to sim-thread.js, which sim-pool.ts starts instead): resolves `@stepfault/*` to
// their sources (the `stepfault-source` export condition) and loads TypeScript through tsx.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

register(
  "data:text/javascript,export function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,'stepfault-source']})}",
);
registerTsx();
await import("./sim-thread.ts");
