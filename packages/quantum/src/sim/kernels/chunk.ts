/**
 * Cache-blocking copies: a chunk of 2^(m+h) amplitudes is the amplitudes sharing every index bit
 * outside the low m bits and the h "high" qubits of a block. It is stored in memory as 2^h runs of
 * 2^m consecutive amplitudes, at array offsets base + hoff[j]; in the chunk buffer run j sits at
 * j * run (all offsets in array units, i.e. numbers, two per amplitude).
 */
import type { Amplitudes } from "./one-qubit.ts";

/** Copies the chunk's runs from a into buf. */
export function gatherChunk(
  a: Amplitudes,
  buf: Amplitudes,
  base: number,
  hoff: Int32Array,
  run: number,
): void {
  let o = 0;
  for (let j = 0; j < hoff.length; j++) {
    const p0 = base + hoff[j];
    for (let p = p0, pe = p0 + run; p < pe; p++) buf[o++] = a[p];
  }
}

/** Copies buf back into the chunk's runs in a. */
export function scatterChunk(
  a: Amplitudes,
  buf: Amplitudes,
  base: number,
  hoff: Int32Array,
  run: number,
): void {
  let o = 0;
  for (let j = 0; j < hoff.length; j++) {
    const p0 = base + hoff[j];
    for (let p = p0, pe = p0 + run; p < pe; p++) a[p] = buf[o++];
  }
}
