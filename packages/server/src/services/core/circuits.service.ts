import { qasmVersion, type CompileResult } from "@stepfault/quantum";
import type { Circuit, CircuitSummary, Diagnostic } from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type {
  CircuitLanguage,
  CircuitRow,
  CircuitsRepository,
} from "../../repositories/circuits.repository.ts";
import { requireRole, type AccessService } from "./access.service.ts";
import type { AuthUser } from "./auth.service.ts";

/** Compiles OpenQASM source (the `compileQasm` of @stepfault/quantum). */
export type CircuitCompiler = (
  source: string,
  options: { fileName: string },
) => CompileResult;

/** A circuit as the API shows it. */
export type CircuitView = Circuit;

/** A circuit in a list: the view without its source. */
export type CircuitSummaryView = CircuitSummary;

/** A compiler diagnostic in API form (1-based line and column). */
export type DiagnosticView = Diagnostic;

/** Compiler diagnostics in API form (1-based line and column). */
export function diagnosticsView(
  result: Extract<CompileResult, { ok: false }>,
): DiagnosticView[] {
  return result.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    line: d.span.line,
    column: d.span.col,
    endLine: d.span.endLine,
    endColumn: d.span.endCol,
    ...(d.file !== undefined ? { file: d.file } : {}),
  }));
}

