/** SVG drawing of a circuit: wires per qubit, one classical wire, gates placed in columns. */
import type { Circuit, Operation } from "@stepfault/quantum";
import { memo, useRef, type PointerEvent as ReactPointerEvent } from "react";
import { formatAngleLabel } from "./format.ts";
import { layoutCircuit, opQubits } from "./layout.ts";
import { colorClass } from "./palette-items.ts";

/** Drawing geometry in SVG units. */
export const GEOMETRY = {
  cell: 50,
  row: 50,
  left: 12,
  /** Width of the wire-label column, which stays in view while the drawing scrolls. */
  labels: 64,
  top: 24,
  box: 36,
} as const;
const { cell, row, left, top, box, labels } = GEOMETRY;

/** Where on the drawing a pointer is: a wire and a column. */
export interface Cell {
  readonly wire: number;
  readonly column: number;
}

/** Props of CircuitCanvas. */
export interface CircuitCanvasProps {
  readonly circuit: Circuit;
  readonly selected: number | null;
  readonly onSelect: (index: number | null) => void;
  /** A click (or drop) on an empty place of a wire. */
  readonly onWireClick: (cell: Cell) => void;
  /** An op dragged to another place. */
  readonly onMove: (index: number, cell: Cell) => void;
  /** The wire highlighted for keyboard placement, or null. */
  readonly cursorWire?: number | null;
  /** A palette item dropped on the drawing. */
  readonly onDropItem: (id: string, cell: Cell) => void;
}

/** Data type used to drag palette items onto the drawing. */
export const DRAG_TYPE = "application/x-stepfault-gate";

const cx = (col: number) => left + col * cell + cell / 2;
const cy = (wire: number) => top + wire * row + row / 2;

function gateLabel(op: Operation): string {
  if (op.kind === "measure") return "";
  if (op.kind === "reset") return "|0⟩";
  if (op.kind === "barrier") return "";
  if (op.kind === "noise") return "N";
  if (op.kind !== "gate" && op.kind !== "opaque") return op.kind;
  const names: Record<string, string> = {
    sdg: "S†",
    tdg: "T†",
    sx: "√X",
    sxdg: "√X†",
    id: "I",
  };
  return names[op.name] ?? op.name.toUpperCase();
}

function Box({
  x,
  y,
  op,
  h = box,
}: {
  x: number;
  y: number;
  op: Operation;
  h?: number;
}) {
  const params = op.kind === "gate" || op.kind === "opaque" ? op.params : [];
  const label = gateLabel(op);
  return (
    <g>
      <rect
        x={x - box / 2}
        y={y - box / 2}
        width={box}
        height={h}
        rx={3}
        className={`gate ${colorClass(op)}`}
      />
      {op.kind === "measure" ? (
        <g className="meter">
          <path
            d={`M ${x - 11} ${y + 6} A 11 11 0 0 1 ${x + 11} ${y + 6}`}
            fill="none"
          />
          <line x1={x} y1={y + 6} x2={x + 8} y2={y - 7} />
        </g>
      ) : (
        <text
          x={x}
          y={y + (params.length ? -2 : 5)}
          className="gate-label"
          textAnchor="middle"
        >
          {label}
        </text>
      )}
      {params.length > 0 && (
        <text x={x} y={y + 12} className="gate-param" textAnchor="middle">
          {params.map(formatAngleLabel).join(",")}
        </text>
      )}
    </g>
  );
}

/** For a classically conditioned op: a double line down to the classical wire and the value. */
function ConditionMark({
  op,
  col,
  clY,
}: {
  op: Operation;
  col: number;
  clY: number;
}) {
  if (
    op.kind === "barrier" ||
    op.kind === "label" ||
    op.kind === "noise" ||
    !op.condition
  )
    return null;
  const x = cx(col);
  const y = cy(Math.max(...opQubits(op)));
  const { op: cmp, value } = op.condition;
  return (
    <g className="condition">
      <line
        x1={x - 1.5}
        y1={y}
        x2={x - 1.5}
        y2={clY}
        className="classical-link"
      />
      <line
        x1={x + 1.5}
        y1={y}
        x2={x + 1.5}
        y2={clY}
        className="classical-link"
      />
      <circle cx={x} cy={clY} r={4} className="classical-arrow" />
      <text x={x} y={clY + 16} textAnchor="middle" className="clbit-label">
        {cmp === "==" ? "" : cmp}
        {value}
      </text>
    </g>
  );
}

