/** OpenQASM highlighting for code in answers: the editor's tokenizer, rendered as React spans. */
import { highlightCode, tagHighlighter, tags as t } from "@lezer/highlight";
import type { ReactNode } from "react";
import { qasmLanguage } from "../editor/qasm-language.ts";

const highlighter = tagHighlighter([
  { tag: t.keyword, class: "tok-keyword" },
  { tag: t.typeName, class: "tok-type" },
  { tag: t.atom, class: "tok-constant" },
  { tag: t.number, class: "tok-number" },
  { tag: t.string, class: "tok-string" },
  { tag: [t.lineComment, t.blockComment], class: "tok-comment" },
  { tag: t.function(t.variableName), class: "tok-gate" },
  { tag: t.standard(t.variableName), class: "tok-constant" },
  { tag: t.variableName, class: "tok-register" },
  { tag: t.operator, class: "tok-operator" },
  { tag: t.invalid, class: "tok-invalid" },
]);

/** The code as highlighted spans (plain text for languages other than OpenQASM). */
export function highlight(code: string, qasm: boolean): ReactNode[] {
  if (!qasm) return [code];
  const out: ReactNode[] = [];
  const tree = qasmLanguage.parser.parse(code);
  highlightCode(
    code,
    tree,
    highlighter,
    (text, classes) =>
      out.push(
        classes ? (
          <span key={out.length} className={classes}>
            {text}
          </span>
        ) : (
          text
        ),
      ),
    () => out.push("\n"),
  );
  return out;
}