function toView(c: CircuitRow): CircuitView {
  return {
    id: c.id,
    projectId: c.projectId,
    name: c.name,
    language: c.language,
    source: c.source,
    revision: c.revision,
    numQubits: c.numQubits,
    numClbits: c.numClbits,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** The language the compiler reads `source` as (its `OPENQASM` line, else the missing-line rule). */
export function detectLanguage(source: string): CircuitLanguage {
  return qasmVersion(source) === "2.0" ? "openqasm2" : "openqasm3";
}

/** The opaque cursor of a page of items ordered by name: the last name on the page. */
export function encodeCursor(name: string): string {
  return Buffer.from(JSON.stringify({ n: name }), "utf8").toString("base64url");
}

/** The name in a cursor of `encodeCursor`; 400 BAD_REQUEST when it is not one. */
export function decodeCursor(cursor: string): string {
  try {
    const v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
      n?: unknown;
    };
    if (typeof v.n === "string") return v.n;
  } catch {
    // fall through
  }
  throw new DomainError("BAD_REQUEST", "invalid cursor");
}

/** Creates the circuits service: every save is compiled and stored as a new revision. */
export function createCircuitsService(deps: {
  circuits: CircuitsRepository;
  access: AccessService;
  compile: CircuitCompiler | undefined;
}) {
  const { circuits, access } = deps;

  function validate(
    name: string,
    source: string,
    language: CircuitLanguage | undefined,
  ) {
    const lang = language ?? detectLanguage(source);
    if (deps.compile === undefined)
      return { language: lang, numQubits: 0, numClbits: 0 };
    const result = deps.compile(source, { fileName: name });
    if (!result.ok) {
      const diagnostics = diagnosticsView(result);
      const first =
        diagnostics.find((d) => d.severity === "error") ?? diagnostics[0];
      throw new DomainError(
        "CIRCUIT_INVALID",
        first
          ? `${name}:${first.line}:${first.column}: ${first.message}`
          : "circuit does not compile",
        { diagnostics },
      );
    }
    const v = result.circuit.sourceVersion;
    return {
      language:
        language ??
        (v === "2.0" ? "openqasm2" : v === "3.0" ? "openqasm3" : lang),
      numQubits: result.circuit.numQubits,
      numClbits: result.circuit.numClbits,
    };
  }

  async function load(
    caller: AuthUser,
    projectId: string,
    circuitId: string,
    minRole: "viewer" | "editor",
  ) {
    await access.requireProject(caller, projectId, minRole);
    const row = await circuits.findById(projectId, circuitId);
    if (row === undefined) throw new DomainError("CIRCUIT_NOT_FOUND");
    return row;
  }

  return {
    /** Creates a circuit (editor); 422 with diagnostics when the source does not compile. */
    async create(
      caller: AuthUser,
      projectId: string,
      input: { name: string; source: string; language?: CircuitLanguage },
    ): Promise<CircuitView> {
      await access.requireProject(caller, projectId, "editor");
      const name = input.name.trim();
      const checked = validate(name, input.source, input.language);
      const row = await circuits.create({
        projectId,
        name,
        source: input.source,
        createdBy: caller.id,
        ...checked,
      });
      if (row === undefined) throw new DomainError("CIRCUIT_NAME_TAKEN");
      return toView(row);
    },

    /** A page of circuits by name (viewer), optionally searching names; items carry no source. */
    async list(
      caller: AuthUser,
      projectId: string,
      opts: { limit: number; cursor?: string; q?: string },
    ): Promise<{ items: CircuitSummaryView[]; nextCursor: string | null }> {
      const afterName =
        opts.cursor === undefined ? undefined : decodeCursor(opts.cursor);
      // Access check and page in one query (the list is the busiest read).
      const found = await circuits.listPageForMember(projectId, caller.id, {
        limit: opts.limit + 1,
        afterName,
        search: opts.q,
      });
      if (found === undefined) throw new DomainError("PROJECT_NOT_FOUND");
      requireRole(found.role, "viewer");
      const { rows } = found;
      const page = rows.slice(0, opts.limit);
      return {
        items: page,
        nextCursor:
          rows.length > opts.limit
            ? encodeCursor(page[page.length - 1].name)
            : null,
      };
    },

    /** One circuit (viewer). */
    async get(
      caller: AuthUser,
      projectId: string,
      circuitId: string,
    ): Promise<CircuitView> {
      return toView(await load(caller, projectId, circuitId, "viewer"));
    },

    /** Renames and/or saves new source (editor); a source change is validated and becomes a new revision. */
    async update(
      caller: AuthUser,
      projectId: string,
      circuitId: string,
      patch: { name?: string; source?: string; language?: CircuitLanguage },
    ): Promise<CircuitView> {
      const current = await load(caller, projectId, circuitId, "editor");
      const name = patch.name?.trim() ?? current.name;
      let changes: Parameters<CircuitsRepository["update"]>[1] = { name };
      if (patch.source !== undefined || patch.language !== undefined) {
        const source = patch.source ?? current.source;
        changes = {
          ...changes,
          source,
          ...validate(name, source, patch.language),
        };
      }
      const row = await circuits.update(current, changes, caller.id);
      if (row === undefined) throw new DomainError("CIRCUIT_NAME_TAKEN");
      return toView(row);
    },

    /** Deletes a circuit and its revisions (editor). */
    async delete(
      caller: AuthUser,
      projectId: string,
      circuitId: string,
    ): Promise<void> {
      const current = await load(caller, projectId, circuitId, "editor");
      await circuits.delete(current.id);
    },

    /** The revisions of a circuit, newest first (viewer). */
    async listRevisions(
      caller: AuthUser,
      projectId: string,
      circuitId: string,
    ) {
      const current = await load(caller, projectId, circuitId, "viewer");
      return (await circuits.listRevisions(current.id)).map((r) => ({
        ...r,
        createdAt: r.createdAt.toISOString(),
      }));
    },

    /** One revision with its source (viewer). */
    async getRevision(
      caller: AuthUser,
      projectId: string,
      circuitId: string,
      revision: number,
    ) {
      const current = await load(caller, projectId, circuitId, "viewer");
      const row = await circuits.findRevision(current.id, revision);
      if (row === undefined) throw new DomainError("REVISION_NOT_FOUND");
      return {
        revision: row.revision,
        language: row.language,
        source: row.source,
        createdBy: row.createdBy,
        createdAt: row.createdAt.toISOString(),
      };
    },
  };
}

/** The circuits service. */
export type CircuitsService = ReturnType<typeof createCircuitsService>;
