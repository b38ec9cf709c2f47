/** The visual composer: palette, circuit drawing, inspector for the selected operation, shortcuts. */
import type { Operation } from "@stepfault/quantum";
import { memo, useState, type KeyboardEvent } from "react";
import {
  addOp,
  deleteOp,
  describe,
  moveOp,
  opKey,
  redo,
  replaceOp,
  select,
  setQubitCount,
  shiftWires,
  stepOp,
  undo,
  type ComposerState,
} from "./actions.ts";
import { angleExpression, parseAngle } from "./angle.ts";
import { CircuitCanvas, DRAG_TYPE, type Cell } from "./CircuitCanvas.tsx";
import { opQubits } from "./layout.ts";
import { callBox } from "./source-map.ts";
import { GateReference } from "./GateReference.tsx";
import { Overview, needsOverview } from "./Overview.tsx";
import {
  buildOp,
  defaultWires,
  PALETTE,
  wiresNeeded,
} from "./palette-items.ts";

/** Props of ComposerPanel: a controlled composer state. */
export interface ComposerPanelProps {
  readonly state: ComposerState;
  readonly onChange: (next: ComposerState) => void;
  /**
   * Undo / redo of the page that owns the text (the editor's history, where composer edits are
   * text changes); without them the composer's own history is used.
   */
  readonly onUndo?: () => void;
  readonly onRedo?: () => void;
}

/** Returns `op` with its last wire set to `wire` (swapping if `wire` is already used). */
function withLastWire(op: Operation, wire: number): Operation {
  if (op.kind !== "gate") return op;
  const wires = [...op.controls, ...op.qubits];
  const last = wires.length - 1;
  const at = wires.indexOf(wire);
  if (at >= 0) [wires[at], wires[last]] = [wires[last], wires[at]];
  else wires[last] = wire;
  return {
    ...op,
    controls: wires.slice(0, op.controls.length),
    qubits: wires.slice(op.controls.length),
  };
}

