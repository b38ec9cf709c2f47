import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";

/** mulberry32: a small seeded PRNG, so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS: readonly string[] = [
  `OPENQASM 2.0;
include "qelib1.inc";
gate g(a, b) x, y { rz(a * b / 2) x; cx x, y; u3(a, -b, pi^2) y; }
opaque o(t) x;
qreg q[3]; creg c[3];
g(0.5, sin(pi/4)) q[0], q[2];
h q; cx q[0], q[1]; barrier q;
measure q -> c;
if (c == 5) x q[1];
reset q[2];
`,
  `OPENQASM 3;
include "stdgates.inc";
const int n = 3;
input float theta;
qubit[n] q; bit[n] c;
gate r(t) a { rx(t) a; gphase(-t / 2); }
def layer(qubit[3] r, float t) -> int { for int i in [0:2] rz(t * i) r[i]; return 1; }
for int i in {0, 2} { ctrl @ r(theta) q[i], q[1]; }
int k = layer(q, 0.25);
while (k < 4) { k += 1; negctrl @ x q[0], q[2]; }
c[0] = measure q[0];
if (c[0] == 1) { inv @ pow(2) @ s q[1]; } else { x q[1]; }
`,
  `OPENQASM 3;
include "stdgates.inc";
extern vote(bit[3]) -> bit;
defcalgrammar "openpulse";
defcal x $0 { play d0, gaussian(...); }
qubit[3] q; bit[3] c = "010"; uint[4] n = 0; int[8] k;
array[int[8], 2, 2] a = {{1, 2}, {3, 4}};
let pair = q[0:1] ++ q[2];
duration d = 2 * 10ns + durationof({ x q[0]; });
stretch s;
box [d] { delay[d + s] q[0]; h pair[1]; }
while (int[3](c) != 0 && n < 5) { c = measure q; n += 1; k = popcount(c) << 1; }
switch (k) { case 0, 2 { rx(k * 0.5) q[0]; } default { x q[1]; } }
if (vote(c) == 1 && ~c[0]) { c[1] = sizeof(a, 1) > 1; } else { k -= rotl(c, 1); }
`,
  // Loops and indexed arguments in gate bodies, run-time qubit indices, floats holding measured
  // values, return and end inside run-time branches, and the lenient readings of the
  // specification's examples (lenient.test.ts).
  `OPENQASM 3.0;
include "stdgates.inc";
gate ent(t) q { for uint i in [0:2] { ry(t * i) q[i]; cx q[i], q[i + 1]; } }
def check(qubit[2] s) -> bool {
  bit[2] m = measure s;
  cz s[2], s[0];
  ok = ~(bool(m[0]) | bool(m[1]));
  if (ok) return true;
  return false;
}
qubit[4] q; bit[2] b; uint[2] i; float[64] f = 0.5;
ent(0.4) q;
b = measure q[0:1];
i = b;
x q[3 - i];
rx(0.2) q[i:i + 1];
f = f * int(b[0]) + 1.5;
array[int[8], 2] a = {1, 2};
a[2] = 3;
const int d = 2;
const int d = 1 + 1;
bool good = check(q[2:3]);
if (f > 1.8 && good) end;
u q[0];
`,
  `gate g(θ) a, b { U(0, 0, θ / 2) a; CX a, b; u(0, 0, -θ / 2) b; CX a, b; }
g(π / 2) r[0], r[1];
bit[2] c;
c = measure r;
`,
];
const ALPHABET = "qc[](){};,.-+*/^@<>=!&|\"'\\n 0123456789ehpxsgif#$π";

describe("compileQasm robustness", () => {
  it.each(SEEDS.map((s, i) => [i, s] as const))(
    "never throws on random mutations of program %i",
    (i, src) => {
      expect(compileQasm(src, { inputs: { theta: 0.1 } }).ok).toBe(true);
      const random = rng(1234 + i);
      for (let n = 0; n < 400; n++) {
        const chars = [...src];
        const edits = 1 + Math.floor(random() * 4);
        for (let e = 0; e < edits; e++) {
          const at = Math.floor(random() * chars.length);
          const r = random();
          const ch =
            random() < 0.25
              ? String.fromCharCode(Math.floor(random() * 256))
              : ALPHABET[Math.floor(random() * ALPHABET.length)];
          if (r < 0.4) chars.splice(at, 1);
          else if (r < 0.7) chars.splice(at, 0, ch);
          else chars[at] = ch;
        }
        const mutated = chars.join("");
        let result;
        try {
          result = compileQasm(mutated, {
            inputs: { theta: 0.1 },
            maxOps: 10_000,
          });
        } catch (err) {
          throw new Error(
            `compileQasm threw on mutation ${n} of program ${i}: ${String(err)}\n${mutated}`,
            { cause: err },
          );
        }
        const internal = result.diagnostics.filter(
          (d) => d.code === "QASM_INTERNAL",
        );
        if (internal.length > 0)
          expect.fail(
            `internal error on mutation ${n} of program ${i}: ${internal[0].message}\n${mutated}`,
          );
        for (const d of result.diagnostics) {
          expect(d.span.line).toBeGreaterThanOrEqual(1);
          expect(d.span.col).toBeGreaterThanOrEqual(1);
        }
        if (!result.ok)
          expect(result.diagnostics.some((d) => d.severity === "error")).toBe(
            true,
          );
      }
    },
  );
});
