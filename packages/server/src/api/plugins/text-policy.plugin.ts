/**
 * The contract's string policy (`checkText`) as an Ajv keyword: every request string whose schema
 * carries `x-stepfault-text` is checked and normalised in place during validation, so a refused
 * string is a 400 VALIDATION_FAILED naming the field (never a 500 from the database) and a
 * service only ever sees NFC-normalised, trimmed text.
 */
import { checkText, TEXT_KEYWORD, type TextKind } from "@stepfault/contract";

interface DataContext {
  readonly parentData: Record<string | number, unknown>;
  readonly parentDataProperty: string | number;
}

interface KeywordValidate {
  (
    kind: TextKind,
    data: unknown,
    parentSchema: { minLength?: number; maxLength?: number },
    cxt?: DataContext,
  ): boolean;
  errors?: { keyword: string; message: string; params: object }[];
}

/** The subset of Ajv the plugin uses. */
interface AjvLike {
  addKeyword(definition: object): unknown;
}

/** Adds the `x-stepfault-text` keyword to an Ajv instance (Fastify's `ajv.plugins`). */
export function textPolicyPlugin(ajv: AjvLike): AjvLike {
  const validate: KeywordValidate = (kind, data, parentSchema, cxt) => {
    if (typeof data !== "string") return true;
    const result = checkText(data, kind, parentSchema);
    if (!result.ok) {
      validate.errors = [
        { keyword: TEXT_KEYWORD, message: result.message, params: { kind } },
      ];
      return false;
    }
    if (result.value !== data && cxt !== undefined)
      cxt.parentData[cxt.parentDataProperty] = result.value;
    return true;
  };
  ajv.addKeyword({
    keyword: TEXT_KEYWORD,
    type: "string",
    schemaType: "string",
    modifying: true,
    errors: true,
    validate,
  });
  return ajv;
}
