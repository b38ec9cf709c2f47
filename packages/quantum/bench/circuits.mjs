// StepFault's own benchmark circuits, used when ../shared/bench (the team's shared circuits and the
// baseline loop) is not beside the repository, as on a user's clone. Same shapes as the shared
// set, own generator and random stream, so absolute figures are comparable but not identical.
// Neutral gate list: {g: 'h'|'cx'|'cz'|'cp'|'rx'|'ry'|'rz', q: [qubits...], p?: angle}.

/** splitmix32: a small seeded stream of floats in [0, 1). */
function stream(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 2 ** 32;
  };
}

/** h on qubit 0, then a cx chain. */
export function ghz(n) {
  const out = [{ g: "h", q: [0] }];
  for (let q = 1; q < n; q++) out.push({ g: "cx", q: [q - 1, q] });
  return out;
}

/** The QFT without the final swaps: h on j, then cp(pi / 2^(k - j)) from every later k. */
export function qft(n) {
  const out = [];
  for (let j = 0; j < n; j++) {
    out.push({ g: "h", q: [j] });
    for (let k = j + 1; k < n; k++)
      out.push({ g: "cp", q: [k, j], p: Math.PI / 2 ** (k - j) });
  }
  return out;
}

/** `layers` layers of a random rx/ry/rz on every qubit, then cx or cz on random disjoint pairs. */
export function random(n, layers = 20, seed = 7) {
  const next = stream(seed * 7919 + n);
  const out = [];
  for (let layer = 0; layer < layers; layer++) {
    for (let q = 0; q < n; q++)
      out.push({
        g: ["rx", "ry", "rz"][Math.floor(next() * 3)],
        q: [q],
        p: next() * 2 * Math.PI,
      });
    const order = Array.from({ length: n }, (_, q) => q);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let i = 0; i + 1 < n; i += 2)
      out.push({ g: next() < 0.5 ? "cx" : "cz", q: [order[i], order[i + 1]] });
  }
  return out;
}

export function make(kind, n) {
  if (kind === "ghz") return ghz(n);
  if (kind === "qft") return qft(n);
  if (kind === "random") return random(n);
  throw new Error(`unknown circuit ${kind}`);
}
