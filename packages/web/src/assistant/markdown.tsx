/**
 * Safe Markdown for assistant answers: `marked` tokenizes, and the tokens become React elements
 * (raw HTML is shown as text, links only for http(s)), so model output can never inject markup.
 * Fenced code goes through `renderCode`, which the panel uses for QASM badges and buttons.
 */
import { Lexer, type Token, type Tokens } from "marked";
import type { ReactNode } from "react";

/** Renders one fenced code block; `qasmIndex` counts ```qasm / ```openqasm blocks from 0. */
export type CodeRenderer = (
  lang: string,
  code: string,
  qasmIndex: number | null,
  key: string,
) => ReactNode;

const QASM_LANG = /^(qasm|openqasm)\b/i;

/** True for the fence languages the server compiles. */
export function isQasmLang(lang: string): boolean {
  return QASM_LANG.test(lang.trim());
}

function safeHref(href: string): string | undefined {
  try {
    const u = new URL(href, "https://invalid.example/");
    return u.protocol === "http:" || u.protocol === "https:" ? href : undefined;
  } catch {
    return undefined;
  }
}

function inline(
  tokens: readonly Token[] | undefined,
  key: string,
): ReactNode[] {
  return (tokens ?? []).map((tok, i) => {
    const k = `${key}.${i}`;
    switch (tok.type) {
      case "strong":
        return (
          <strong key={k}>{inline((tok as Tokens.Strong).tokens, k)}</strong>
        );
      case "em":
        return <em key={k}>{inline((tok as Tokens.Em).tokens, k)}</em>;
      case "del":
        return <del key={k}>{inline((tok as Tokens.Del).tokens, k)}</del>;
      case "codespan":
        return <code key={k}>{unescape((tok as Tokens.Codespan).text)}</code>;
      case "br":
        return <br key={k} />;
      case "link": {
        const l = tok as Tokens.Link;
        const href = safeHref(l.href);
        return href ? (
          <a key={k} href={href} target="_blank" rel="noreferrer noopener">
            {inline(l.tokens, k)}
          </a>
        ) : (
          <span key={k}>{inline(l.tokens, k)}</span>
        );
      }
      case "text": {
        const x = tok as Tokens.Text;
        return x.tokens ? (
          <span key={k}>{inline(x.tokens, k)}</span>
        ) : (
          unescape(x.text)
        );
      }
      case "escape":
        return (tok as Tokens.Escape).text;
      default:
        return "raw" in tok ? String(tok.raw) : "";
    }
  });
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

/** marked escapes some text; React escapes again, so undo marked's entities. */
function unescape(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m);
}

/** The answer as React elements. */
export function Markdown({
  text,
  renderCode,
}: {
  text: string;
  renderCode: CodeRenderer;
}) {
  let qasmCount = 0;
  const block = (tokens: readonly Token[], key: string): ReactNode[] =>
    tokens.map((tok, i) => {
      const k = `${key}.${i}`;
      switch (tok.type) {
        case "space":
        case "def":
          return null;
        case "code": {
          const c = tok as Tokens.Code;
          const lang = c.lang ?? "";
          const index = isQasmLang(lang) ? qasmCount++ : null;
          return renderCode(lang, c.text, index, k);
        }
        case "heading": {
          const h = tok as Tokens.Heading;
          const level = Math.min(6, Math.max(3, h.depth + 2));
          const Tag = `h${level}` as "h3" | "h4" | "h5" | "h6";
          return <Tag key={k}>{inline(h.tokens, k)}</Tag>;
        }
        case "paragraph":
          return <p key={k}>{inline((tok as Tokens.Paragraph).tokens, k)}</p>;
        case "blockquote":
          return (
            <blockquote key={k}>
              {block((tok as Tokens.Blockquote).tokens, k)}
            </blockquote>
          );
        case "list": {
          const l = tok as Tokens.List;
          const items = l.items.map((it, j) => (
            <li key={`${k}.${j}`}>{block(it.tokens, `${k}.${j}`)}</li>
          ));
          return l.ordered ? (
            <ol
              key={k}
              start={typeof l.start === "number" ? l.start : undefined}
            >
              {items}
            </ol>
          ) : (
            <ul key={k}>{items}</ul>
          );
        }
        case "table": {
          const tb = tok as Tokens.Table;
          return (
            <div className="md-table" key={k}>
              <table>
                <thead>
                  <tr>
                    {tb.header.map((c, j) => (
                      <th key={j}>{inline(c.tokens, `${k}.h${j}`)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {tb.rows.map((row, r) => (
                    <tr key={r}>
                      {row.map((c, j) => (
                        <td key={j}>{inline(c.tokens, `${k}.${r}.${j}`)}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }
        case "hr":
          return <hr key={k} />;
        case "text": {
          const x = tok as Tokens.Text;
          return <p key={k}>{x.tokens ? inline(x.tokens, k) : x.text}</p>;
        }
        default:
          // raw HTML and anything unknown: shown as text
          return (
            <p key={k} className="md-raw">
              {"raw" in tok ? String(tok.raw) : ""}
            </p>
          );
      }
    });
  return (
    <div className="md">{block(new Lexer({ gfm: true }).lex(text), "b")}</div>
  );
}
