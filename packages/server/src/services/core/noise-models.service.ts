import type {
  NoiseModel,
  NoiseModelSpec,
  NoiseModelSummary,
} from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type {
  NoiseModelRow,
  NoiseModelsRepository,
} from "../../repositories/noise-models.repository.ts";
import { readNoiseModel } from "../quantum/noise-request.ts";
import type { AccessService } from "./access.service.ts";
import type { AuthUser } from "./auth.service.ts";
import { decodeCursor, encodeCursor } from "./circuits.service.ts";

function summaryView(r: Omit<NoiseModelRow, "model">): NoiseModelSummary {
  return {
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function view(r: NoiseModelRow): NoiseModel {
  return { ...summaryView(r), model: r.model as NoiseModelSpec };
}

/** Creates the noise-models service: saved noise models of a project, checked on every save. */
export function createNoiseModelsService(deps: {
  noiseModels: NoiseModelsRepository;
  access: AccessService;
}) {
  const { noiseModels, access } = deps;

  async function load(
    caller: AuthUser,
    projectId: string,
    id: string,
    minRole: "viewer" | "editor",
  ): Promise<NoiseModelRow> {
    await access.requireProject(caller, projectId, minRole);
    const row = await noiseModels.findById(projectId, id);
    if (row === undefined) throw new DomainError("NOISE_MODEL_NOT_FOUND");
    return row;
  }

  return {
    /** Saves a model (editor); 422 NOISE_MODEL_INVALID with the JSON path (`model/gateNoise/0/...`). */
    async create(
      caller: AuthUser,
      projectId: string,
      input: { name: string; model: NoiseModelSpec },
    ): Promise<NoiseModel> {
      await access.requireProject(caller, projectId, "editor");
      readNoiseModel(input.model, "model");
      const row = await noiseModels.create({
        projectId,
        name: input.name.trim(),
        model: input.model,
        createdBy: caller.id,
      });
      if (row === undefined) throw new DomainError("NOISE_MODEL_NAME_TAKEN");
      return view(row);
    },

    /** A page of models by name (viewer), optionally searching names; items carry no model. */
    async list(
      caller: AuthUser,
      projectId: string,
      opts: { limit: number; cursor?: string; q?: string },
    ): Promise<{ items: NoiseModelSummary[]; nextCursor: string | null }> {
      await access.requireProject(caller, projectId, "viewer");
      const rows = await noiseModels.listPage(projectId, {
        limit: opts.limit + 1,
        afterName:
          opts.cursor === undefined ? undefined : decodeCursor(opts.cursor),
        search: opts.q,
      });
      const page = rows.slice(0, opts.limit);
      return {
        items: page.map(summaryView),
        nextCursor:
          rows.length > opts.limit
            ? encodeCursor(page[page.length - 1].name)
            : null,
      };
    },

    /** One model (viewer). */
    async get(
      caller: AuthUser,
      projectId: string,
      id: string,
    ): Promise<NoiseModel> {
      return view(await load(caller, projectId, id, "viewer"));
    },

    /** The row of a model for a job of the project (the caller's access is checked by the job). */
    async findForJob(
      projectId: string,
      id: string,
    ): Promise<NoiseModelRow | undefined> {
      return noiseModels.findById(projectId, id);
    },

    /** Renames and/or replaces a model (editor). */
    async update(
      caller: AuthUser,
      projectId: string,
      id: string,
      patch: { name?: string; model?: NoiseModelSpec },
    ): Promise<NoiseModel> {
      const current = await load(caller, projectId, id, "editor");
      if (patch.model !== undefined) readNoiseModel(patch.model, "model");
      const row = await noiseModels.update(current.id, {
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.model !== undefined ? { model: patch.model } : {}),
      });
      if (row === undefined) throw new DomainError("NOISE_MODEL_NAME_TAKEN");
      return view(row);
    },

    /** Deletes a model (editor); jobs that used it keep their copy. */
    async delete(caller: AuthUser, projectId: string, id: string) {
      const current = await load(caller, projectId, id, "editor");
      await noiseModels.delete(current.id);
    },
  };
}

/** The noise-models service. */
export type NoiseModelsService = ReturnType<typeof createNoiseModelsService>;
