/** Bit tricks shared by the simulator's scalar paths. */

/** The parity (0 or 1) of the set bits of a 32-bit integer. */
export function parity(v: number): number {
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  return (0x6996 >>> (v & 0xf)) & 1;
}
