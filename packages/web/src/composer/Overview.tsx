/** A readable summary for circuits too large to draw: operation counts per qubit and a density strip. */
import type { Circuit } from "@stepfault/quantum";
import { useEffect, useMemo, useRef } from "react";
import { layoutCircuit, opQubits } from "./layout.ts";

/** Circuits above these sizes get the overview instead of the full drawing. */
export const OVERVIEW_LIMITS = { qubits: 40, ops: 2000 } as const;

/** Whether `circuit` is too large to draw gate by gate. */
export function needsOverview(
  circuit: Pick<Circuit, "numQubits" | "ops">,
): boolean {
  return (
    circuit.numQubits > OVERVIEW_LIMITS.qubits ||
    circuit.ops.length > OVERVIEW_LIMITS.ops
  );
}

/** Per-qubit operation counts and a (qubit x time bucket) density grid with `buckets` columns. */
export function overviewData(circuit: Circuit, buckets = 120) {
  const perQubit = new Array<number>(circuit.numQubits).fill(0);
  const { columns, width } = layoutCircuit(circuit);
  const nb = Math.max(1, Math.min(buckets, width));
  const grid = new Uint32Array(circuit.numQubits * nb);
  circuit.ops.forEach((op, i) => {
    const b = Math.min(
      nb - 1,
      Math.floor((columns[i] / Math.max(width, 1)) * nb),
    );
    for (const q of opQubits(op)) {
      perQubit[q]++;
      grid[q * nb + b]++;
    }
  });
  return { perQubit, grid, buckets: nb, depth: width };
}

/** The overview component. */
export function Overview({ circuit }: { circuit: Circuit }) {
  const data = useMemo(() => overviewData(circuit), [circuit]);
  const canvas = useRef<HTMLCanvasElement>(null);
  const max = Math.max(1, ...data.perQubit);
  const rowH = circuit.numQubits > 200 ? 1 : circuit.numQubits > 80 ? 2 : 4;

  useEffect(() => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx) return;
    const peak = Math.max(1, ...data.grid);
    const color =
      getComputedStyle(canvas.current as HTMLCanvasElement)
        .getPropertyValue("--accent")
        .trim() || "#3b82f6";
    ctx.clearRect(0, 0, data.buckets * 4, circuit.numQubits * rowH);
    ctx.fillStyle = color;
    for (let q = 0; q < circuit.numQubits; q++)
      for (let b = 0; b < data.buckets; b++) {
        const v = data.grid[q * data.buckets + b];
        if (!v) continue;
        ctx.globalAlpha = 0.15 + 0.85 * (v / peak);
        ctx.fillRect(b * 4, q * rowH, 4, rowH);
      }
  }, [data, circuit.numQubits, rowH]);

  const top = data.perQubit
    .map((count, q) => ({ q, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 12);
  return (
    <section className="overview" aria-label="Circuit overview">
      <p>
        This circuit has {circuit.numQubits} qubits, {circuit.ops.length}{" "}
        operations and depth {data.depth}: too large to draw gate by gate (limit{" "}
        {OVERVIEW_LIMITS.qubits} qubits / {OVERVIEW_LIMITS.ops} operations).
        Edit it as text.
      </p>
      <h3>Density (qubits down, time across)</h3>
      <canvas
        ref={canvas}
        width={data.buckets * 4}
        height={circuit.numQubits * rowH}
        className="density"
      />
      <h3>Busiest qubits</h3>
      <ul className="qubit-counts">
        {top.map(({ q, count }) => (
          <li key={q}>
            <span className="mono">q{q}</span>
            <span
              className="bar"
              style={{ width: `${(count / max) * 100}%` }}
            />
            <span>{count}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