/** Draws one operation at its column. */
function OpShape({
  op,
  col,
  numQubits,
  clY,
}: {
  op: Operation;
  col: number;
  numQubits: number;
  clY: number;
}) {
  const x = cx(col);
  if (op.kind === "barrier") {
    const qs = op.qubits.length
      ? op.qubits
      : Array.from({ length: numQubits }, (_, i) => i);
    const y0 = cy(Math.min(...qs)) - row / 2 + 4;
    const y1 = cy(Math.max(...qs)) + row / 2 - 4;
    return (
      <g className="barrier">
        <rect x={x - 6} y={y0} width={12} height={y1 - y0} />
        <line x1={x} y1={y0} x2={x} y2={y1} />
      </g>
    );
  }
  if (op.kind === "measure") {
    const y = cy(op.qubit);
    return (
      <g>
        <line
          x1={x - 1.5}
          y1={y}
          x2={x - 1.5}
          y2={clY - 6}
          className="classical-link"
        />
        <line
          x1={x + 1.5}
          y1={y}
          x2={x + 1.5}
          y2={clY - 6}
          className="classical-link"
        />
        <path
          d={`M ${x - 5} ${clY - 8} L ${x + 5} ${clY - 8} L ${x} ${clY - 1} Z`}
          className="classical-arrow"
        />
        <text x={x + 8} y={clY + 14} className="clbit-label">
          {op.clbit}
        </text>
        <Box x={x} y={y} op={op} />
      </g>
    );
  }
  if (op.kind === "reset") return <Box x={x} y={cy(op.qubit)} op={op} />;
  const qs = opQubits(op);
  const controls = op.kind === "gate" ? op.controls : [];
  const targets = "qubits" in op ? op.qubits : [];
  const yMin = cy(Math.min(...qs));
  const yMax = cy(Math.max(...qs));
  const isCnot = op.kind === "gate" && op.name === "x" && controls.length > 0;
  const isCz = op.kind === "gate" && op.name === "z" && controls.length > 0;
  const isSwap = op.kind === "gate" && op.name === "swap";
  const multiBox = !isSwap && targets.length > 1;
  return (
    <g>
      {qs.length > 1 && (
        <line
          x1={x}
          y1={yMin}
          x2={x}
          y2={yMax}
          className={`connector ${colorClass(op)}`}
        />
      )}
      {controls.map((q) => (
        <circle
          key={`c${q}`}
          cx={x}
          cy={cy(q)}
          r={6}
          className={`control ${colorClass(op)}`}
        />
      ))}
      {isCnot &&
        targets.map((q) => (
          <g key={`t${q}`} className={`cnot ${colorClass(op)}`}>
            <circle cx={x} cy={cy(q)} r={13} />
            <line x1={x - 13} y1={cy(q)} x2={x + 13} y2={cy(q)} />
            <line x1={x} y1={cy(q) - 13} x2={x} y2={cy(q) + 13} />
          </g>
        ))}
      {isCz &&
        targets.map((q) => (
          <circle
            key={`t${q}`}
            cx={x}
            cy={cy(q)}
            r={6}
            className={`control ${colorClass(op)}`}
          />
        ))}
      {isSwap &&
        targets.map((q) => (
          <g key={`s${q}`} className={`swap ${colorClass(op)}`}>
            <line x1={x - 8} y1={cy(q) - 8} x2={x + 8} y2={cy(q) + 8} />
            <line x1={x - 8} y1={cy(q) + 8} x2={x + 8} y2={cy(q) - 8} />
          </g>
        ))}
      {!isCnot &&
        !isCz &&
        !isSwap &&
        !multiBox &&
        targets.map((q) => <Box key={`b${q}`} x={x} y={cy(q)} op={op} />)}
      {multiBox && (
        <Box
          x={x}
          y={cy(Math.min(...targets))}
          op={op}
          h={cy(Math.max(...targets)) - cy(Math.min(...targets)) + box}
        />
      )}
    </g>
  );
}

function describeOp(op: Operation, c: Circuit, col: number): string {
  const q = (i: number) => {
    const r = c.qregs.find(
      (reg) => i >= reg.offset && i < reg.offset + reg.size,
    );
    return r ? `${r.name}[${i - r.offset}]` : `q${i}`;
  };
  const name =
    op.kind === "gate"
      ? "c".repeat(op.controls.length) + op.name
      : op.kind === "opaque"
        ? op.name
        : op.kind;
  return `${name} on ${opQubits(op).map(q).join(", ")}, column ${col + 1}`;
}

