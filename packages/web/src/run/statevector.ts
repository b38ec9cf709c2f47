/**
 * Turns a statevector ([re, im] pairs, little-endian: qubit 0 is the lowest bit of the index) into
 * rows for display: basis label, magnitude, probability and phase, the largest kept in index order.
 */

/** One basis state of the statevector. */
export interface AmplitudeRow {
  readonly index: number;
  /** |q[n-1] … q[0]⟩ written most significant qubit first, like the count keys. */
  readonly label: string;
  readonly re: number;
  readonly im: number;
  readonly magnitude: number;
  readonly probability: number;
  /** Phase in (-π, π]; 0 for a zero amplitude. */
  readonly phase: number;
}

/** The rows shown and how many were left out. */
export interface StatevectorRows {
  readonly rows: readonly AmplitudeRow[];
  readonly qubits: number;
  /** Amplitudes with a probability above the threshold. */
  readonly nonZero: number;
  readonly total: number;
}

/** Amplitudes whose probability is below this are treated as zero. */
export const ZERO_PROBABILITY = 1e-12;

/** Phases this close to ±π are shown as π (so -π and π do not flicker). */
const PI_EPS = 1e-9;

/** Builds the rows: the `limit` largest amplitudes (ties by index), shown in index order. */
export function statevectorRows(
  state: readonly (readonly [number, number])[],
  limit = 64,
): StatevectorRows {
  const total = state.length;
  const qubits = total > 1 ? Math.round(Math.log2(total)) : 0;
  const all: AmplitudeRow[] = [];
  state.forEach(([re, im], index) => {
    const probability = re * re + im * im;
    if (!(probability > ZERO_PROBABILITY)) return;
    let phase = Math.atan2(im, re);
    if (phase <= -Math.PI + PI_EPS) phase = Math.PI;
    all.push({
      index,
      label: index.toString(2).padStart(qubits, "0"),
      re,
      im,
      magnitude: Math.sqrt(probability),
      probability,
      phase: Math.abs(phase) < PI_EPS ? 0 : phase,
    });
  });
  const kept =
    all.length > limit
      ? [...all]
          .sort((a, b) => b.probability - a.probability || a.index - b.index)
          .slice(0, limit)
          .sort((a, b) => a.index - b.index)
      : all;
  return { rows: kept, qubits, nonZero: all.length, total };
}

/** A phase as degrees, e.g. "90°", "-45°", "180°". */
export function degrees(phase: number): string {
  const d = (phase * 180) / Math.PI;
  const r = Math.round(d * 10) / 10;
  return `${Object.is(r, -0) ? 0 : r}°`;
}

/** A complex number as "0.7071 + 0.7071i" with 4 decimals. */
export function complexText(re: number, im: number): string {
  const f = (x: number) => {
    const s = x.toFixed(4);
    return s === "-0.0000" ? "0.0000" : s;
  };
  const i = f(Math.abs(im));
  return `${f(re)} ${im < 0 && i !== "0.0000" ? "−" : "+"} ${i}i`;
}
