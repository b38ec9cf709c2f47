/**
 * What the assistant is told about where the caller is: the project's circuits, the open circuit
 * (saved or the editor's text, with its diagnostics) and the last job's outcome.
 */
import type { SendMessageBody } from "@stepfault/contract";
import type { AuthUser } from "../core/auth.service.ts";
import type {
  CircuitCompiler,
  CircuitsService,
} from "../core/circuits.service.ts";
import type { JobsService } from "../core/jobs.service.ts";
import { topCounts } from "./qasm-blocks.ts";
import type { PromptContext } from "./system-prompt.ts";
import { variationalLine } from "./variational-tools.ts";

/** The services the context is read from. */
export interface PromptContextDeps {
  readonly circuits: CircuitsService;
  readonly jobs: JobsService;
  readonly compile: CircuitCompiler;
}

/** Reads the prompt context of a message sent in `project`. */
export async function promptContext(
  deps: PromptContextDeps,
  caller: AuthUser,
  project: { id: string; name: string },
  input: SendMessageBody,
): Promise<PromptContext> {
  const list = await deps.circuits.list(caller, project.id, { limit: 100 });
  let openCircuit: PromptContext["openCircuit"];
  if (input.circuitId !== undefined || input.editorSource !== undefined) {
    const saved =
      input.circuitId !== undefined
        ? await deps.circuits.get(caller, project.id, input.circuitId)
        : undefined;
    const source = input.editorSource ?? saved?.source ?? "";
    const r = deps.compile(source, { fileName: saved?.name ?? "editor" });
    openCircuit = {
      id: saved?.id ?? null,
      name: saved?.name ?? "unsaved editor text",
      source,
      origin: input.editorSource !== undefined ? "editor" : "saved",
      diagnostics: r.ok
        ? []
        : r.diagnostics.map(
            (d) =>
              `${d.span.line}:${d.span.col}: ${d.severity} ${d.code}: ${d.message}`,
          ),
    };
  }
  const jobs = await deps.jobs.list(caller, project.id, {
    limit: 1,
    ...(input.circuitId !== undefined ? { circuitId: input.circuitId } : {}),
  });
  // List items carry a result summary only; the full job has the counts.
  const j = jobs.items[0] && (await deps.jobs.get(caller, jobs.items[0].id));
  return {
    projectId: project.id,
    projectName: project.name,
    circuits: list.items.map((c) => ({
      id: c.id,
      name: c.name,
      numQubits: c.numQubits,
    })),
    ...(openCircuit ? { openCircuit } : {}),
    ...(j
      ? {
          lastJob: {
            id: j.id,
            status: j.status,
            summary: j.result
              ? j.kind === "vqe" || j.kind === "qaoa"
                ? variationalLine(j)
                : `counts (top 8 of ${j.result.shots} shots): ${JSON.stringify(topCounts(j.result.counts, 8).counts)}`
              : j.error
                ? `error: ${JSON.stringify(j.error)}`
                : `${j.numQubits} qubits, ${j.shots} shots`,
          },
        }
      : {}),
  };
}
