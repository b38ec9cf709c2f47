/**
 * The estimate panel of a circuit with OpenQASM 3 `input`s: a sweep editor (one input over a range
 * with a number of points, or pasted values; the other inputs fixed), observables (Pauli sums, one
 * per line), exact or shot-based, optionally the gradient. Run submits an `estimate` job through the
 * SDK, follows it live (status and progress from the event stream), then draws expectation value
 * against the swept input, one line per observable, with dE/d(input) as dashed lines when asked,
 * and lists the values in a table.
 */
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { Job } from "@stepfault/sdk";
import type { Sdk as SdkClient } from "../api/sdk.ts";
import { useSession } from "../api/session.tsx";
import { Link } from "../app/router.tsx";
import { programInputs } from "../qasm/quantum-api.ts";
import {
  observableLines,
  parseAngle,
  pastedValues,
  rangeValues,
} from "./sweep.ts";
import { SweepChart, type ChartSeries } from "./SweepChart.tsx";
import type { RunTarget } from "./RunPanel.tsx";
import "./run.css";
import "./estimate.css";

type Phase = "idle" | "submitting" | "active" | "done";

interface Shown {
  readonly job: Job;
  readonly parameter: string;
  readonly x: readonly number[];
  readonly observables: readonly string[];
}

/** The panel; hidden when the editor text has no inputs (or does not compile). */
export function EstimatePanel({
  projectId,
  target,
  canRun = true,
  sdk: given,
}: {
  projectId: string;
  target: RunTarget;
  canRun?: boolean;
  sdk?: SdkClient;
}) {
  const fromSession = useSession().sdk;
  const sdk = given ?? fromSession;
  const program = useMemo(() => programInputs(target.source), [target.source]);
  if (!program || program.inputs.length === 0) return null;
  return (
    <EstimateForm
      projectId={projectId}
      target={target}
      canRun={canRun}
      sdk={sdk}
      inputs={program.inputs}
      numQubits={program.numQubits}
    />
  );
}

