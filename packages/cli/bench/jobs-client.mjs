// Load-generator thread of bench/jobs.bench.ts: registers tsx's loader, then runs jobs-client.ts.
import { register } from "tsx/esm/api";

register();
await import("./jobs-client.ts");
