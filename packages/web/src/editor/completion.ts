/** Autocompletion for OpenQASM: keywords, standard gate names, and the file's own gates and registers. */
import type {
  Completion,
  CompletionContext,
  CompletionResult,
} from "@codemirror/autocomplete";

const KEYWORDS =
  "OPENQASM include qreg creg qubit bit gate opaque measure reset barrier if ctrl inv pow pi".split(
    " ",
  );

/** Names the document declares: its gates and its quantum and classical registers. */
export function declaredNames(text: string): {
  gates: string[];
  qregs: string[];
  cregs: string[];
} {
  const gates = [...text.matchAll(/\b(?:gate|opaque)\s+([A-Za-z_]\w*)/g)].map(
    (m) => m[1],
  );
  const qregs = [
    ...[...text.matchAll(/\bqreg\s+([A-Za-z_]\w*)/g)].map((m) => m[1]),
    ...[...text.matchAll(/\bqubit\s*(?:\[[^\]]*\])?\s+([A-Za-z_]\w*)/g)].map(
      (m) => m[1],
    ),
  ];
  const cregs = [
    ...[...text.matchAll(/\bcreg\s+([A-Za-z_]\w*)/g)].map((m) => m[1]),
    ...[...text.matchAll(/\bbit\s*(?:\[[^\]]*\])?\s+([A-Za-z_]\w*)/g)].map(
      (m) => m[1],
    ),
  ];
  return {
    gates: [...new Set(gates)],
    qregs: [...new Set(qregs)],
    cregs: [...new Set(cregs)],
  };
}

/** Builds the completion options for a document (exported for tests). */
export function completionOptions(
  text: string,
  standardGates: readonly string[],
): Completion[] {
  const own = declaredNames(text);
  return [
    ...own.qregs.map((label) => ({
      label,
      type: "variable",
      detail: "qubits",
      boost: 3,
    })),
    ...own.cregs.map((label) => ({
      label,
      type: "variable",
      detail: "bits",
      boost: 2,
    })),
    ...own.gates.map((label) => ({
      label,
      type: "function",
      detail: "gate (this file)",
      boost: 2,
    })),
    ...standardGates.map((label) => ({
      label,
      type: "function",
      detail: "gate",
    })),
    ...KEYWORDS.map((label) => ({ label, type: "keyword" })),
  ];
}

/** A CodeMirror completion source over `completionOptions`. */
export function qasmCompletions(standardGates: readonly string[]) {
  return (context: CompletionContext): CompletionResult | null => {
    const word = context.matchBefore(/[A-Za-z_]\w*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return {
      from: word.from,
      options: completionOptions(context.state.doc.toString(), standardGates),
      validFor: /^\w*$/,
    };
  };
}