/** The composer panel component; memoised so typing in the editor does not redraw it. */
export const ComposerPanel = memo(function ComposerPanel({
  state,
  onChange,
  onUndo,
  onRedo,
}: ComposerPanelProps) {
  const doUndo = () => (onUndo ? onUndo() : onChange(undo(state)));
  const doRedo = () => (onRedo ? onRedo() : onChange(redo(state)));
  const [armed, setArmed] = useState<string | null>(null);
  const [angleText, setAngleText] = useState("pi/2");
  const [pending, setPending] = useState<Operation | null>(null);
  /** The wire keyboard placement targets (arrows move it, Enter places). */
  const [cursor, setCursor] = useState(0);
  const angle = parseAngle(angleText);
  const circuit = state.circuit;

  const place = (id: string, cell: Cell) => {
    const wires =
      wiresNeeded(id) === 1
        ? [cell.wire]
        : defaultWires(id, cell.wire, circuit.numQubits);
    const op = wires && buildOp(id, wires, angle ?? Math.PI / 2);
    if (!op) return;
    const next = addOp(state, op, cell.column);
    onChange(next);
    setPending(wiresNeeded(id) > 1 && next !== state ? op : null);
  };

  const onWireClick = (cell: Cell) => {
    // The drawing is redrawn from the new text after each edit, so the op placed last is found
    // as the selected one (same gate) when it is no longer the same object.
    let index = pending ? circuit.ops.indexOf(pending) : -1;
    const sel = state.selected;
    if (pending && index < 0 && sel !== null && circuit.ops[sel])
      index = opKey(circuit.ops[sel]) === opKey(pending) ? sel : -1;
    if (pending && index >= 0) {
      onChange(
        replaceOp(state, index, withLastWire(pending, cell.wire), "wire"),
      );
      setPending(null);
    } else if (armed) place(armed, cell);
    else onChange(select(state, null));
  };

  // Keyboard placement: while a palette gate is armed (and nothing is selected) or a target is
  // being chosen, arrows move a highlighted wire and Enter places on it.
  const placing =
    pending !== null || (armed !== null && state.selected === null);
  const wire = Math.min(cursor, Math.max(circuit.numQubits - 1, 0));

  const onKeyDown = (e: KeyboardEvent) => {
    const i = state.selected;
    const mod = e.ctrlKey || e.metaKey;
    let next: ComposerState | null = null;
    if (mod && (e.key.toLowerCase() === "z" || e.key.toLowerCase() === "y")) {
      e.preventDefault();
      if (e.key.toLowerCase() === "y" || e.shiftKey) doRedo();
      else doUndo();
      return;
    } else if (e.key === "Escape") {
      setArmed(null);
      setPending(null);
      next = select(state, null);
    } else if (placing && (e.key === "ArrowUp" || e.key === "ArrowDown")) {
      e.preventDefault();
      const step = e.key === "ArrowUp" ? -1 : 1;
      setCursor(Math.min(Math.max(wire + step, 0), circuit.numQubits - 1));
      return;
    } else if (placing && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      onWireClick({ wire, column: Number.POSITIVE_INFINITY });
      return;
    } else if (i === null && e.key.startsWith("Arrow") && circuit.ops.length)
      next = select(state, 0);
    else if (i !== null && (e.key === "Delete" || e.key === "Backspace"))
      next = deleteOp(state, i);
    else if (i !== null && e.shiftKey && e.key === "ArrowRight")
      next = select(state, Math.min(i + 1, circuit.ops.length - 1));
    else if (i !== null && e.shiftKey && e.key === "ArrowLeft")
      next = select(state, Math.max(i - 1, 0));
    else if (i !== null && e.key === "ArrowUp") next = shiftWires(state, i, -1);
    else if (i !== null && e.key === "ArrowDown")
      next = shiftWires(state, i, 1);
    else if (i !== null && e.key === "ArrowLeft") next = stepOp(state, i, -1);
    else if (i !== null && e.key === "ArrowRight") next = stepOp(state, i, 1);
    if (next) {
      e.preventDefault();
      if (next !== state) onChange(next);
    }
  };

  const [paletteFocus, setPaletteFocus] = useState(0);
  const onPaletteKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const last = PALETTE.length - 1;
    const to =
      e.key === "ArrowRight" || e.key === "ArrowDown"
        ? Math.min(paletteFocus + 1, last)
        : e.key === "ArrowLeft" || e.key === "ArrowUp"
          ? Math.max(paletteFocus - 1, 0)
          : e.key === "Home"
            ? 0
            : e.key === "End"
              ? last
              : null;
    if (to === null) return;
    e.preventDefault();
    setPaletteFocus(to);
    const buttons = e.currentTarget.querySelectorAll("button");
    buttons[to]?.focus();
  };

  const selectedOp =
    state.selected !== null ? circuit.ops[state.selected] : undefined;
  const large = needsOverview(circuit);

  return (
    <section className="composer" aria-label="Visual composer">
      <div className="composer-toolbar">
        <div
          className="palette"
          role="toolbar"
          aria-label="Gate palette"
          onKeyDown={onPaletteKey}
        >
          {PALETTE.map((p, k) => (
            <button
              key={p.id}
              type="button"
              className={`palette-item pi-${p.group}`}
              // One tab stop for the whole palette; arrows, Home and End move inside it.
              tabIndex={k === paletteFocus ? 0 : -1}
              onFocus={() => setPaletteFocus(k)}
              draggable
              title={`${p.title}: drag onto a wire, or select and click a wire`}
              aria-pressed={armed === p.id}
              onDragStart={(e) => {
                e.dataTransfer.setData(DRAG_TYPE, p.id);
                e.dataTransfer.effectAllowed = "copy";
              }}
              onClick={() => setArmed(armed === p.id ? null : p.id)}
            >
              {p.label}
            </button>
          ))}
        </div>
        <div className="composer-controls">
          <label>
            θ{" "}
            <input
              className={angle === null ? "angle invalid" : "angle"}
              value={angleText}
              onChange={(e) => setAngleText(e.target.value)}
              aria-label="Angle for new rotation gates"
              aria-invalid={angle === null}
              size={7}
            />
          </label>
          <button
            type="button"
            onClick={doUndo}
            disabled={!onUndo && !state.past.length}
            title="Undo (Ctrl+Z)"
          >
            Undo
          </button>
          <button
            type="button"
            onClick={doRedo}
            disabled={!onRedo && !state.future.length}
            title="Redo (Ctrl+Shift+Z)"
          >
            Redo
          </button>
          <button
            type="button"
            onClick={() =>
              onChange(setQubitCount(state, circuit.numQubits + 1))
            }
            title="Add a qubit"
          >
            + Qubit
          </button>
          <button
            type="button"
            onClick={() =>
              onChange(setQubitCount(state, circuit.numQubits - 1))
            }
            disabled={circuit.numQubits <= 1}
            title="Remove the last qubit (only when unused)"
          >
            − Qubit
          </button>
        </div>
      </div>
      <p className="hint" aria-live="polite">
        {pending
          ? `Click a wire (or arrows + Enter) to choose the target of ${describe(pending)}.`
          : armed
            ? `Click a wire to place ${armed} (or focus the drawing: arrows pick a wire, Enter places). Esc to stop.`
            : selectedOp
              ? `Selected ${describe(selectedOp)}: Delete removes it, arrows move it, Shift+arrows select another, Esc clears.`
              : "Drag a gate onto a wire. Select a gate: Delete removes it, arrows move it, Shift+arrows select the next one."}
      </p>
      {large ? (
        <Overview circuit={circuit} />
      ) : (
        <div
          className="canvas-scroll"
          tabIndex={0}
          onKeyDown={onKeyDown}
          aria-label="Circuit drawing (keyboard: arrows, Delete, Ctrl+Z)"
        >
          <CircuitCanvas
            circuit={circuit}
            selected={state.selected}
            onSelect={(i) => onChange(select(state, i))}
            onWireClick={onWireClick}
            cursorWire={placing ? wire : null}
            onMove={(i, cell) =>
              onChange(moveOp(state, i, cell.wire, cell.column))
            }
            onDropItem={place}
          />
        </div>
      )}
      {selectedOp && (
        <Inspector
          op={selectedOp}
          index={state.selected ?? 0}
          state={state}
          onChange={onChange}
        />
      )}
    </section>
  );
});

