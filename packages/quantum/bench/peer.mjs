// Runs one JS peer simulator on one benchmark circuit and prints {"ms": ...} (run in a child
// process by sim.bench.ts so a slow peer can be killed): node peer.mjs PEER KIND N CIRCUITS_MJS
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [peer, kind, nText, circuitsPath] = process.argv.slice(2);
const n = Number(nText);
const { make } = await import(pathToFileURL(circuitsPath).href);
const gates = make(kind, n);
const require = createRequire(import.meta.url);

let ms;
if (peer === "quantum-circuit") {
  const QuantumCircuit = require("quantum-circuit");
  const c = new QuantumCircuit(n);
  for (const g of gates) {
    if (g.g === "cp") c.appendGate("cu1", g.q, { params: { lambda: g.p } });
    else if (g.g === "rx" || g.g === "ry")
      c.appendGate(g.g, g.q[0], { params: { theta: g.p } });
    else if (g.g === "rz") c.appendGate("rz", g.q[0], { params: { phi: g.p } });
    else c.appendGate(g.g, g.q.length === 1 ? g.q[0] : g.q);
  }
  const t = performance.now();
  c.run();
  ms = performance.now() - t;
} else if (peer === "jsqubits") {
  const { default: jsqubits } = await import("jsqubits");
  let s = new jsqubits.QState(n);
  const t = performance.now();
  for (const g of gates) {
    const [a, b] = g.q;
    if (g.g === "h") s = s.hadamard(a);
    else if (g.g === "rx") s = s.rotateX(a, g.p);
    else if (g.g === "ry") s = s.rotateY(a, g.p);
    else if (g.g === "rz") s = s.rotateZ(a, g.p);
    else if (g.g === "cx") s = s.cnot(a, b);
    else if (g.g === "cz") s = s.controlledZ(a, b);
    else if (g.g === "cp") s = s.controlledR(a, b, g.p);
    else throw new Error("gate " + g.g);
  }
  ms = performance.now() - t;
} else throw new Error("unknown peer " + peer);
process.stdout.write(JSON.stringify({ ms }) + "\n");
