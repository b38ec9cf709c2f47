/**
 * A MaxCut graph drawn as SVG, nodes on a circle. Editable: press one node then another to add or
 * remove the edge between them. With a `bitstring` (a QAOA result) the nodes take the colour of
 * their side and the cut edges are drawn bold.
 */
import { useState } from "react";
import { circleLayout, sideOf, type Graph } from "./graph.ts";

/** Props of GraphView. */
export interface GraphViewProps {
  readonly graph: Graph;
  readonly label: string;
  /** Colour the nodes by this bitstring (rightmost character = node 0) and mark the cut. */
  readonly bitstring?: string;
  /** Called with two nodes the person joined (or parted); absent: read-only. */
  readonly onToggleEdge?: (i: number, j: number) => void;
  readonly size?: number;
}

/** The graph drawing. */
export function GraphView({
  graph,
  label,
  bitstring,
  onToggleEdge,
  size = 280,
}: GraphViewProps) {
  const [picked, setPicked] = useState<number | null>(null);
  const at = circleLayout(graph.nodes, size);
  const cut = (i: number, j: number) =>
    bitstring !== undefined && sideOf(bitstring, i) !== sideOf(bitstring, j);
  const press = (k: number) => {
    if (!onToggleEdge) return;
    if (picked === null) setPicked(k);
    else {
      if (picked !== k) onToggleEdge(picked, k);
      setPicked(null);
    }
  };
  const cutEdges = graph.edges.filter((e) => cut(e[0], e[1])).length;
  return (
    <svg
      className={`graph-view${onToggleEdge ? " editable" : ""}`}
      viewBox={`0 0 ${size} ${size}`}
      width={size}
      height={size}
      role={onToggleEdge ? "group" : "img"}
      aria-label={`${label}: ${graph.nodes} nodes, ${graph.edges.length} edges${bitstring !== undefined ? `, ${cutEdges} cut` : ""}`}
    >
      {graph.edges.map((e, k) => {
        const [i, j] = e;
        if (i >= graph.nodes || j >= graph.nodes) return null;
        const isCut = cut(i, j);
        return (
          <g
            key={k}
            className={`edge${isCut ? " cut" : ""}`}
            data-edge={`${i}-${j}`}
          >
            <line x1={at[i][0]} y1={at[i][1]} x2={at[j][0]} y2={at[j][1]} />
            {e.length === 3 && (
              <text
                x={(at[i][0] + at[j][0]) / 2}
                y={(at[i][1] + at[j][1]) / 2 - 3}
                textAnchor="middle"
              >
                {e[2]}
              </text>
            )}
          </g>
        );
      })}
      {at.map(([x, y], k) => {
        const side = bitstring !== undefined ? sideOf(bitstring, k) : undefined;
        return (
          <g
            key={k}
            className={`node${side !== undefined ? ` side${side}` : ""}${picked === k ? " picked" : ""}`}
            data-node={k}
            data-side={side}
            {...(onToggleEdge
              ? {
                  role: "button",
                  tabIndex: 0,
                  "aria-pressed": picked === k,
                  "aria-label": `node ${k}`,
                  onClick: () => press(k),
                  onKeyDown: (ev: React.KeyboardEvent) => {
                    if (ev.key === "Enter" || ev.key === " ") {
                      ev.preventDefault();
                      press(k);
                    }
                  },
                }
              : {})}
          >
            <circle cx={x} cy={y} r={13} />
            <text x={x} y={y + 4} textAnchor="middle">
              {k}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
