/** Random cache-blocked stages (lists of kernel instructions on one chunk) for the SIMD tests. */
import { outerSize, type KernelInstr } from "../../src/sim/instructions.ts";
import { diagInstr, lowerControlled } from "../../src/sim/lower.ts";
import { applyInstr, makeScratch } from "../../src/sim/execute.ts";

export const X = Float64Array.of(0, 0, 1, 0, 1, 0, 0, 0);

/** A random unit complex (cos a, sin a). */
export function phase(rng: () => number): [number, number] {
  const a = rng() * 2 * Math.PI;
  return [Math.cos(a), Math.sin(a)];
}

/** A random stage on L qubits: rotations (rx, ry, rz shapes, general), cx, cz, cp, ccx, SWAP and a dense 4x4. */
export function randomStage(
  rng: () => number,
  count: number,
  L: number,
): KernelInstr[] {
  const q = (): number => Math.floor(rng() * L);
  const two = (): [number, number] => {
    const a = q();
    let b = q();
    while (b === a) b = q();
    return [a, b];
  };
  const out: KernelInstr[] = [];
  for (let i = 0; i < count; i++) {
    const [c, s] = phase(rng);
    const kind = Math.floor(rng() * 9);
    const [a, b] = two();
    if (kind === 0)
      out.push(
        lowerControlled([a], [], Float64Array.of(c, 0, 0, -s, 0, -s, c, 0)),
      );
    else if (kind === 1)
      out.push(
        lowerControlled([a], [], Float64Array.of(c, 0, -s, 0, s, 0, c, 0)),
      );
    else if (kind === 2) out.push(diagInstr([a], Float64Array.of(1, 0, c, s)));
    else if (kind === 3)
      out.push(
        lowerControlled(
          [a],
          [],
          Float64Array.from({ length: 8 }, () => rng() * 2 - 1),
        ),
      );
    else if (kind === 4) out.push(lowerControlled([b], [a], X));
    else if (kind === 5)
      out.push(diagInstr([a, b], Float64Array.of(1, 0, 1, 0, 1, 0, -1, 0)));
    else if (kind === 6) {
      let t = q();
      while (t === a || t === b) t = q();
      out.push(lowerControlled([t], [a, b], X));
    } else if (kind === 7)
      out.push(
        lowerControlled(
          [a, b],
          [],
          Float64Array.of(
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            1,
            0,
            0,
            0,
            0,
            0,
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            1,
            0,
          ),
        ),
      );
    else
      out.push(
        lowerControlled(
          [a, b],
          [],
          Float64Array.from({ length: 32 }, () => rng() * 2 - 1),
        ),
      );
  }
  return out;
}

/** The stage through the TypeScript kernels one instruction at a time (the reference). */
export function runTs(
  single: boolean,
  subs: readonly KernelInstr[],
  init: Float64Array,
  L: number,
): Float64Array {
  const a = single ? Float32Array.from(init) : Float64Array.from(init);
  for (const s of subs) applyInstr(a, s, 0, outerSize(s, L), makeScratch());
  return Float64Array.from(a);
}

/** The largest absolute difference of two equally long arrays. */
export function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
