/**
 * The noise panel of the run form: no noise, a preset (depolarizing noise after one- and
 * two-qubit gates with their probabilities, and a readout error), or a saved noise model of the
 * project; and the simulation method. `noiseRequest` turns it into the job's fields.
 */
import { useEffect, useState } from "react";
import { gateNamesOfWidth } from "@stepfault/quantum";
import type {
  NoiseModelSpec,
  NoiseModelSummary,
  SimulationMethod,
} from "@stepfault/sdk";
import { useSession } from "../api/session.tsx";

/** What the panel holds (text as typed; checked by `noiseRequest`). */
export interface NoiseSettings {
  readonly mode: "none" | "preset" | "saved";
  /** Depolarizing probability after every one-qubit gate. */
  readonly oneQubit: string;
  /** Two-qubit depolarizing probability after every two-qubit gate. */
  readonly twoQubit: string;
  /** Probability that a measured bit is read flipped (both ways). */
  readonly readout: string;
  /** The saved model's id. */
  readonly modelId: string;
  readonly method: SimulationMethod;
}

/** The panel's start: no noise, with preset values ready to switch on. */
export const INITIAL_NOISE: NoiseSettings = {
  mode: "none",
  oneQubit: "0.01",
  twoQubit: "0.02",
  readout: "0.02",
  modelId: "",
  method: "auto",
};

/** The noise fields of a job. */
export interface NoiseRequest {
  readonly noise?: NoiseModelSpec;
  readonly noiseModelId?: string;
  readonly method?: SimulationMethod;
}

type Field = "oneQubit" | "twoQubit" | "readout" | "modelId";

function probability(text: string): number | undefined {
  if (!/^\s*(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(text))
    return undefined;
  const p = Number(text);
  return p >= 0 && p <= 1 ? p : undefined;
}

/** The preset as a noise-model document (rules only for non-zero probabilities). */
export function presetModel(p: {
  oneQubit: number;
  twoQubit: number;
  readout: number;
}): NoiseModelSpec {
  return {
    format: "stepfault.noise-model",
    version: 1,
    name: "run form preset",
    gateNoise: [
      ...(p.oneQubit > 0
        ? [
            {
              gates: gateNamesOfWidth(1),
              channel: { name: "depolarizing" as const, params: [p.oneQubit] },
            },
          ]
        : []),
      ...(p.twoQubit > 0
        ? [
            {
              gates: gateNamesOfWidth(2),
              channel: {
                name: "two_qubit_depolarizing" as const,
                params: [p.twoQubit],
              },
            },
          ]
        : []),
    ],
    readout:
      p.readout > 0
        ? [
            {
              matrix: [
                [1 - p.readout, p.readout],
                [p.readout, 1 - p.readout],
              ],
            },
          ]
        : [],
  };
}

/** The job fields of the panel's settings, or the first problem with its field. */
export function noiseRequest(
  s: NoiseSettings,
):
  | { ok: true; value: NoiseRequest }
  | { ok: false; field: Field; message: string } {
  const method = s.method === "auto" ? {} : { method: s.method };
  if (s.mode === "none") return { ok: true, value: method };
  if (s.mode === "saved") {
    if (s.modelId === "")
      return {
        ok: false,
        field: "modelId",
        message: "Choose a saved noise model, or another kind of noise.",
      };
    return { ok: true, value: { noiseModelId: s.modelId, ...method } };
  }
  const labels: Record<Exclude<Field, "modelId">, string> = {
    oneQubit: "The one-qubit gate error",
    twoQubit: "The two-qubit gate error",
    readout: "The readout error",
  };
  const values = { oneQubit: 0, twoQubit: 0, readout: 0 };
  for (const f of ["oneQubit", "twoQubit", "readout"] as const) {
    const p = probability(s[f]);
    if (p === undefined)
      return {
        ok: false,
        field: f,
        message: `${labels[f]} must be a probability from 0 to 1.`,
      };
    values[f] = p;
  }
  return { ok: true, value: { noise: presetModel(values), ...method } };
}

/** The panel component (controlled); saved models are listed from the project. */
export function NoisePanel({
  id,
  projectId,
  value,
  onChange,
  invalid,
}: {
  id: string;
  projectId: string;
  value: NoiseSettings;
  onChange: (next: NoiseSettings) => void;
  /** The field `noiseRequest` refused, to mark it. */
  invalid?: Field;
}) {
  const { sdk } = useSession();
  const [models, setModels] = useState<NoiseModelSummary[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const wantModels = value.mode === "saved";
  useEffect(() => {
    if (!wantModels) return;
    let live = true;
    sdk.noiseModels.list(projectId, { limit: 100 }).then(
      (page) => live && setModels(page.items),
      (e: unknown) =>
        live && setLoadError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [sdk, projectId, wantModels]);
  const set = (patch: Partial<NoiseSettings>) =>
    onChange({ ...value, ...patch });
  const prob = (field: Exclude<Field, "modelId">, label: string) => (
    <div className="run-field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        inputMode="decimal"
        value={value[field]}
        aria-invalid={invalid === field || undefined}
        onChange={(e) => set({ [field]: e.target.value })}
      />
    </div>
  );
  return (
    <fieldset className="noise-panel">
      <legend>Noise</legend>
      <div className="noise-row">
        <div className="run-field">
          <label htmlFor={`${id}-mode`}>Noise</label>
          <select
            id={`${id}-mode`}
            value={value.mode}
            onChange={(e) =>
              set({ mode: e.target.value as NoiseSettings["mode"] })
            }
          >
            <option value="none">none (ideal)</option>
            <option value="preset">preset channels</option>
            <option value="saved">saved model</option>
          </select>
        </div>
        <div className="run-field">
          <label htmlFor={`${id}-method`}>Method</label>
          <select
            id={`${id}-method`}
            value={value.method}
            onChange={(e) =>
              set({ method: e.target.value as SimulationMethod })
            }
          >
            <option value="auto">auto</option>
            <option value="statevector">statevector</option>
            <option value="density_matrix">density matrix</option>
            <option value="trajectories">trajectories</option>
          </select>
        </div>
      </div>
      {value.mode === "preset" && (
        <div className="noise-row">
          {prob("oneQubit", "Depolarizing after 1-qubit gates (p)")}
          {prob("twoQubit", "Depolarizing after 2-qubit gates (p)")}
          {prob("readout", "Readout error (p)")}
        </div>
      )}
      {value.mode === "saved" && (
        <div className="noise-row">
          <div className="run-field">
            <label htmlFor={`${id}-model`}>Saved model</label>
            <select
              id={`${id}-model`}
              value={value.modelId}
              aria-invalid={invalid === "modelId" || undefined}
              onChange={(e) => set({ modelId: e.target.value })}
            >
              <option value="">
                {models === null
                  ? "loading…"
                  : models.length === 0
                    ? "no saved models in this project"
                    : "choose a model"}
              </option>
              {models?.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </div>
          {loadError && (
            <p role="alert" className="notice error small">
              Could not list the saved models: {loadError}
            </p>
          )}
        </div>
      )}
    </fieldset>
  );
}
