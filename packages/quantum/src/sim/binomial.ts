/**
 * Exact binomial draws from the seeded generator (no normal approximation), used to split a group
 * of shots over the two outcomes of a measurement.
 */
import type { Rng } from "../math/rng.ts";

/**
 * Draws Binomial(k, p) exactly. For q = min(p, 1 - p) it sums geometric waiting times (trials up to
 * and including each success, by inversion: ceil(ln u / ln(1 - q))) until they pass k; the number of
 * successes that fit is the draw, in about k*q + 1 iterations. Mirrored back when p > 1/2.
 */
export function binomial(k: number, p: number, rng: Rng): number {
  if (k <= 0 || !(p > 0)) return 0;
  if (p >= 1) return k;
  const flip = p > 0.5;
  const q = flip ? 1 - p : p;
  const logQ = Math.log1p(-q); // < 0
  let trials = 0,
    x = 0;
  for (;;) {
    const u = 1 - rng.nextDouble(); // (0, 1]
    trials += Math.max(1, Math.ceil(Math.log(u) / logQ));
    if (trials > k) break;
    x++;
  }
  return flip ? k - x : x;
}
