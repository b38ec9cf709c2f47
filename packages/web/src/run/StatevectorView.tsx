/** The final statevector as amplitude and phase bars, one row per basis state with a non-zero amplitude. */
import { useId, useMemo } from "react";
import {
  complexText,
  degrees,
  statevectorRows,
  type AmplitudeRow,
} from "./statevector.ts";
import { ScrollTable } from "./ScrollTable.tsx";

function PhaseBar({ row }: { row: AmplitudeRow }) {
  // A bar from the centre: right for a positive phase, left for a negative one, full at ±π.
  const half = (Math.abs(row.phase) / Math.PI) * 50;
  return (
    <span className="phase-track" aria-hidden="true">
      <span
        className="phase-bar"
        style={{
          left: row.phase >= 0 ? "50%" : `${50 - half}%`,
          width: `${half}%`,
        }}
      />
    </span>
  );
}

/** The statevector view; `limit` caps the rows (largest amplitudes kept). */
export function StatevectorView({
  state,
  limit = 64,
}: {
  state: readonly (readonly [number, number])[];
  limit?: number;
}) {
  const sv = useMemo(() => statevectorRows(state, limit), [state, limit]);
  const headingId = useId();
  return (
    <section className="statevector" aria-labelledby={headingId}>
      <h3 id={headingId}>Statevector</h3>
      <p className="muted small">
        {sv.qubits} qubit{sv.qubits === 1 ? "" : "s"}, {sv.nonZero} of{" "}
        {sv.total} amplitudes non-zero
        {sv.rows.length < sv.nonZero
          ? `; the ${sv.rows.length} largest are shown`
          : ""}
        . Basis states are written q[{Math.max(0, sv.qubits - 1)}]…q[0].
      </p>
      <ScrollTable label="Statevector" className="table sv-table">
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col">Amplitude</th>
            <th scope="col">Magnitude</th>
            <th scope="col">Phase</th>
          </tr>
        </thead>
        <tbody>
          {sv.rows.map((r) => (
            <tr key={r.index}>
              <td className="mono">|{r.label}⟩</td>
              <td className="mono">{complexText(r.re, r.im)}</td>
              <td>
                <span className="bar-cell">
                  <span className="amp-track" aria-hidden="true">
                    <span
                      className="amp-bar"
                      style={{ width: `${r.magnitude * 100}%` }}
                    />
                  </span>
                  <span className="mono">{r.magnitude.toFixed(4)}</span>
                </span>
              </td>
              <td>
                <span className="bar-cell">
                  <PhaseBar row={r} />
                  <span className="mono">{degrees(r.phase)}</span>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
    </section>
  );
}
