/**
 * A MaxCut graph as the Variational page edits it: parsed from an edge list a person pastes
 * (`0 1`, `0-1`, `0,1,2.5` one per line or separated by `;`, or JSON `[[0,1],[1,2,0.5]]`), printed
 * back, laid out on a circle, and cut by a bitstring.
 */

/** An edge `[i, j]` or weighted `[i, j, w]`. */
export type Edge =
  readonly [number, number] | readonly [number, number, number];

/** A graph: nodes `0 .. nodes-1` and edges between them. */
export interface Graph {
  readonly nodes: number;
  readonly edges: readonly Edge[];
}

/** Parse outcome; `line` is 1-based. */
export type ParsedGraph =
  | { readonly ok: true; readonly edges: Edge[]; readonly maxNode: number }
  | { readonly ok: false; readonly error: string };

const NUMBER = /^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Reads an edge list; an empty text is a graph without edges. */
export function parseEdgeList(text: string): ParsedGraph {
  const trimmed = text.trim();
  let rows: unknown[][];
  if (trimmed.startsWith("[")) {
    try {
      const json = JSON.parse(trimmed) as unknown;
      if (!Array.isArray(json) || !json.every(Array.isArray))
        return {
          ok: false,
          error: "JSON edges must be a list of [i, j] or [i, j, w]",
        };
      rows = json as unknown[][];
    } catch (err) {
      return { ok: false, error: `not valid JSON: ${(err as Error).message}` };
    }
  } else {
    rows = [];
    const entries = trimmed
      .split(/[\n;]/)
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"));
    for (const entry of entries) {
      const parts = entry
        .split(/[\s,]+|(?<=\d)-(?=\d)/)
        .filter((p) => p !== "");
      if (!parts.every((p) => NUMBER.test(p)))
        return {
          ok: false,
          error: `"${entry}": write an edge as "i j" or "i j weight"`,
        };
      rows.push(parts.map(Number));
    }
  }
  const edges: Edge[] = [];
  let maxNode = -1;
  for (const [k, row] of rows.entries()) {
    const where = `edge ${k + 1}`;
    if (row.length !== 2 && row.length !== 3)
      return {
        ok: false,
        error: `${where}: give two nodes and an optional weight`,
      };
    const [i, j, w] = row as number[];
    if (![i, j].every((n) => Number.isInteger(n) && n >= 0))
      return { ok: false, error: `${where}: nodes are whole numbers from 0` };
    if (i === j)
      return { ok: false, error: `${where}: a node cannot connect to itself` };
    if (w !== undefined && !Number.isFinite(w))
      return { ok: false, error: `${where}: the weight must be a number` };
    edges.push(w === undefined || w === 1 ? [i, j] : [i, j, w]);
    maxNode = Math.max(maxNode, i, j);
  }
  return { ok: true, edges, maxNode };
}

/** One edge per line, as `parseEdgeList` reads it. */
export function edgeListText(edges: readonly Edge[]): string {
  return edges.map((e) => e.join(" ")).join("\n");
}

/** Adds the edge i-j, or removes it when present (either direction). */
export function toggleEdge(
  edges: readonly Edge[],
  i: number,
  j: number,
): Edge[] {
  const same = (e: Edge) =>
    (e[0] === i && e[1] === j) || (e[0] === j && e[1] === i);
  return edges.some(same) ? edges.filter((e) => !same(e)) : [...edges, [i, j]];
}

/** Removes node `n`, renumbering the nodes above it. */
export function removeNode(g: Graph, n: number): Graph {
  const shift = (x: number) => (x > n ? x - 1 : x);
  return {
    nodes: g.nodes - 1,
    edges: g.edges
      .filter((e) => e[0] !== n && e[1] !== n)
      .map((e) =>
        e.length === 3
          ? ([shift(e[0]), shift(e[1]), e[2]] as const)
          : ([shift(e[0]), shift(e[1])] as const),
      ),
  };
}

/** Positions of the nodes on a circle in a `size` square (node 0 at the top, clockwise). */
export function circleLayout(nodes: number, size: number): [number, number][] {
  const c = size / 2;
  const r = nodes <= 1 ? 0 : size / 2 - 24;
  return Array.from({ length: nodes }, (_, k) => {
    const a = (2 * Math.PI * k) / Math.max(1, nodes) - Math.PI / 2;
    return [c + r * Math.cos(a), c + r * Math.sin(a)];
  });
}

/**
 * The side of node `k` in a bitstring of the result (Qiskit order: the rightmost character is
 * node 0).
 */
export function sideOf(bitstring: string, k: number): 0 | 1 {
  return bitstring[bitstring.length - 1 - k] === "1" ? 1 : 0;
}

/** A ring of `n` nodes: 0-1, 1-2, ..., (n-1)-0. */
export function ring(n: number): Graph {
  return {
    nodes: n,
    edges: Array.from({ length: n }, (_, k) => [k, (k + 1) % n] as const),
  };
}
