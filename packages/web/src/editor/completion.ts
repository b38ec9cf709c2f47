/** Autocompletion for OpenQASM: keywords, standard gate names, and the file's own gates and registers. */
import type {
  Completion,
  CompletionContext,
  CompletionResult,
} from "@codemirror/autocomplete";

import {
  QASM_CONSTANTS,
  QASM_FUNCTIONS,
  QASM_KEYWORDS,
  QASM_TYPES,
} from "./qasm-language.ts";

const NAME = "([A-Za-z_π][\\w]*)";
const all = (text: string, re: RegExp): string[] =>
  [...text.matchAll(re)].map((m) => m[1]);

/** Names the document declares: gates, subroutines, externs, registers, aliases and variables. */
export function declaredNames(text: string): {
  gates: string[];
  qregs: string[];
  cregs: string[];
  subroutines: string[];
  variables: string[];
} {
  const gates = all(text, new RegExp(`\\b(?:gate|opaque)\\s+${NAME}`, "g"));
  const subroutines = all(
    text,
    new RegExp(`\\b(?:def|extern)\\s+${NAME}`, "g"),
  );
  const qregs = [
    ...all(text, new RegExp(`\\bqreg\\s+${NAME}`, "g")),
    ...all(text, new RegExp(`\\bqubit\\s*(?:\\[[^\\]]*\\])?\\s+${NAME}`, "g")),
    ...all(text, new RegExp(`\\blet\\s+${NAME}`, "g")),
  ];
  const cregs = [
    ...all(text, new RegExp(`\\bcreg\\s+${NAME}`, "g")),
    ...all(text, new RegExp(`\\bbit\\s*(?:\\[[^\\]]*\\])?\\s+${NAME}`, "g")),
  ];
  const variables = all(
    text,
    new RegExp(
      `\\b(?:int|uint|float|angle|bool|complex|duration|stretch)\\s*(?:\\[[^\\]]*\\])?\\s+${NAME}`,
      "g",
    ),
  );
  const arrays = all(
    text,
    new RegExp(`\\barray\\s*\\[[^;=]*\\]\\s+${NAME}`, "g"),
  );
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    gates: uniq(gates),
    qregs: uniq(qregs),
    cregs: uniq(cregs),
    subroutines: uniq(subroutines),
    variables: uniq([...variables, ...arrays]),
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
    ...own.subroutines.map((label) => ({
      label,
      type: "function",
      detail: "subroutine (this file)",
      boost: 2,
    })),
    ...own.variables.map((label) => ({
      label,
      type: "variable",
      detail: "classical",
      boost: 2,
    })),
    ...standardGates.map((label) => ({
      label,
      type: "function",
      detail: "gate",
    })),
    ...QASM_KEYWORDS.map((label) => ({ label, type: "keyword" })),
    ...QASM_TYPES.map((label) => ({ label, type: "type" })),
    ...QASM_CONSTANTS.map((label) => ({ label, type: "constant" })),
    ...QASM_FUNCTIONS.map((label) => ({
      label,
      type: "function",
      detail: "built-in",
    })),
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
