/**
 * The set-up of a VQE or QAOA run: the ansatz (a template or a circuit of the project) and the
 * observable, or the graph (drawn, or pasted as an edge list) and the QAOA depth; the optimiser
 * and its settings. Launch submits through the SDK; a refused field is shown with its name.
 */
import { useEffect, useMemo, useState } from "react";
import type { CircuitPage } from "@stepfault/sdk";
import { StepFaultApiError, type StepFaultClient } from "@stepfault/sdk";
import { GraphView } from "./GraphView.tsx";
import { edgeListText, removeNode, toggleEdge } from "./graph.ts";
import {
  buildBody,
  DEFAULT_SETUP,
  graphFromText,
  H2_OBSERVABLE,
  OPTIMIZERS,
  templateSource,
  type AnsatzChoice,
  type Setup,
} from "./setup.ts";

/** Props of SetupForm. */
export interface SetupFormProps {
  readonly sdk: StepFaultClient;
  readonly projectId: string;
  readonly circuits: CircuitPage["items"];
  /** Called with the new job's id. */
  readonly onLaunched: (jobId: string) => void;
}

function ansatzKey(a: AnsatzChoice): string {
  return a.type === "circuit" ? `circuit:${a.circuitId}` : a.type;
}

/** The form. */
export function SetupForm({
  sdk,
  projectId,
  circuits,
  onLaunched,
}: SetupFormProps) {
  const [s, setS] = useState<Setup>(DEFAULT_SETUP);
  const [edgeText, setEdgeText] = useState(
    edgeListText(DEFAULT_SETUP.graph.edges),
  );
  const [edgeError, setEdgeError] = useState<string | null>(null);
  const [error, setError] = useState<{
    field?: string;
    message: string;
  } | null>(null);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const set = (patch: Partial<Setup>) =>
    setS((prev) => ({ ...prev, ...patch }));

  // The source of a saved circuit, shown like a template's.
  const circuitId = s.ansatz.type === "circuit" ? s.ansatz.circuitId : null;
  useEffect(() => {
    if (circuitId === null) return;
    let live = true;
    setSaved(null);
    sdk.circuits.get(projectId, circuitId).then(
      (c) => live && setSaved(c.source),
      () => live && setSaved(""),
    );
    return () => {
      live = false;
    };
  }, [sdk, projectId, circuitId]);
  const source = useMemo(() => templateSource(s.ansatz), [s.ansatz]) ?? saved;

  const setGraph = (graph: Setup["graph"]) => {
    set({ graph });
    setEdgeText(edgeListText(graph.edges));
    setEdgeError(null);
  };

  const launch = async () => {
    setError(null);
    const built = buildBody(s);
    if (!built.ok) {
      setError({ field: built.field, message: built.error });
      return;
    }
    setPending(true);
    try {
      const job =
        built.kind === "vqe"
          ? await sdk.variational.vqe(projectId, built.body)
          : await sdk.variational.qaoa(projectId, built.body);
      onLaunched(job.id);
    } catch (err) {
      if (err instanceof StepFaultApiError) {
        const field = err.problem.field;
        const detail = err.problem.detail;
        setError({
          ...(typeof field === "string" ? { field } : {}),
          message: typeof detail === "string" ? detail : err.message,
        });
      } else setError({ message: (err as Error).message });
    } finally {
      setPending(false);
    }
  };

  return (
    <form
      className="variational-setup"
      aria-label="Set up a variational run"
      onSubmit={(e) => {
        e.preventDefault();
        void launch();
      }}
    >
      <fieldset className="kind-choice">
        <legend>Algorithm</legend>
        {(["vqe", "qaoa"] as const).map((k) => (
          <label key={k}>
            <input
              type="radio"
              name="kind"
              value={k}
              checked={s.kind === k}
              onChange={() => set({ kind: k })}
            />{" "}
            {k === "vqe"
              ? "VQE: ground state of an observable"
              : "QAOA: max-cut of a graph"}
          </label>
        ))}
      </fieldset>

      {s.kind === "vqe" ? (
        <fieldset>
          <legend>Ansatz and observable</legend>
          <label>
            Ansatz{" "}
            <select
              value={ansatzKey(s.ansatz)}
              onChange={(e) => {
                const v = e.target.value;
                set({
                  ansatz:
                    v === "hardware-efficient"
                      ? { type: v, qubits: 2, layers: 1 }
                      : v === "ucc"
                        ? { type: "ucc" }
                        : {
                            type: "circuit",
                            circuitId: v.slice("circuit:".length),
                          },
                });
              }}
            >
              <option value="ucc">
                UCC-style, two electrons (1 parameter)
              </option>
              <option value="hardware-efficient">
                Hardware-efficient, L layers
              </option>
              {circuits.length > 0 && (
                <optgroup label="Circuits of this project">
                  {circuits.map((c) => (
                    <option key={c.id} value={`circuit:${c.id}`}>
                      {c.name}
                    </option>
                  ))}
                </optgroup>
              )}
            </select>
          </label>
          {s.ansatz.type === "hardware-efficient" && (
            <span className="inline-fields">
              <label>
                Qubits{" "}
                <input
                  type="number"
                  min={1}
                  max={16}
                  value={s.ansatz.qubits}
                  onChange={(e) =>
                    s.ansatz.type === "hardware-efficient" &&
                    set({
                      ansatz: {
                        ...s.ansatz,
                        qubits: Math.max(1, Number(e.target.value) || 1),
                      },
                    })
                  }
                />
              </label>
              <label>
                Layers L{" "}
                <input
                  type="number"
                  min={0}
                  max={10}
                  value={s.ansatz.layers}
                  onChange={(e) =>
                    s.ansatz.type === "hardware-efficient" &&
                    set({
                      ansatz: {
                        ...s.ansatz,
                        layers: Math.max(0, Number(e.target.value) || 0),
                      },
                    })
                  }
                />
              </label>
            </span>
          )}
          <details className="ansatz-source">
            <summary>
              Ansatz source (OpenQASM 3; its inputs are the parameters)
            </summary>
            <pre tabIndex={0}>{source ?? "Loading…"}</pre>
          </details>
          <label className="block">
            Observable (Pauli sum, real coefficients; rightmost letter is qubit
            0){" "}
            <button
              type="button"
              className="link"
              onClick={() => set({ observable: H2_OBSERVABLE })}
            >
              H2 example
            </button>
            <textarea
              rows={3}
              value={s.observable}
              spellCheck={false}
              aria-invalid={error?.field === "observable"}
              onChange={(e) => set({ observable: e.target.value })}
            />
          </label>
        </fieldset>
      ) : (
        <fieldset>
          <legend>Graph (max-cut)</legend>
          <div className="graph-editor">
            <div>
              <GraphView
                graph={s.graph}
                label="Graph editor: press two nodes to join or part them"
                onToggleEdge={(i, j) =>
                  setGraph({
                    ...s.graph,
                    edges: toggleEdge(s.graph.edges, i, j),
                  })
                }
              />
              <p className="muted small">
                Press one node, then another, to add or remove an edge.
              </p>
              <div className="row">
                <button
                  type="button"
                  onClick={() =>
                    setGraph({ ...s.graph, nodes: s.graph.nodes + 1 })
                  }
                  disabled={s.graph.nodes >= 24}
                >
                  Add node
                </button>
                <button
                  type="button"
                  onClick={() =>
                    setGraph(removeNode(s.graph, s.graph.nodes - 1))
                  }
                  disabled={s.graph.nodes <= 2}
                >
                  Remove node {s.graph.nodes - 1}
                </button>
              </div>
            </div>
            <label className="block">
              Edge list (one edge per line: <code>i j</code> or{" "}
              <code>i j weight</code>)
              <textarea
                rows={8}
                value={edgeText}
                spellCheck={false}
                aria-invalid={
                  edgeError !== null ||
                  error?.field?.startsWith("problem") === true
                }
                onChange={(e) => {
                  setEdgeText(e.target.value);
                  const g = graphFromText(e.target.value, s.graph.nodes);
                  if ("error" in g) setEdgeError(g.error);
                  else {
                    setEdgeError(null);
                    set({ graph: g.graph });
                  }
                }}
              />
              {edgeError && (
                <span role="alert" className="field-error">
                  {edgeError}
                </span>
              )}
            </label>
          </div>
          <label>
            QAOA depth p{" "}
            <input
              type="number"
              min={1}
              max={10}
              value={s.qaoaLayers}
              onChange={(e) =>
                set({ qaoaLayers: Math.max(1, Number(e.target.value) || 1) })
              }
            />
          </label>
        </fieldset>
      )}

      <fieldset>
        <legend>Optimiser</legend>
        <span className="inline-fields">
          <label>
            Optimiser{" "}
            <select
              value={s.optimizer}
              onChange={(e) => set({ optimizer: e.target.value })}
            >
              {OPTIMIZERS.map((o) => (
                <option key={o.name} value={o.name}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <label>
            Max iterations{" "}
            <input
              type="number"
              min={1}
              value={s.maxIterations}
              onChange={(e) =>
                set({ maxIterations: Math.max(1, Number(e.target.value) || 1) })
              }
            />
          </label>
          <label>
            Tolerance{" "}
            <input
              type="text"
              inputMode="decimal"
              spellCheck={false}
              value={s.tolerance}
              aria-invalid={
                error?.field === "tolerance" ||
                error?.field === "optimizer/tolerance"
              }
              onChange={(e) => set({ tolerance: e.target.value })}
            />
          </label>
          <label>
            Start{" "}
            <select
              value={s.initialPoint}
              onChange={(e) =>
                set({ initialPoint: e.target.value as Setup["initialPoint"] })
              }
            >
              <option value="default">
                {s.kind === "qaoa" ? "linear ramp" : "zeros"}
              </option>
              <option value="zeros">zeros</option>
              <option value="random">random (seeded)</option>
            </select>
          </label>
          <label>
            Shots{" "}
            <input
              type="text"
              inputMode="numeric"
              placeholder="exact"
              value={s.shots}
              aria-invalid={error?.field === "shots"}
              onChange={(e) => set({ shots: e.target.value })}
            />
          </label>
          <label>
            Seed{" "}
            <input
              type="text"
              inputMode="numeric"
              placeholder="any"
              value={s.seed}
              onChange={(e) => set({ seed: e.target.value })}
            />
          </label>
        </span>
        <label className="block">
          More optimiser settings (JSON, e.g.{" "}
          <code>{'{"learningRate": 0.1}'}</code> for Adam)
          <input
            type="text"
            value={s.optimizerOptions}
            spellCheck={false}
            aria-invalid={error?.field === "optimizerOptions"}
            onChange={(e) => set({ optimizerOptions: e.target.value })}
          />
        </label>
      </fieldset>
      {error && (
        <p role="alert" className="notice error">
          {error.field && !error.message.startsWith(error.field)
            ? `${error.field}: `
            : ""}
          {error.message}
        </p>
      )}
      <button
        type="submit"
        className="primary"
        disabled={pending || edgeError !== null}
      >
        {pending ? "Launching…" : `Launch ${s.kind === "vqe" ? "VQE" : "QAOA"}`}
      </button>
    </form>
  );
}