/** The circuit drawing; memoised so typing elsewhere does not redraw it. */
export const CircuitCanvas = memo(function CircuitCanvas(
  props: CircuitCanvasProps,
) {
  const { circuit, selected } = props;
  const svg = useRef<SVGSVGElement>(null);
  const drag = useRef<{
    index: number;
    x: number;
    y: number;
    moved: boolean;
  } | null>(null);
  const { columns, width } = layoutCircuit(circuit);
  const n = circuit.numQubits;
  const clY = top + n * row + row / 2;
  const totalW = left + (width + 2) * cell;
  const totalH = top + (n + (circuit.numClbits > 0 ? 1 : 0)) * row + 8;

  const cellAt = (clientX: number, clientY: number): Cell => {
    const rect = svg.current?.getBoundingClientRect();
    const scale = rect && rect.width > 0 ? totalW / rect.width : 1;
    const x = (clientX - (rect?.left ?? 0)) * scale;
    const y = (clientY - (rect?.top ?? 0)) * scale;
    return {
      wire: Math.min(
        Math.max(Math.floor((y - top) / row), 0),
        Math.max(n - 1, 0),
      ),
      column: Math.max(Math.floor((x - left) / cell), 0),
    };
  };

  const onOpPointerDown = (index: number) => (e: ReactPointerEvent) => {
    e.stopPropagation();
    drag.current = { index, x: e.clientX, y: e.clientY, moved: false };
    (e.currentTarget as Element).setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent) => {
    const d = drag.current;
    if (d && Math.hypot(e.clientX - d.x, e.clientY - d.y) > 6) d.moved = true;
  };
  const onPointerUp = (e: ReactPointerEvent) => {
    const d = drag.current;
    drag.current = null;
    if (!d) return;
    if (d.moved) props.onMove(d.index, cellAt(e.clientX, e.clientY));
    else props.onSelect(d.index);
  };

  const regLabel = (w: number) => {
    const r = circuit.qregs.find(
      (reg) => w >= reg.offset && w < reg.offset + reg.size,
    );
    return r ? `${r.name}[${w - r.offset}]` : `q${w}`;
  };

  const clLabel =
    circuit.cregs.length === 1
      ? `${circuit.cregs[0].name}${circuit.numClbits}`
      : `c${circuit.numClbits}`;
  return (
    <div className="circuit-row">
      <svg
        className="wire-labels"
        width={labels}
        height={totalH}
        aria-hidden="true"
      >
        {Array.from({ length: n }, (_, w) => (
          <text
            key={w}
            x={labels - 8}
            y={cy(w) + 5}
            textAnchor="end"
            className="wire-label"
          >
            {regLabel(w)}
          </text>
        ))}
        {circuit.numClbits > 0 && (
          <text
            x={labels - 8}
            y={clY + 5}
            textAnchor="end"
            className="wire-label"
          >
            {clLabel}
          </text>
        )}
      </svg>
      <svg
        ref={svg}
        className="circuit"
        width={totalW}
        height={totalH}
        viewBox={`0 0 ${totalW} ${totalH}`}
        role="group"
        aria-label={`Circuit drawing: ${n} qubits, ${circuit.ops.length} operations`}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onDragOver={(e) => {
          if (e.dataTransfer.types.includes(DRAG_TYPE)) e.preventDefault();
        }}
        onDrop={(e) => {
          const id = e.dataTransfer.getData(DRAG_TYPE);
          if (!id) return;
          e.preventDefault();
          props.onDropItem(id, cellAt(e.clientX, e.clientY));
        }}
      >
        {Array.from({ length: n }, (_, w) => (
          <g key={w} className="wire">
            <line x1={0} y1={cy(w)} x2={totalW - 8} y2={cy(w)} />
            <rect
              x={0}
              y={cy(w) - row / 2}
              width={totalW}
              height={row}
              className="wire-hit"
              data-wire={w}
              onClick={(e) =>
                props.onWireClick({
                  wire: w,
                  column: cellAt(e.clientX, e.clientY).column,
                })
              }
            />
          </g>
        ))}
        {circuit.numClbits > 0 && (
          <g className="wire classical">
            <line x1={0} y1={clY - 2} x2={totalW - 8} y2={clY - 2} />
            <line x1={0} y1={clY + 2} x2={totalW - 8} y2={clY + 2} />
          </g>
        )}
        {props.cursorWire != null && (
          <rect
            x={0}
            y={cy(props.cursorWire) - row / 2 + 2}
            width={totalW}
            height={row - 4}
            className="wire-cursor"
            data-cursor-wire={props.cursorWire}
          />
        )}
        {circuit.ops.map((op, i) => (
          <g
            key={i}
            className={i === selected ? "op selected" : "op"}
            data-op-index={i}
            role="img"
            aria-label={
              describeOp(op, circuit, columns[i]) +
              (i === selected ? " (selected)" : "")
            }
            onPointerDown={onOpPointerDown(i)}
          >
            <ConditionMark op={op} col={columns[i]} clY={clY} />
            <OpShape op={op} col={columns[i]} numQubits={n} clY={clY} />
          </g>
        ))}
      </svg>
    </div>
  );
});
