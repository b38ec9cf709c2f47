/**
 * The contract's string policy at the edge, on every write route: the OpenAPI document is walked,
 * each request-body string field of each POST/PUT/PATCH route gets a NUL, a terminal escape and (for
 * names) a right-to-left override in an otherwise valid body, and each answers 400
 * VALIDATION_FAILED naming the field (before: 500 from PostgreSQL). Accepted names come back
 * NFC-normalised and trimmed; sources and chat keep their newlines and tabs. Both engines.
 */
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { TEXT_KEYWORD } from "@stepfault/contract";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  uniqueEmail,
} from "./helpers/test-app.ts";

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  minItems?: number;
  $ref?: string;
  [TEXT_KEYWORD]?: string;
};

/** A value that satisfies `s` (enough of JSON Schema for this API's request bodies). */
function sample(s: Schema): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.anyOf ?? s.oneOf) return sample((s.anyOf ?? s.oneOf)![0]);
  switch (s.type) {
    case "object":
      return Object.fromEntries(
        (s.required ?? []).map((k) => [k, sample(s.properties![k])]),
      );
    case "array":
      return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items!));
    case "integer":
    case "number":
      return s.minimum ?? 1;
    case "boolean":
      return true;
    case "string":
      if (s.format === "email") return uniqueEmail("policy");
      if (s.format === "uuid") return randomUUID();
      if (s.pattern?.startsWith("^[Hh][Tt]")) return "https://example.test/h";
      if (s.pattern?.startsWith("^[A-Za-z0-9]")) return "policy-user";
      return "x".repeat(Math.max(s.minLength ?? 1, 16));
  }
  throw new Error(`invariant: cannot sample ${JSON.stringify(s)}`);
}

/** The object branches of a body schema (a union of objects, or the object itself). */
const branches = (s: Schema): Schema[] =>
  (s.anyOf ?? s.oneOf ?? [s]).filter((b) => b.type === "object");

const BAD = {
  nul: "a\u0000b",
  escape: "x\u001b[31m\u0007y",
  override: "x\u202ey",
} as const;

describeOnEngines("string policy on every write route", (ctx) => {
  it("refuses NUL, control characters and bidi overrides in every body string field with 400 naming the field", async () => {
    const user = await signUp(ctx.app, "policy");
    const doc = (
      await ctx.app.inject({ method: "GET", url: "/api/openapi.json" })
    ).json() as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: {
              content: Record<string, { schema: Schema }>;
            };
          }
        >
      >;
    };
    let routes = 0;
    let fields = 0;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        if (!["post", "put", "patch"].includes(method)) continue;
        const schema = op.requestBody?.content["application/json"]?.schema;
        if (!schema) continue;
        routes++;
        const url = path
          .replace(/\{revision\}/g, "1")
          .replace(/\{[^}]+\}/g, () => randomUUID());
        for (const branch of branches(schema)) {
          const valid = sample(branch) as Record<string, unknown>;
          for (const [field, fs] of Object.entries(branch.properties ?? {})) {
            // uuids and literals accept nothing but their own shape
            if (
              fs.type !== "string" ||
              fs.format === "uuid" ||
              fs.const !== undefined ||
              fs.enum !== undefined
            )
              continue;
            fields++;
            const kind = fs[TEXT_KEYWORD];
            expect(
              kind,
              `${method} ${path} ${field} has a text kind`,
            ).toBeDefined();
            const cases =
              kind === "secret"
                ? [BAD.nul]
                : kind === "name"
                  ? [BAD.nul, BAD.escape, BAD.override]
                  : [BAD.nul, BAD.escape];
            for (const bad of cases) {
              const res = await ctx.app.inject({
                method: method.toUpperCase() as "POST",
                url,
                headers: bearer(user.accessToken),
                payload: { ...valid, [field]: bad },
              });
              const label = `${method} ${path} ${field}=${JSON.stringify(bad)}`;
              expect(res.statusCode, `${label}: ${res.body}`).toBe(400);
              const body = res.json() as {
                code: string;
                errors?: { path: string }[];
              };
              expect(body.code, label).toBe("VALIDATION_FAILED");
              expect(
                body.errors?.some((e) => e.path.endsWith(`/${field}`)),
                `${label}: ${res.body}`,
              ).toBe(true);
            }
          }
        }
      }
    // register, me, api keys, password, projects, members, circuits, jobs, webhooks, assistant
    expect(routes).toBeGreaterThanOrEqual(15);
    expect(fields).toBeGreaterThanOrEqual(25);
  });

  it("stores names NFC-normalised and trimmed, and keeps newlines and tabs in sources", async () => {
    const user = await signUp(ctx.app, "policy");
    const decomposed = "  Cafe\u0301  Bell  ";
    const project = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: bearer(user.accessToken),
      payload: { name: decomposed },
    });
    expect(project.statusCode, project.body).toBe(201);
    const { id, name } = project.json() as { id: string; name: string };
    expect(name).toBe("Caf\u00e9  Bell");
    const source =
      'OPENQASM 2.0;\r\ninclude "qelib1.inc";\n\tqreg q[1];\ncreg c[1];\nmeasure q -> c;\n';
    const circuit = await ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${id}/circuits`,
      headers: bearer(user.accessToken),
      payload: { name: "tabbed", source },
    });
    expect(circuit.statusCode, circuit.body).toBe(201);
    expect((circuit.json() as { source: string }).source).toBe(source);
    const blank = await ctx.app.inject({
      method: "PATCH",
      url: `/api/v1/projects/${id}`,
      headers: bearer(user.accessToken),
      payload: { name: " \u3000 " },
    });
    const problem = expectProblem(blank, 400, "VALIDATION_FAILED");
    expect(String(problem.detail)).toContain("name");
  });
});
