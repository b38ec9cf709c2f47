/**
 * The live view beside the editor, like Quirk's: for every qubit the probability of measuring 1
 * and its Bloch vector, plus the amplitudes, of the state the circuit prepares before its final
 * measurements. Updates as the text or the drawing changes; dims while the text has errors.
 * Every number is also in the DOM (data attributes, labels) for people using a screen reader.
 */
import type { Register } from "@stepfault/quantum";
import type { QubitState } from "./live-state.ts";
import { StatevectorView } from "./StatevectorView.tsx";
import type { LiveView as LiveViewState } from "./useLiveState.ts";

const R = 26;

/** A Bloch sphere: outline, equator, axes and the state's vector in an oblique projection. */
function BlochSphere({ s, label }: { s: QubitState; label: string }) {
  // Screen position of a point (x, y, z) on the sphere: y to the right, z up, x towards the viewer.
  const px = (x: number, y: number) => R + 4 + R * (y - 0.35 * x);
  const py = (x: number, z: number) => R + 4 - R * (z - 0.3 * x);
  const len = Math.hypot(s.x, s.y, s.z);
  const f = (v: number) => v.toFixed(3);
  return (
    <svg
      className="bloch"
      width={2 * R + 8}
      height={2 * R + 8}
      role="img"
      aria-label={`${label} Bloch vector x ${f(s.x)}, y ${f(s.y)}, z ${f(s.z)}`}
      data-x={s.x}
      data-y={s.y}
      data-z={s.z}
    >
      <circle cx={R + 4} cy={R + 4} r={R} className="bloch-outline" />
      <ellipse
        cx={R + 4}
        cy={R + 4}
        rx={R}
        ry={R * 0.3}
        className="bloch-equator"
      />
      <line
        x1={R + 4}
        y1={4}
        x2={R + 4}
        y2={2 * R + 4}
        className="bloch-axis"
      />
      <line
        x1={R + 4}
        y1={R + 4}
        x2={px(s.x, s.y)}
        y2={py(s.x, s.z)}
        className="bloch-vector"
        strokeOpacity={Math.max(0.35, len)}
      />
      <circle
        cx={px(s.x, s.y)}
        cy={py(s.x, s.z)}
        r={3}
        className="bloch-tip"
        fillOpacity={Math.max(0.35, len)}
      />
    </svg>
  );
}

function wireName(regs: readonly Register[], q: number): string {
  const r = regs.find((x) => q >= x.offset && q < x.offset + x.size);
  return r ? `${r.name}[${q - r.offset}]` : `q${q}`;
}

/** The live view panel. `current` is the text now in the editor (null while it has errors). */
export function LiveView({
  view,
  current,
  qregs,
}: {
  view: LiveViewState;
  current: string | null;
  qregs: readonly Register[];
}) {
  const { outcome } = view;
  const stale = current === null || view.source !== current;
  return (
    <section
      className={stale ? "panel live-view stale" : "panel live-view"}
      aria-label="Live state"
      aria-busy={stale}
      data-source-length={view.source?.length ?? -1}
    >
      <header className="panel-head">
        <h2>Live state</h2>
        {outcome?.ok && (
          <span className="muted small">
            before measurement · {outcome.ms.toFixed(0)} ms
          </span>
        )}
      </header>
      {!outcome && <p className="muted small">Computing…</p>}
      {outcome && !outcome.ok && (
        <p className="muted small live-refusal">
          Not shown live: {outcome.reason}. <a href="#run-panel">Go to Run</a>
        </p>
      )}
      {outcome?.ok && (
        <>
          <ul className="live-qubits">
            {outcome.qubits.map((s, q) => {
              const name = wireName(qregs, q);
              return (
                <li
                  key={q}
                  className="live-qubit"
                  data-qubit={q}
                  data-p1={s.p1}
                >
                  <span className="wire-name">{name}</span>
                  <BlochSphere s={s} label={name} />
                  <span
                    className="marginal"
                    role="img"
                    aria-label={`${name} probability of 1: ${(100 * s.p1).toFixed(1)}%`}
                  >
                    <span className="marginal-track" aria-hidden="true">
                      <span
                        className="marginal-bar"
                        style={{ width: `${100 * s.p1}%` }}
                      />
                    </span>
                    <span className="marginal-value" aria-hidden="true">
                      P(1) {(100 * s.p1).toFixed(1)}%
                    </span>
                  </span>
                </li>
              );
            })}
          </ul>
          <details className="live-amplitudes">
            <summary>Amplitudes (magnitude and phase)</summary>
            <StatevectorView state={outcome.amplitudes} limit={32} />
          </details>
        </>
      )}
    </section>
  );
}
