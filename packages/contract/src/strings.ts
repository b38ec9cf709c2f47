/**
 * The one policy for user-supplied strings, enforced at the API's edge (the server validates every
 * request string whose schema carries `x-stepfault-text`; see `NameString`, `LineString`,
 * `TextString`, `SecretString`):
 *
 * - `name`: a single-line name shown in lists, logs and terminals. No control characters
 *   (C0, DEL, C1), no bidi embedding/override/isolate characters, NFC-normalised, trimmed.
 * - `line`: single-line text that may mix scripts (emails, URLs, descriptions, searches): as `name`
 *   but bidi characters are allowed.
 * - `text`: multi-line text kept as typed (circuit sources, chat messages): newline, carriage return
 *   and tab allowed, other control characters not; NFC-normalised; not trimmed (layout is content).
 * - `secret`: passwords and tokens, compared byte for byte: only NUL is refused; never normalised.
 *
 * Every kind refuses NUL (PostgreSQL cannot store it) and lone surrogates, and counts length in
 * characters (code points) after normalisation, against the schema's `minLength`/`maxLength`.
 */
import { Type, type TStringOptions } from "typebox";

/** The kind of a user-supplied string. */
export type TextKind = "name" | "line" | "text" | "secret";

/** The schema keyword that marks a string with its kind (an OpenAPI `x-` extension). */
export const TEXT_KEYWORD = "x-stepfault-text";

// C0 controls, DEL and C1 controls; `text` allows tab, newline and carriage return.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const CONTROL_IN_TEXT =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
// Embeddings and overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI).
const BIDI = /[\u202a-\u202e\u2066-\u2069]/u;

const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const hex = (c: string) =>
  `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;

/** The result of the policy: the normalised value, or why the string is refused. */
export type TextCheck =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly message: string };

/**
 * Applies the policy of `kind` to `value`: the normalised string, or a message (for "must ...",
 * after the field's name) saying why it is refused. `limits` are in characters.
 */
export function checkText(
  value: string,
  kind: TextKind,
  limits: { readonly minLength?: number; readonly maxLength?: number } = {},
): TextCheck {
  if (value.includes("\u0000"))
    return { ok: false, message: "must not contain NUL (U+0000)" };
  if (LONE_SURROGATE.test(value))
    return {
      ok: false,
      message: "must be well-formed Unicode (no lone surrogates)",
    };
  if (kind === "secret") return { ok: true, value };
  const control = (kind === "text" ? CONTROL_IN_TEXT : CONTROL).exec(value);
  if (control)
    return {
      ok: false,
      message: `must not contain control characters (${hex(control[0])})${kind === "text" ? " other than newline and tab" : ""}`,
    };
  if (kind === "name") {
    const bidi = BIDI.exec(value);
    if (bidi)
      return {
        ok: false,
        message: `must not contain bidirectional override or isolate characters (${hex(bidi[0])})`,
      };
  }
  let out = value.normalize("NFC");
  if (kind !== "text") out = out.trim();
  const length = [...out].length;
  if (limits.minLength !== undefined && length < limits.minLength)
    return {
      ok: false,
      message:
        limits.minLength === 1
          ? "must not be empty or only spaces"
          : `must have at least ${limits.minLength} characters`,
    };
  if (limits.maxLength !== undefined && length > limits.maxLength)
    return {
      ok: false,
      message: `must have at most ${limits.maxLength} characters`,
    };
  return { ok: true, value: out };
}

const text = (kind: TextKind, options: TStringOptions = {}) =>
  Type.String({ ...options, [TEXT_KEYWORD]: kind });

/** A single-line name (no controls, no bidi overrides; NFC; trimmed). */
export const NameString = (options?: TStringOptions) => text("name", options);
/** Single-line text that may mix scripts (no controls; NFC; trimmed). */
export const LineString = (options?: TStringOptions) => text("line", options);
/** Multi-line text kept as typed (newlines and tabs, no other controls; NFC). */
export const TextString = (options?: TStringOptions) => text("text", options);
/** A password or token: only NUL is refused; never normalised. */
export const SecretString = (options?: TStringOptions) =>
  text("secret", options);
