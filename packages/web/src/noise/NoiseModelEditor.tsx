/**
 * The editor of one saved noise model: channels after gates, readout errors and device figures
 * as a form (or the document as JSON), saved through the SDK. Every problem is shown at its field,
 * whether the form found it, the model reader did (in this browser) or the server refused the
 * model (422 `NOISE_MODEL_INVALID` naming the JSON path).
 */
import { useId, useState, type ReactNode } from "react";
import { noiseModelFromJson } from "@stepfault/quantum";
import {
  StepFaultApiError,
  type NoiseModel,
  type NoiseModelSpec,
  type StepFaultClient,
} from "@stepfault/sdk";
import {
  CHANNELS,
  EMPTY_FORM,
  fromDocument,
  NEW_DEVICE_GATE,
  NEW_READOUT,
  NEW_RULE,
  pathKey,
  problemsAt,
  toDocument,
  unplaced,
  type FieldProblem,
  type ModelForm,
} from "./model-form.ts";

/** A labelled input with the problems of its field under it. */
function Input({
  label,
  value,
  onChange,
  problems,
  hint,
  wide = false,
}: {
  label: ReactNode;
  value: string;
  onChange: (v: string) => void;
  problems: readonly FieldProblem[];
  hint?: string;
  wide?: boolean;
}) {
  const id = useId();
  return (
    <div className={wide ? "nm-field wide" : "nm-field"}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        value={value}
        spellCheck={false}
        placeholder={hint}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={problems.length > 0 ? `${id}-err` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      <Problems id={`${id}-err`} problems={problems} />
    </div>
  );
}

function Problems({
  id,
  problems,
}: {
  id?: string;
  problems: readonly FieldProblem[];
}) {
  if (problems.length === 0) return null;
  return (
    <span id={id} role="alert" className="field-error">
      {problems.map((p) => p.message).join(" ")}
    </span>
  );
}

/** Problems from a refused save: the server's `field` and `errors` as form keys. */
function serverProblems(err: unknown): FieldProblem[] {
  if (!(err instanceof StepFaultApiError))
    return [{ key: "", message: (err as Error).message }];
  const p = err.problem as {
    field?: unknown;
    detail?: unknown;
    errors?: unknown;
  };
  if (Array.isArray(p.errors) && p.errors.length > 0)
    return (p.errors as { path: string; message: string }[]).map((e) => ({
      key: pathKey(e.path),
      message: e.message,
    }));
  const message = typeof p.detail === "string" ? p.detail : err.message;
  return [
    { key: typeof p.field === "string" ? pathKey(p.field) : "", message },
  ];
}

/** Props of the editor; `model` null: a new model. */
export interface NoiseModelEditorProps {
  readonly sdk: StepFaultClient;
  readonly projectId: string;
  readonly model: NoiseModel | null;
  readonly canEdit: boolean;
  readonly onSaved: (m: NoiseModel) => void;
  readonly onDeleted: (id: string) => void;
}

/** The editor (keyed by the model's id by its parent, so it starts fresh per model). */
export function NoiseModelEditor({
  sdk,
  projectId,
  model,
  canEdit,
  onSaved,
  onDeleted,
}: NoiseModelEditorProps) {
  const initial = model ? fromDocument(model.name, model.model) : EMPTY_FORM;
  const [form, setForm] = useState<ModelForm>(initial ?? EMPTY_FORM);
  const [json, setJson] = useState<string | null>(
    initial === null && model ? JSON.stringify(model.model, null, 2) : null,
  );
  const [name, setName] = useState(model?.name ?? "");
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const set = (patch: Partial<ModelForm>) =>
    setForm((f) => ({ ...f, ...patch }));
  const at = (key: string) => problemsAt(problems, key);
  const exact = (key: string) => problems.filter((p) => p.key === key);

  const editRule = (i: number, patch: Partial<ModelForm["rules"][number]>) =>
    set({
      rules: form.rules.map((r, k) => (k === i ? { ...r, ...patch } : r)),
    });
  const editReadout = (
    i: number,
    patch: Partial<ModelForm["readout"][number]>,
  ) =>
    set({
      readout: form.readout.map((r, k) => (k === i ? { ...r, ...patch } : r)),
    });
  const editDeviceGate = (
    i: number,
    patch: Partial<ModelForm["deviceGates"][number]>,
  ) =>
    set({
      deviceGates: form.deviceGates.map((r, k) =>
        k === i ? { ...r, ...patch } : r,
      ),
    });

  const documentOf = ():
    | { ok: true; name: string; doc: NoiseModelSpec }
    | { ok: false; problems: FieldProblem[] } => {
    if (json === null) {
      const r = toDocument(form);
      return r.ok ? { ok: true, name: form.name.trim(), doc: r.doc } : r;
    }
    if (name.trim() === "")
      return {
        ok: false,
        problems: [{ key: "name", message: "Give the model a name." }],
      };
    let doc: unknown;
    try {
      doc = JSON.parse(json) as unknown;
    } catch (e) {
      return {
        ok: false,
        problems: [
          { key: "json", message: `Not JSON: ${(e as Error).message}` },
        ],
      };
    }
    const checked = noiseModelFromJson(doc);
    if (!checked.ok)
      return {
        ok: false,
        problems: checked.errors.map((e) => ({
          key: "json",
          message: `${e.path || "(the document)"}: ${e.message}`,
        })),
      };
    return { ok: true, name: name.trim(), doc: doc as NoiseModelSpec };
  };

  const save = async () => {
    setSaved(null);
    const d = documentOf();
    if (!d.ok) {
      setProblems(d.problems);
      return;
    }
    setProblems([]);
    setPending(true);
    try {
      const m = model
        ? await sdk.noiseModels.update(projectId, model.id, {
            name: d.name,
            model: d.doc,
          })
        : await sdk.noiseModels.create(projectId, {
            name: d.name,
            model: d.doc,
          });
      setSaved(`Saved “${m.name}”.`);
      onSaved(m);
    } catch (err) {
      const ps = serverProblems(err);
      // In JSON mode every model problem is shown at the JSON box.
      setProblems(
        json === null
          ? ps
          : ps.map((p) =>
              p.key === "name" || p.key === ""
                ? p
                : { key: "json", message: `${p.key}: ${p.message}` },
            ),
      );
    } finally {
      setPending(false);
    }
  };

  const remove = async () => {
    if (!model) return;
    setPending(true);
    try {
      await sdk.noiseModels.delete(projectId, model.id);
      onDeleted(model.id);
    } catch (err) {
      setProblems(serverProblems(err));
      setPending(false);
    }
  };

  const toJson = () => {
    const r = toDocument(form);
    setName(form.name);
    setJson(
      JSON.stringify(
        r.ok
          ? r.doc
          : (model?.model ?? { format: "stepfault.noise-model", version: 1 }),
        null,
        2,
      ),
    );
    setProblems([]);
  };
  const toForm = () => {
    try {
      const back = fromDocument(name, JSON.parse(json ?? "") as NoiseModelSpec);
      if (back === null) {
        setProblems([
          {
            key: "json",
            message:
              "The form cannot show this document (per-qubit readout pairs or wider readout matrices): edit it as JSON.",
          },
        ]);
        return;
      }
      setForm(back);
      setJson(null);
      setProblems([]);
    } catch (e) {
      setProblems([{ key: "json", message: (e as Error).message }]);
    }
  };

  const fieldKeys = [
    "name",
    "json",
    ...form.rules.map((_, i) => `gateNoise.${i}`),
    ...form.readout.map((_, i) => `readout.${i}`),
    "device",
  ];
  const general = json === null ? unplaced(problems, fieldKeys) : [];

  return (
    <form
      className="noise-model-editor"
      aria-label={model ? `Edit noise model ${model.name}` : "New noise model"}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <fieldset disabled={!canEdit || pending}>
        {json === null ? (
          <Input
            label="Name"
            value={form.name}
            onChange={(v) => set({ name: v })}
            problems={at("name")}
            wide
          />
        ) : (
          <Input
            label="Name"
            value={name}
            onChange={setName}
            problems={at("name")}
            wide
          />
        )}
        <p className="row">
          {json === null ? (
            <button type="button" className="link" onClick={toJson}>
              Edit as JSON
            </button>
          ) : (
            <button type="button" className="link" onClick={toForm}>
              Edit as a form
            </button>
          )}
        </p>
        {json !== null ? (
          <div className="nm-field wide">
            <label htmlFor="nm-json">
              Noise-model document (JSON, format stepfault.noise-model)
            </label>
            <textarea
              id="nm-json"
              rows={18}
              value={json}
              spellCheck={false}
              aria-invalid={at("json").length > 0 || undefined}
              onChange={(e) => setJson(e.target.value)}
            />
            <Problems problems={at("json")} />
          </div>
        ) : (
          <>
            <fieldset className="nm-group">
              <legend>Channels after gates</legend>
              {form.rules.length === 0 && (
                <p className="muted small">No channels after gates.</p>
              )}
              {form.rules.map((r, i) => {
                const key = `gateNoise.${i}`;
                const spec = CHANNELS.find((c) => c.name === r.channel);
                return (
                  <fieldset
                    key={i}
                    className="nm-row"
                    aria-label={`Channel rule ${i + 1}`}
                  >
                    <Input
                      label="After gates"
                      value={r.gates}
                      onChange={(v) => editRule(i, { gates: v })}
                      problems={at(`${key}.gates`)}
                      hint="h, x, cx  (* = every gate)"
                    />
                    <Input
                      label="On qubits"
                      value={r.qubits}
                      onChange={(v) => editRule(i, { qubits: v })}
                      problems={at(`${key}.qubits`)}
                      hint="all (or 0, 2 or 0 1; 1 2)"
                    />
                    <div className="nm-field">
                      <label htmlFor={`nm-ch-${i}`}>Channel</label>
                      <select
                        id={`nm-ch-${i}`}
                        value={r.channel}
                        onChange={(e) =>
                          editRule(i, { channel: e.target.value })
                        }
                      >
                        {CHANNELS.map((c) => (
                          <option key={c.name} value={c.name}>
                            {c.name}
                          </option>
                        ))}
                      </select>
                      <Problems problems={exact(`${key}.channel`)} />
                    </div>
                    {r.channel === "kraus" ? (
                      <Input
                        label="Kraus matrices (JSON)"
                        value={r.kraus}
                        onChange={(v) => editRule(i, { kraus: v })}
                        problems={at(`${key}.channel.matrices`)}
                        wide
                      />
                    ) : (
                      <Input
                        label={`Parameters (${spec?.params.join(", ") ?? "p"})`}
                        value={r.params}
                        onChange={(v) => editRule(i, { params: v })}
                        problems={at(`${key}.channel.params`)}
                      />
                    )}
                    <Problems problems={exact(key)} />
                    <button
                      type="button"
                      className="link"
                      onClick={() =>
                        set({ rules: form.rules.filter((_, k) => k !== i) })
                      }
                    >
                      Remove rule {i + 1}
                    </button>
                  </fieldset>
                );
              })}
              <button
                type="button"
                onClick={() => set({ rules: [...form.rules, NEW_RULE] })}
              >
                Add a channel rule
              </button>
            </fieldset>

            <fieldset className="nm-group">
              <legend>Readout errors</legend>
              {form.readout.map((r, i) => {
                const key = `readout.${i}`;
                return (
                  <fieldset
                    key={i}
                    className="nm-row"
                    aria-label={`Readout error ${i + 1}`}
                  >
                    <Input
                      label="On qubits"
                      value={r.qubits}
                      onChange={(v) => editReadout(i, { qubits: v })}
                      problems={at(`${key}.qubits`)}
                      hint="all (or 0, 2)"
                    />
                    <Input
                      label="P(read 1 | 0)"
                      value={r.p10}
                      onChange={(v) => editReadout(i, { p10: v })}
                      problems={at(`${key}.matrix.0`)}
                    />
                    <Input
                      label="P(read 0 | 1)"
                      value={r.p01}
                      onChange={(v) => editReadout(i, { p01: v })}
                      problems={[
                        ...at(`${key}.matrix.1`),
                        ...exact(`${key}.matrix`),
                      ]}
                    />
                    <button
                      type="button"
                      className="link"
                      onClick={() =>
                        set({
                          readout: form.readout.filter((_, k) => k !== i),
                        })
                      }
                    >
                      Remove readout error {i + 1}
                    </button>
                  </fieldset>
                );
              })}
              <button
                type="button"
                onClick={() => set({ readout: [...form.readout, NEW_READOUT] })}
              >
                Add a readout error
              </button>
            </fieldset>

            <fieldset className="nm-group">
              <legend>Device figures</legend>
              <label className="nm-check">
                <input
                  type="checkbox"
                  checked={form.device}
                  onChange={(e) => set({ device: e.target.checked })}
                />{" "}
                Build noise from device figures (thermal relaxation and
                depolarizing, as Qiskit Aer’s from_backend)
              </label>
              {form.device && (
                <>
                  <div className="nm-row">
                    <Input
                      label="T1 (µs)"
                      value={form.t1Us}
                      onChange={(v) => set({ t1Us: v })}
                      problems={at("device.t1")}
                      hint="100 (or a list)"
                    />
                    <Input
                      label="T2 (µs)"
                      value={form.t2Us}
                      onChange={(v) => set({ t2Us: v })}
                      problems={at("device.t2")}
                      hint="at most 2 T1"
                    />
                    <Input
                      label="Readout error"
                      value={form.deviceReadout}
                      onChange={(v) => set({ deviceReadout: v })}
                      problems={at("device.readoutError")}
                      hint="0.02 (or a list)"
                    />
                  </div>
                  {form.deviceGates.map((g, i) => {
                    const key = `device.gates.${i}`;
                    return (
                      <fieldset
                        key={i}
                        className="nm-row"
                        aria-label={`Device gates ${i + 1}`}
                      >
                        <Input
                          label="Gates"
                          value={g.gates}
                          onChange={(v) => editDeviceGate(i, { gates: v })}
                          problems={at(`${key}.gates`)}
                        />
                        <Input
                          label="Gate time (ns)"
                          value={g.timeNs}
                          onChange={(v) => editDeviceGate(i, { timeNs: v })}
                          problems={at(`${key}.time`)}
                        />
                        <Input
                          label="Gate error"
                          value={g.error}
                          onChange={(v) => editDeviceGate(i, { error: v })}
                          problems={at(`${key}.error`)}
                        />
                        <button
                          type="button"
                          className="link"
                          onClick={() =>
                            set({
                              deviceGates: form.deviceGates.filter(
                                (_, k) => k !== i,
                              ),
                            })
                          }
                        >
                          Remove gates {i + 1}
                        </button>
                      </fieldset>
                    );
                  })}
                  <button
                    type="button"
                    onClick={() =>
                      set({
                        deviceGates: [...form.deviceGates, NEW_DEVICE_GATE],
                      })
                    }
                  >
                    Add gate figures
                  </button>
                  <Problems problems={exact("device")} />
                </>
              )}
            </fieldset>
          </>
        )}
      </fieldset>
      {general.length > 0 && (
        <p role="alert" className="notice error">
          {general
            .map((p) => (p.key ? `${p.key}: ${p.message}` : p.message))
            .join(" ")}
        </p>
      )}
      {saved && (
        <p role="status" className="notice">
          {saved}
        </p>
      )}
      {canEdit && (
        <div className="row nm-actions">
          <button type="submit" className="primary" disabled={pending}>
            {pending ? "Saving…" : model ? "Save changes" : "Create model"}
          </button>
          {model &&
            (confirmDelete ? (
              <>
                <button
                  type="button"
                  className="danger"
                  disabled={pending}
                  onClick={() => void remove()}
                >
                  Delete “{model.name}” for good
                </button>
                <button type="button" onClick={() => setConfirmDelete(false)}>
                  Keep it
                </button>
              </>
            ) : (
              <button
                type="button"
                className="danger"
                onClick={() => setConfirmDelete(true)}
              >
                Delete model
              </button>
            ))}
        </div>
      )}
    </form>
  );
}
