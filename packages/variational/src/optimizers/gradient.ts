/** Gradient access for gradient optimisers: the problem's own, else central differences. */
import type { Objective } from "./types.ts";

/** Cost and gradient at `x`; `h` is the central-difference step used when `f` has no gradient. */
export async function valueAndGradient(
  f: Objective,
  x: readonly number[],
  h = 1e-6,
): Promise<{ value: number; gradient: number[] }> {
  if (f.valueAndGradient) return f.valueAndGradient(x);
  const value = await f.value(x);
  const gradient: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const p = x.slice();
    const m = x.slice();
    p[i] += h;
    m[i] -= h;
    gradient.push(((await f.value(p)) - (await f.value(m))) / (2 * h));
  }
  return { value, gradient };
}
