/**
 * The run form shared by the project run panel and the scratch workbench: shots, seed and
 * precision (checked before anything runs), Run, and Cancel while a run is active.
 */
import { useState, type FormEvent, type ReactNode } from "react";
import type { Precision } from "@stepfault/sdk";

/** Checked run options. */
export interface RunOptions {
  readonly shots: number;
  /** uint32; absent for a random one. */
  readonly seed?: number;
  readonly precision: Precision;
}

/** Checked form values, or the first problem as a message. */
export function parseRunForm(form: {
  shots: string;
  seed: string;
  precision: string;
}):
  | { ok: true; value: RunOptions }
  | { ok: false; field: "shots" | "seed"; message: string } {
  const shots = Number(form.shots);
  if (!/^\s*\d+\s*$/.test(form.shots) || shots < 1 || shots > 1_000_000)
    return {
      ok: false,
      field: "shots",
      message: "Shots must be a whole number from 1 to 1,000,000.",
    };
  let seed: number | undefined;
  if (form.seed.trim() !== "") {
    seed = Number(form.seed);
    if (!/^\s*\d+\s*$/.test(form.seed) || seed > 4294967295)
      return {
        ok: false,
        field: "seed",
        message:
          "Seed must be a whole number from 0 to 4294967295, or empty for a random one.",
      };
  }
  const precision: Precision =
    form.precision === "single" ? "single" : "double";
  return {
    ok: true,
    value: { shots, precision, ...(seed !== undefined ? { seed } : {}) },
  };
}

/** The run form component; `onRun` gets checked options. */
export function RunForm({
  id,
  onRun,
  onCancel,
  canRun,
  phase,
  cancelling,
  describedBy,
  children,
}: {
  /** Prefix of the fields' ids (from `useId`). */
  id: string;
  onRun: (options: RunOptions) => void;
  onCancel: () => void;
  canRun: boolean;
  phase: "idle" | "submitting" | "active" | "done";
  cancelling: boolean;
  /** Id of a text that explains a disabled Run button. */
  describedBy?: string;
  /** Shown between the form and the form's own error (e.g. what Run runs). */
  children?: ReactNode;
}) {
  const [shots, setShots] = useState("1000");
  const [seed, setSeed] = useState("");
  const [precision, setPrecision] = useState<Precision>("double");
  const [invalid, setInvalid] = useState<{
    field: "shots" | "seed";
    message: string;
  } | null>(null);
  const active = phase === "active" || phase === "submitting";

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseRunForm({ shots, seed, precision });
    if (!parsed.ok) {
      setInvalid(parsed);
      return;
    }
    setInvalid(null);
    onRun(parsed.value);
  };

  return (
    <>
      <form className="run-form" onSubmit={onSubmit} noValidate>
        <div className="run-field">
          <label htmlFor={`${id}-shots`}>Shots</label>
          <input
            id={`${id}-shots`}
            name="shots"
            type="number"
            inputMode="numeric"
            min={1}
            max={1_000_000}
            step={1}
            required
            value={shots}
            aria-invalid={invalid?.field === "shots" || undefined}
            aria-describedby={
              invalid?.field === "shots" ? `${id}-err` : undefined
            }
            onChange={(e) => setShots(e.target.value)}
          />
        </div>
        <div className="run-field">
          <label htmlFor={`${id}-seed`}>Seed</label>
          <input
            id={`${id}-seed`}
            name="seed"
            type="number"
            inputMode="numeric"
            min={0}
            max={4294967295}
            step={1}
            placeholder="random"
            value={seed}
            aria-invalid={invalid?.field === "seed" || undefined}
            aria-describedby={
              invalid?.field === "seed" ? `${id}-err` : undefined
            }
            onChange={(e) => setSeed(e.target.value)}
          />
        </div>
        <div className="run-field">
          <label htmlFor={`${id}-precision`}>Precision</label>
          <select
            id={`${id}-precision`}
            name="precision"
            value={precision}
            onChange={(e) => setPrecision(e.target.value as Precision)}
          >
            <option value="double">double</option>
            <option value="single">single</option>
          </select>
        </div>
        <div className="run-buttons">
          <button
            type="submit"
            className="primary"
            disabled={!canRun || active}
            aria-describedby={describedBy}
          >
            {phase === "submitting" ? "Submitting…" : "Run"}
          </button>
          {phase === "active" && (
            <button
              type="button"
              className="danger"
              disabled={cancelling}
              onClick={onCancel}
            >
              {cancelling ? "Cancelling…" : "Cancel"}
            </button>
          )}
        </div>
      </form>
      {children}
      {invalid && (
        <p id={`${id}-err`} role="alert" className="notice error">
          {invalid.message}
        </p>
      )}
    </>
  );
}