/** Edits the selected operation's wires and angles. */
function Inspector({
  op,
  index,
  state,
  onChange,
}: {
  op: Operation;
  index: number;
  state: ComposerState;
  onChange: (s: ComposerState) => void;
}) {
  const wires = opQubits(op);
  const params = op.kind === "gate" ? op.params : [];
  const box = callBox(op);
  const setWire = (k: number, w: number) => {
    if (op.kind === "gate") {
      const all = [...wires];
      all[k] = w;
      onChange(
        replaceOp(
          state,
          index,
          {
            ...op,
            controls: all.slice(0, op.controls.length),
            qubits: all.slice(op.controls.length),
          },
          "wire",
        ),
      );
    } else if (op.kind === "measure" || op.kind === "reset")
      onChange(replaceOp(state, index, { ...op, qubit: w }, "wire"));
  };
  return (
    <div className="inspector" aria-label="Selected operation">
      <strong>{describe(op)}</strong>
      {op.kind !== "barrier" &&
        wires.map((w, k) => (
          <label key={k}>
            {op.kind === "gate" && k < op.controls.length ? "control" : "qubit"}{" "}
            <select
              value={w}
              onChange={(e) => setWire(k, Number(e.target.value))}
            >
              {Array.from({ length: state.circuit.numQubits }, (_, q) => (
                <option key={q} value={q}>
                  q{q}
                </option>
              ))}
            </select>
          </label>
        ))}
      {params.map((p, k) => (
        <AngleField
          key={`${index}-${k}-${p}`}
          value={p}
          onCommit={(v) => {
            if (op.kind !== "gate") return;
            const next = [...op.params];
            next[k] = v;
            onChange(replaceOp(state, index, { ...op, params: next }, "angle"));
          }}
        />
      ))}
      <button type="button" onClick={() => onChange(deleteOp(state, index))}>
        Delete
      </button>
      {op.kind === "gate" && <GateReference op={op} />}
      {box && (
        <details className="gate-definition">
          <summary>
            Definition of {box.gate.name} ({box.ops.length} operation
            {box.ops.length === 1 ? "" : "s"})
          </summary>
          <pre>{box.definition}</pre>
        </details>
      )}
    </div>
  );
}

function AngleField({
  value,
  onCommit,
}: {
  value: number;
  onCommit: (v: number) => void;
}) {
  const [text, setText] = useState(angleExpression(value));
  const parsed = parseAngle(text);
  return (
    <label>
      θ{" "}
      <input
        value={text}
        size={8}
        aria-invalid={parsed === null}
        className={parsed === null ? "angle invalid" : "angle"}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => parsed !== null && parsed !== value && onCommit(parsed)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && parsed !== null) onCommit(parsed);
        }}
      />
    </label>
  );
}