function EstimateForm({
  projectId,
  target,
  canRun,
  sdk,
  inputs,
  numQubits,
}: {
  projectId: string;
  target: RunTarget;
  canRun: boolean;
  sdk: SdkClient;
  inputs: readonly string[];
  numQubits: number;
}) {
  const id = useId();
  const [parameter, setParameter] = useState(inputs[0]);
  const [mode, setMode] = useState<"range" | "values">("range");
  const [start, setStart] = useState("0");
  const [stop, setStop] = useState("2*pi");
  const [points, setPoints] = useState("33");
  const [pasted, setPasted] = useState("");
  const [fixed, setFixed] = useState<Record<string, string>>({});
  const [observables, setObservables] = useState(
    `Z${numQubits > 1 ? "0" : ""}`,
  );
  const [gradient, setGradient] = useState(true);
  const [shots, setShots] = useState("");
  const [invalid, setInvalid] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>("idle");
  const [status, setStatus] = useState<string>("");
  const [progress, setProgress] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [showGradient, setShowGradient] = useState(true);
  const jobId = useRef<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  useEffect(() => () => abort.current?.abort(), []);
  const swept = inputs.includes(parameter) ? parameter : inputs[0];

  const onSubmit = async (e: React.FormEvent) => {
    e.preventDefault();
    const x =
      mode === "range"
        ? rangeValues(start, stop, points)
        : pastedValues(pasted);
    if (typeof x === "string") return setInvalid(`Sweep: ${x}`);
    const obs = observableLines(observables);
    if (obs.length === 0) return setInvalid("Give at least one observable.");
    const others: Record<string, number> = {};
    for (const name of inputs) {
      if (name === swept) continue;
      const text = fixed[name] ?? "0";
      const v = parseAngle(text);
      if (v === null)
        return setInvalid(`Input ${name}: "${text}" is not a number.`);
      others[name] = v;
    }
    const n = shots.trim() === "" ? null : Number(shots);
    if (n !== null && (!Number.isInteger(n) || n < 1 || n > 1_000_000))
      return setInvalid(
        "Shots: leave empty for exact values, or 1 to 1000000.",
      );
    setInvalid(null);
    setError(null);
    setPhase("submitting");
    setStatus("Submitting…");
    setProgress(0);
    abort.current?.abort();
    const ac = new AbortController();
    abort.current = ac;
    try {
      const what =
        target.unsaved || !target.circuitId
          ? { source: target.source }
          : {
              circuitId: target.circuitId,
              ...(target.revision !== undefined
                ? { revision: target.revision }
                : {}),
            };
      const job = await sdk.jobs.estimate(projectId, {
        ...what,
        observables: obs,
        sweep: { [swept]: x },
        ...(Object.keys(others).length > 0 ? { inputs: others } : {}),
        gradient,
        shots: n,
      });
      jobId.current = job.id;
      setPhase("active");
      setStatus(job.status);
      const done = await sdk.waitForJob(job.id, {
        signal: ac.signal,
        onProgress: (f) => setProgress(f),
        onEvent: (ev) => {
          // The final status shows with the result, once the finished job is read.
          if (
            (ev.event === "state" || ev.event === "status") &&
            (ev.data.status === "queued" || ev.data.status === "running")
          )
            setStatus(ev.data.status);
        },
      });
      if (ac.signal.aborted) return;
      setStatus(done.status);
      setPhase("done");
      if (done.status !== "succeeded") {
        setError(
          `The estimate ${done.status}${done.error ? `: ${done.error.message}` : "."}`,
        );
        return;
      }
      setShown({ job: done, parameter: swept, x, observables: obs });
      setShowGradient(gradient);
    } catch (err) {
      if (ac.signal.aborted) return;
      setPhase("done");
      setStatus("failed");
      setError(
        err instanceof Error
          ? err.message.replace(/^[A-Z_]+: /, "")
          : String(err),
      );
    }
  };

  const cancel = async () => {
    if (jobId.current)
      await sdk.jobs.cancel(jobId.current).catch(() => undefined);
  };

  const busy = phase === "submitting" || phase === "active";
  return (
    <section className="panel estimate-panel" aria-labelledby={`${id}-h`}>
      <header className="panel-head">
        <h2 id={`${id}-h`}>Sweep and estimate</h2>
        <span
          className={`status run-status ${status}`}
          role="status"
          aria-live="polite"
        >
          {phase === "idle" ? "Not run yet" : status}
        </span>
      </header>
      <form
        className="estimate-form"
        onSubmit={(e) => void onSubmit(e)}
        noValidate
      >
        <fieldset>
          <legend>Sweep</legend>
          <div className="run-field">
            <label htmlFor={`${id}-param`}>Parameter</label>
            <select
              id={`${id}-param`}
              value={swept}
              onChange={(e) => setParameter(e.target.value)}
            >
              {inputs.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div
            className="run-field"
            role="radiogroup"
            aria-label="Sweep values"
          >
            <label>
              <input
                type="radio"
                name={`${id}-mode`}
                checked={mode === "range"}
                onChange={() => setMode("range")}
              />{" "}
              Range
            </label>
            <label>
              <input
                type="radio"
                name={`${id}-mode`}
                checked={mode === "values"}
                onChange={() => setMode("values")}
              />{" "}
              Pasted values
            </label>
          </div>
          {mode === "range" ? (
            <>
              <div className="run-field">
                <label htmlFor={`${id}-start`}>From</label>
                <input
                  id={`${id}-start`}
                  value={start}
                  onChange={(e) => setStart(e.target.value)}
                />
              </div>
              <div className="run-field">
                <label htmlFor={`${id}-stop`}>To</label>
                <input
                  id={`${id}-stop`}
                  value={stop}
                  onChange={(e) => setStop(e.target.value)}
                />
              </div>
              <div className="run-field">
                <label htmlFor={`${id}-points`}>Points</label>
                <input
                  id={`${id}-points`}
                  type="number"
                  min={1}
                  step={1}
                  inputMode="numeric"
                  value={points}
                  onChange={(e) => setPoints(e.target.value)}
                />
              </div>
            </>
          ) : (
            <div className="run-field wide">
              <label htmlFor={`${id}-values`}>Values</label>
              <textarea
                id={`${id}-values`}
                rows={2}
                placeholder="0, pi/4, pi/2, 1.7"
                value={pasted}
                onChange={(e) => setPasted(e.target.value)}
              />
            </div>
          )}
          {inputs
            .filter((name) => name !== swept)
            .map((name) => (
              <div className="run-field" key={name}>
                <label htmlFor={`${id}-in-${name}`}>{name} =</label>
                <input
                  id={`${id}-in-${name}`}
                  value={fixed[name] ?? "0"}
                  onChange={(e) =>
                    setFixed((f) => ({ ...f, [name]: e.target.value }))
                  }
                />
              </div>
            ))}
        </fieldset>
        <div className="run-field wide">
          <label htmlFor={`${id}-obs`}>Observables (one per line)</label>
          <textarea
            id={`${id}-obs`}
            rows={2}
            spellCheck={false}
            placeholder={`${"Z".repeat(numQubits)} or 0.5*Z0 Z1 - X0`}
            value={observables}
            onChange={(e) => setObservables(e.target.value)}
          />
        </div>
        <div className="run-field">
          <label htmlFor={`${id}-shots`}>Shots</label>
          <input
            id={`${id}-shots`}
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            placeholder="exact"
            value={shots}
            onChange={(e) => setShots(e.target.value)}
          />
        </div>
        <label className="run-field">
          <input
            type="checkbox"
            checked={gradient}
            onChange={(e) => setGradient(e.target.checked)}
          />{" "}
          Gradient d⟨O⟩/d{swept}
        </label>
        <div className="run-buttons">
          <button type="submit" className="primary" disabled={!canRun || busy}>
            Estimate
          </button>
          {phase === "active" && (
            <button type="button" onClick={() => void cancel()}>
              Cancel
            </button>
          )}
        </div>
      </form>
      {invalid && (
        <p role="alert" className="notice error">
          {invalid}
        </p>
      )}
      {error && (
        <p role="alert" className="notice error">
          {error}
        </p>
      )}
      {phase === "active" && (
        <div className="run-progress">
          <progress
            max={1}
            value={status === "queued" ? undefined : progress}
            aria-label="Estimate progress"
          />
          <span className="muted small">
            {status === "queued"
              ? "waiting for a worker"
              : `${Math.round(progress * 100)}%`}
          </span>
        </div>
      )}
      {shown && (
        <EstimateResultView
          shown={shown}
          projectId={projectId}
          showGradient={showGradient}
          onShowGradient={setShowGradient}
        />
      )}
    </section>
  );
}

/** Fixed decimals without a "-0". */
const decimals = (v: number, digits: number) => {
  const s = v.toFixed(digits);
  return /^-0\.0*$/.test(s) ? s.slice(1) : s;
};

function EstimateResultView({
  shown,
  projectId,
  showGradient,
  onShowGradient,
}: {
  shown: Shown;
  projectId: string;
  showGradient: boolean;
  onShowGradient: (on: boolean) => void;
}) {
  const r = shown.job.result;
  const expectations = r?.expectations ?? [];
  const j = (r?.parameters ?? []).indexOf(shown.parameter);
  const grads = r?.gradients && j >= 0 ? r.gradients : null;
  const stddev = r?.stddev ?? null;
  const label = (k: number) => `⟨${shown.observables[k]}⟩`;
  const series: ChartSeries[] = shown.observables.map((_, k) => ({
    label: label(k),
    y: expectations.map((row) => row[k]),
    colour: k,
  }));
  if (grads && showGradient)
    shown.observables.forEach((_, k) =>
      series.push({
        label: `d${label(k)}/d${shown.parameter}`,
        y: grads.map((row) => row[k][j]),
        dashed: true,
        colour: k,
      }),
    );
  return (
    <div className="estimate-result">
      <p className="small muted">
        {shown.x.length} point{shown.x.length === 1 ? "" : "s"}, {r?.method}
        {r?.timeMs !== undefined ? `, ${r.timeMs.toFixed(1)} ms` : ""} ·{" "}
        <Link href={`/projects/${projectId}/jobs/${shown.job.id}`}>
          Open job {shown.job.id.slice(0, 8)}
        </Link>
      </p>
      {grads && (
        <label className="small">
          <input
            type="checkbox"
            checked={showGradient}
            onChange={(e) => onShowGradient(e.target.checked)}
          />{" "}
          Show gradient
        </label>
      )}
      <SweepChart x={shown.x} xLabel={shown.parameter} series={series} />
      <details className="estimate-values">
        <summary>Table of values</summary>
        <div className="scroll-table">
          <table aria-label="Estimate values">
            <thead>
              <tr>
                <th scope="col">{shown.parameter}</th>
                {shown.observables.map((_, k) => (
                  <th scope="col" key={k}>
                    {label(k)}
                  </th>
                ))}
                {grads &&
                  shown.observables.map((_, k) => (
                    <th scope="col" key={`g${k}`}>
                      d{label(k)}/d{shown.parameter}
                    </th>
                  ))}
              </tr>
            </thead>
            <tbody>
              {shown.x.map((v, p) => (
                <tr key={p}>
                  <td data-value={v}>{decimals(v, 4)}</td>
                  {expectations[p]?.map((e, k) => (
                    <td key={k} data-value={e}>
                      {decimals(e, 6)}
                      {stddev ? ` ± ${decimals(stddev[p][k], 4)}` : ""}
                    </td>
                  ))}
                  {grads &&
                    grads[p].map((g, k) => (
                      <td key={`g${k}`} data-value={g[j]}>
                        {decimals(g[j], 6)}
                      </td>
                    ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
