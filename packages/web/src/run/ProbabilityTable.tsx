/** Outcomes with their counts and probabilities, most frequent first; long lists are cut with a "show all". */
import { useMemo, useState } from "react";
import { compareOutcomes } from "../histogram/histogram-data.ts";
import { ScrollTable } from "./ScrollTable.tsx";

/** Rows shown before "show all", and the most ever rendered. */
const FIRST_ROWS = 16;
const MAX_ROWS = 1024;

/** The probability table. */
export function ProbabilityTable({
  counts,
}: {
  counts: Readonly<Record<string, number>>;
}) {
  const [all, setAll] = useState(false);
  const rows = useMemo(() => {
    const entries = Object.entries(counts).filter(([, n]) => n > 0);
    entries.sort((a, b) => b[1] - a[1] || compareOutcomes(a[0], b[0]));
    return entries;
  }, [counts]);
  const total = rows.reduce((s, [, n]) => s + n, 0);
  const shown = rows.slice(0, all ? MAX_ROWS : FIRST_ROWS);
  return (
    <section className="probabilities" aria-labelledby="prob-h">
      <h3 id="prob-h">Probabilities</h3>
      <ScrollTable label="Probabilities">
        <thead>
          <tr>
            <th scope="col">Outcome</th>
            <th scope="col" className="num">
              Count
            </th>
            <th scope="col" className="num">
              Probability
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.map(([k, n]) => (
            <tr key={k}>
              <td className="mono">{k}</td>
              <td className="num mono">{n}</td>
              <td className="num mono">
                {total > 0 ? ((n / total) * 100).toFixed(2) : "0.00"}%
              </td>
            </tr>
          ))}
        </tbody>
      </ScrollTable>
      {rows.length > shown.length && (
        <p className="small">
          Showing {shown.length} of {rows.length} outcomes.{" "}
          {!all && (
            <button type="button" onClick={() => setAll(true)}>
              Show {Math.min(rows.length, MAX_ROWS)}
            </button>
          )}
        </p>
      )}
    </section>
  );
}
