import type { Diagnostic, Span } from "../ir/types.ts";
import type { QasmCode } from "./codes.ts";

/** Collects diagnostics for one compilation; `file` is attached to every message while set. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  /** The file that spans currently refer to (undefined: the main source). */
  file: string | undefined = undefined;
  private errors = 0;

  /** Records an error at `span`. */
  error(code: QasmCode, message: string, span: Span): void {
    if (this.isRepeat(code, message, span)) return;
    this.errors++;
    this.push({ code, severity: "error", message, span: cleanSpan(span) });
  }

  /** Records a warning at `span`. */
  warning(code: QasmCode, message: string, span: Span): void {
    if (this.isRepeat(code, message, span)) return;
    this.push({ code, severity: "warning", message, span: cleanSpan(span) });
  }

  /** Number of errors recorded so far. */
  get errorCount(): number {
    return this.errors;
  }

  // The same message at the same place (e.g. from every iteration of a loop) is kept once.
  private readonly seen = new Set<string>();
  private isRepeat(code: string, message: string, span: Span): boolean {
    const key = `${this.file ?? ""}\u0000${span.line}:${span.col}\u0000${code}\u0000${message}`;
    if (this.seen.has(key)) return true;
    this.seen.add(key);
    return false;
  }

  private push(d: Diagnostic): void {
    this.items.push(this.file === undefined ? d : { ...d, file: this.file });
  }
}

/** Sorts diagnostics by file (main source first), then position; stable for equal positions. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const fa = a.d.file ?? "";
      const fb = b.d.file ?? "";
      if (fa !== fb) return fa < fb ? -1 : 1;
      return (
        a.d.span.line - b.d.span.line ||
        a.d.span.col - b.d.span.col ||
        a.i - b.i
      );
    })
    .map((x) => x.d);
}

/** A span covering `a` through `b`. */
export function joinSpans(a: Span, b: Span): Span {
  return { line: a.line, col: a.col, endLine: b.endLine, endCol: b.endCol };
}

/** A plain span object (tokens double as spans and carry extra fields). */
export function cleanSpan(s: Span): Span {
  return { line: s.line, col: s.col, endLine: s.endLine, endCol: s.endCol };
}
