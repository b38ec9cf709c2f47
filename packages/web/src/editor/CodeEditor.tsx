/** The OpenQASM text editor: CodeMirror 6 with highlighting, completion and pushed-in diagnostics. */
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from "@codemirror/autocomplete";
import {
  defaultKeymap,
  history,
  historyKeymap,
  indentWithTab,
  isolateHistory,
  redo,
  undo,
} from "@codemirror/commands";
import {
  bracketMatching,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import {
  lintGutter,
  lintKeymap,
  setDiagnostics,
  type Diagnostic as CmDiagnostic,
} from "@codemirror/lint";
import { EditorSelection, EditorState, type Text } from "@codemirror/state";
import {
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import type { Diagnostic } from "@stepfault/quantum";
import {
  forwardRef,
  useEffect,
  useId,
  useImperativeHandle,
  useRef,
} from "react";
import { standardGateNames } from "../qasm/quantum-api.ts";
import { qasmCompletions } from "./completion.ts";
import { qasmHighlight, qasmLanguage } from "./qasm-language.ts";

/** Imperative handle: move the cursor to a 1-based line and column and focus the editor. */
export interface CodeEditorHandle {
  focusAt(line: number, col: number): void;
  /** Undoes / redoes the last change in the editor's history (typing or composer edits). */
  undo(): boolean;
  redo(): boolean;
}

/** Props of CodeEditor: a controlled text plus the diagnostics that belong to exactly `value`. */
export interface CodeEditorProps {
  readonly value: string;
  readonly onChange: (text: string) => void;
  readonly diagnostics: readonly Diagnostic[];
  /** The text the diagnostics were computed for; they are shown only while it is the document. */
  readonly diagnosticsFor: string;
  readonly label: string;
  /**
   * Changes that turn `base` into `value` (a composer edit): applied as one transaction, its own
   * undo step, when the document is `base`; otherwise `value` replaces the differing range.
   */
  readonly changes?: {
    readonly base: string;
    readonly changes: readonly {
      readonly from: number;
      readonly to: number;
      readonly insert: string;
    }[];
  } | null;
}

/** Converts a 1-based line/column to a document offset, clamped into the document. */
export function offsetOf(doc: Text, line: number, col: number): number {
  const l = doc.line(Math.min(Math.max(line, 1), doc.lines));
  return Math.min(l.from + Math.max(col - 1, 0), l.to);
}

function toCm(doc: Text, d: Diagnostic): CmDiagnostic {
  const from = offsetOf(doc, d.span.line, d.span.col);
  let to = offsetOf(doc, d.span.endLine, d.span.endCol);
  if (to <= from) to = Math.min(from + 1, doc.length);
  return {
    from,
    to: Math.max(to, from),
    severity: d.severity,
    message: d.message,
    source: d.code,
  };
}

const editorTheme = EditorView.theme({
  "&": {
    height: "100%",
    fontSize: "14px",
    backgroundColor: "var(--surface)",
    color: "var(--text)",
  },
  ".cm-content": { fontFamily: "var(--mono)", caretColor: "var(--text)" },
  ".cm-gutters": {
    backgroundColor: "var(--surface-2)",
    color: "var(--muted)",
    borderRight: "1px solid var(--border)",
  },
  ".cm-activeLine": { backgroundColor: "var(--active-line)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--active-line)" },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" },
  ".cm-tooltip": {
    backgroundColor: "var(--surface)",
    color: "var(--text)",
    border: "1px solid var(--border)",
  },
  ".cm-selectionBackground, &.cm-focused .cm-selectionBackground": {
    backgroundColor: "var(--selection) !important",
  },
});

/** The editor component; text changes are reported through `onChange`. */
export const CodeEditor = forwardRef<CodeEditorHandle, CodeEditorProps>(
  function CodeEditor(props, ref) {
    const host = useRef<HTMLDivElement>(null);
    const hintId = useId();
    const view = useRef<EditorView | null>(null);
    const onChange = useRef(props.onChange);
    onChange.current = props.onChange;

    useEffect(() => {
      if (!host.current) return;
      const v = new EditorView({
        parent: host.current,
        state: EditorState.create({
          doc: props.value,
          extensions: [
            lineNumbers(),
            highlightActiveLineGutter(),
            history(),
            drawSelection(),
            indentOnInput(),
            bracketMatching(),
            closeBrackets(),
            highlightActiveLine(),
            qasmLanguage,
            syntaxHighlighting(qasmHighlight),
            autocompletion({
              override: [qasmCompletions(standardGateNames())],
            }),
            lintGutter(),
            keymap.of([
              ...closeBracketsKeymap,
              ...defaultKeymap,
              ...historyKeymap,
              ...completionKeymap,
              ...lintKeymap,
              indentWithTab,
            ]),
            editorTheme,
            EditorView.contentAttributes.of({
              "aria-label": props.label,
              "aria-describedby": hintId,
            }),
            EditorView.updateListener.of((u) => {
              if (u.docChanged) onChange.current(u.state.doc.toString());
            }),
          ],
        }),
      });
      view.current = v;
      return () => {
        v.destroy();
        view.current = null;
      };
      // The view is created once; later `value` changes are applied by the effect below.
    }, []);

    // Apply outside text changes (from the composer) as one minimal replacement.
    useEffect(() => {
      const v = view.current;
      if (!v) return;
      let current = v.state.doc.toString();
      if (current === props.value) return;
      const edit = props.changes;
      if (edit && edit.base === current) {
        v.dispatch({
          changes: [...edit.changes],
          annotations: isolateHistory.of("full"),
          userEvent: "input.composer",
        });
        current = v.state.doc.toString();
        if (current === props.value) return;
      }
      let start = 0;
      while (
        start < current.length &&
        start < props.value.length &&
        current[start] === props.value[start]
      )
        start++;
      let endA = current.length;
      let endB = props.value.length;
      while (
        endA > start &&
        endB > start &&
        current[endA - 1] === props.value[endB - 1]
      ) {
        endA--;
        endB--;
      }
      v.dispatch({
        changes: {
          from: start,
          to: endA,
          insert: props.value.slice(start, endB),
        },
        annotations: isolateHistory.of("full"),
      });
      // props.changes always arrives together with the value it produces.
    }, [props.value]);

    // Show diagnostics once they belong to the current text; until then CodeMirror keeps the
    // previous ones, mapped through the edits, so underlines do not flicker while typing.
    useEffect(() => {
      const v = view.current;
      if (!v) return;
      const doc = v.state.doc;
      if (doc.toString() !== props.diagnosticsFor) return;
      v.dispatch(
        setDiagnostics(
          v.state,
          props.diagnostics.map((d) => toCm(doc, d)),
        ),
      );
    }, [props.diagnostics, props.diagnosticsFor]);

    useImperativeHandle(ref, () => ({
      focusAt(line: number, col: number) {
        const v = view.current;
        if (!v) return;
        const pos = offsetOf(v.state.doc, line, col);
        v.dispatch({
          selection: EditorSelection.cursor(pos),
          scrollIntoView: true,
        });
        v.focus();
      },
      undo: () => (view.current ? undo(view.current) : false),
      redo: () => (view.current ? redo(view.current) : false),
    }));

    return (
      <>
        <div className="code-editor" ref={host} />
        {/* CodeMirror's documented way out when Tab indents: Escape, then Tab. */}
        <p id={hintId} className="editor-tab-hint muted small">
          Tab indents. To leave the editor with the keyboard, press Esc then
          Tab.
        </p>
      </>
    );
  },
);
