/**
 * A light outline of a source's top-level statements and its `gate` definitions, with their
 * source spans. Tools that edit the text in place (the web composer) use it to find which
 * statement an operation came from (an op's `span` lies inside its top-level statement) and to
 * show user-defined gates as boxes. Parsing only: nothing is compiled.
 */
import type { Span } from "../ir/types.ts";
import { DiagnosticSink } from "./diagnostics.ts";
import { parseQasm } from "./parse.ts";

/** One top-level statement: its kind (as in the AST), span, and name where it has one. */
export interface OutlineStatement {
  readonly kind: string;
  readonly span: Span;
  /** Gate called, gate defined, or register declared. */
  readonly name?: string;
  /** For register declarations (`qreg q[2];`, `qubit[2] q;`): the span of the size expression. */
  readonly sizeSpan?: Span;
  /** For gate calls without modifiers: the spans of the parameter and qubit argument expressions. */
  readonly params?: readonly Span[];
  readonly args?: readonly Span[];
}

/** A user `gate` definition: its name, parameter and qubit names, and its span. */
export interface OutlineGate {
  readonly name: string;
  readonly params: readonly string[];
  readonly qubits: readonly string[];
  readonly span: Span;
}

/** The outline of a source (statements in source order). */
export interface SourceOutline {
  readonly statements: readonly OutlineStatement[];
  readonly gates: readonly OutlineGate[];
}

/** Outlines `source`; syntax errors are ignored (the statements that parsed are listed). */
export function outlineQasm(source: string): SourceOutline {
  const program = parseQasm(source, new DiagnosticSink());
  const statements: OutlineStatement[] = [];
  const gates: OutlineGate[] = [];
  for (const s of program.stmts) {
    switch (s.kind) {
      case "qreg":
      case "creg":
        statements.push({
          kind: s.kind,
          span: s.span,
          name: s.name,
          ...(s.size ? { sizeSpan: s.size.span } : {}),
        });
        break;
      case "gateDef":
        gates.push({
          name: s.name,
          params: s.params,
          qubits: s.qubits,
          span: s.span,
        });
        statements.push({ kind: s.kind, span: s.span, name: s.name });
        break;
      case "gateCall":
        statements.push({
          kind: s.kind,
          span: s.span,
          name: s.name,
          ...(s.modifiers.length === 0
            ? {
                params: s.params.map((p) => p.span),
                args: s.args.map((a) => a.span),
              }
            : {}),
        });
        break;
      case "opaque":
        statements.push({ kind: s.kind, span: s.span, name: s.name });
        break;
      case "decl":
        statements.push({
          kind: s.kind,
          span: s.span,
          name: s.name,
          ...(s.type.width && (s.type.name === "qubit" || s.type.name === "bit")
            ? { sizeSpan: s.type.width.span }
            : {}),
        });
        break;
      default:
        statements.push({ kind: s.kind, span: s.span });
    }
  }
  return { statements, gates };
}
