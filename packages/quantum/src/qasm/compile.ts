/**
 * The OpenQASM 2.0 / 3 front end: source text -> circuit IR.
 *
 * Pipeline: lex.ts (streaming lexer over char codes) -> parse*.ts (recursive descent, AST with
 * spans, recovery at `;` and `}`) -> semantic/ (scopes, constant evaluation, gate expansion with
 * modifiers, compile-time execution of classical code). Top-level statements are parsed and
 * compiled one at a time, so huge files never hold a whole AST or token array. After the first
 * syntax error the rest of the file is still parsed (more syntax errors are reported) but no
 * longer compiled, to avoid cascades. Diagnostics use the stable codes of codes.ts.
 */
import type {
  Circuit,
  CompileOptions,
  CompileResult,
  Diagnostic,
} from "../ir/types.ts";
import { lookupGate } from "../ir/gates.ts";
import { QasmCodes } from "./codes.ts";
import { DiagnosticSink, sortDiagnostics } from "./diagnostics.ts";
import { Lexer } from "./lex.ts";
import { Parser } from "./parse.ts";
import { callDef } from "./semantic/control.ts";
import { Compiler, StopCompilation } from "./semantic/compiler.ts";
import { runSource } from "./semantic/exec.ts";
import { callExtern, durationOf, measureExpr } from "./semantic/exec3.ts";
import type { ParamRecorder } from "./semantic/params.ts";
import { inferVersion } from "./version.ts";

/** Compiles OpenQASM 2.0 or 3 source to a circuit. Never throws on user input. */
export function compileQasm(
  source: string,
  options: CompileOptions = {},
): CompileResult {
  return compileWithParams(source, options).result;
}

/** Compiles and also returns the circuit parameters collected (with `options.parametric`). */
export function compileWithParams(
  source: string,
  options: CompileOptions,
): { result: CompileResult; params?: ParamRecorder } {
  const sink = new DiagnosticSink();
  let circuit: Circuit | undefined;
  let params: ParamRecorder | undefined;
  try {
    circuit = run(source, options, sink, (p) => (params = p));
  } catch (e) {
    if (!(e instanceof StopCompilation)) {
      const detail = e instanceof Error ? e.message : String(e);
      sink.error(QasmCodes.INTERNAL, `internal compiler error: ${detail}`, {
        line: 1,
        col: 1,
        endLine: 1,
        endCol: 1,
      });
    }
  }
  const diagnostics: Diagnostic[] = sortDiagnostics(sink.items);
  if (circuit === undefined || sink.errorCount > 0)
    return { result: { ok: false, diagnostics } };
  return { result: { ok: true, circuit, diagnostics }, params };
}

function run(
  source: string,
  options: CompileOptions,
  sink: DiagnosticSink,
  onParams: (p: ParamRecorder | undefined) => void,
): Circuit {
  const parser = new Parser(new Lexer(source, sink), sink);
  const header = parser.parseHeader();
  let version = header.version;
  if (version === undefined) {
    const inferred = inferVersion(source);
    version = inferred.version;
    parser.assumeVersion(version);
    if (inferred.because !== undefined && sink.errorCount === 0) {
      const at = { line: 1, col: 1, endLine: 1, endCol: 1 };
      sink.warning(
        QasmCodes.MISSING_VERSION,
        `no OPENQASM version line: reading the file as OpenQASM 2.0 because ${inferred.because} and uses no OpenQASM 3 construct (add 'OPENQASM 2.0;' or 'OPENQASM 3.0;')`,
        at,
      );
    }
  }
  const c = new Compiler(sink, options, version === "3.0", callDef);
  c.hooks = { measureExpr, durationOf, callExtern };
  if (sink.errorCount > 0) c.syntaxFailed = true;
  try {
    runSource(c, parser);
    // `end;` inside a run-time branch jumps here.
    if (c.endLabel !== undefined) c.ops.push({ kind: "label", id: c.endLabel });
  } finally {
    resolvePendingGates(c);
  }
  onParams(c.params);
  return {
    numQubits: c.numQubits,
    numClbits: c.numClbits,
    qregs: c.qregs,
    cregs: c.cregs,
    ops: c.ops,
    globalPhase: c.globalPhase,
    inputs: c.inputs,
    sourceVersion: version,
  };
}

/** Calls of gates that were not defined at that point: defined later, or not at all. */
function resolvePendingGates(c: Compiler): void {
  const saved = c.sink.file;
  for (const p of c.pendingGates) {
    c.sink.file = p.file;
    const later = c.global.lookup(p.name);
    if (later?.kind === "gate" || later?.kind === "opaque") {
      c.sink.error(
        QasmCodes.GATE_BEFORE_DEFINITION,
        `gate '${p.name}' is used before its definition`,
        p.span,
      );
    } else {
      const sig = lookupGate(p.name);
      const hint =
        !c.v3 && !c.qelib1 && sig?.qelib1
          ? ' (did you forget include "qelib1.inc"?)'
          : c.v3 && !c.stdgates && sig?.stdgates
            ? ' (did you forget include "stdgates.inc"?)'
            : "";
      c.sink.error(
        QasmCodes.UNDEFINED_GATE,
        `gate '${p.name}' is not defined${hint}`,
        p.span,
      );
    }
  }
  c.sink.file = saved;
}
