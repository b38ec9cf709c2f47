/**
 * Run on the scratch workbench: simulates the editor text in this browser (in a Web Worker, see
 * `useLocalRun`), up to `LOCAL_MAX_QUBITS` qubits, with the project run panel's form, status and
 * result views. A circuit with errors is not run; a wider one is refused with a message.
 */
import type { Circuit } from "@stepfault/quantum";
import { useEffect, useId, useState } from "react";
import { Link } from "../app/router.tsx";
import { compileSource } from "../qasm/quantum-api.ts";
import { LOCAL_MAX_QUBITS, localRunRefusal } from "../run/local-limits.ts";
import { RunForm, type RunOptions } from "../run/RunForm.tsx";
import { RunOutcome, RunStatus } from "../run/RunOutcome.tsx";
import { useLocalRun, type RunWorker } from "../run/useLocalRun.ts";
import "../run/run.css";

/** The local run panel; `circuit` is `text` compiled, when the page already has it. */
export function LocalRunPanel({
  text,
  circuit,
  errors,
  startWorker,
}: {
  text: string;
  circuit: Circuit | null;
  /** Errors the editor shows (for the text as last checked). */
  errors: number;
  /** Tests pass a fake worker. */
  startWorker?: () => RunWorker;
}) {
  const local = useLocalRun(startWorker);
  const { state } = local;
  const id = useId();
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => setRefusal(null), [text]);
  // The text of the run shown: once the editor text differs, its status no longer vouches for it.
  const [ranText, setRanText] = useState<string | null>(null);
  const outdated = state.job !== null && ranText !== text;

  const onRun = (options: RunOptions) => {
    let qubits = circuit?.numQubits;
    if (qubits === undefined) {
      // The editor has not checked this text yet: check it now, and never run an invalid one.
      const compiled = compileSource(text);
      if (!compiled.ok) {
        setRefusal(
          "The circuit has errors (see Problems): fix them to run it.",
        );
        return;
      }
      qubits = compiled.circuit.numQubits;
    }
    const refused = localRunRefusal(qubits);
    setRefusal(refused);
    if (refused) {
      local.clear(); // the last result belongs to another circuit
      return;
    }
    setRanText(text);
    local.run({ source: text, ...options });
  };

  return (
    <section
      id="run-panel"
      className="panel run-panel local-run"
      aria-labelledby={`${id}-h`}
    >
      <header className="panel-head">
        <h2 id={`${id}-h`}>Run</h2>
        <RunStatus state={state} outdated={outdated} />
      </header>
      <RunForm
        id={id}
        onRun={onRun}
        onCancel={local.cancel}
        canRun={errors === 0}
        phase={state.phase}
        cancelling={state.cancelling}
        describedBy={`${id}-what`}
      >
        <p id={`${id}-what`} className="muted small run-what">
          {errors > 0 ? (
            `The circuit has ${errors} error${errors > 1 ? "s" : ""} (see Problems): fix ${errors > 1 ? "them" : "it"} to run it.`
          ) : (
            <>
              Simulates in this browser, up to {LOCAL_MAX_QUBITS} qubits;
              nothing is sent to the server. For wider circuits and saved
              results, <Link href="/save">save it to a project</Link>.
            </>
          )}
        </p>
      </RunForm>
      {refusal && (
        <p role="alert" className="notice error run-refusal">
          {refusal}
        </p>
      )}
      <RunOutcome state={state} noun="run" local outdated={outdated} />
    </section>
  );
}
