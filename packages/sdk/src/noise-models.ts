/** Saved noise models of a project: list, create, get, update (rename or replace), delete. */
import type {
  CreateNoiseModelBody,
  NoiseModel,
  NoiseModelPage,
  UpdateNoiseModelBody,
} from "./types.ts";

/** What the noise-model methods need from the client. */
export interface NoiseModelsTransport {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** Creates the `noiseModels` methods of a client. */
export function createNoiseModelsApi(t: NoiseModelsTransport) {
  const base = (projectId: string) => `/projects/${projectId}/noise-models`;
  return {
    /** Saves a model (editor); an invalid one throws `StepFaultApiError` 422 `NOISE_MODEL_INVALID` (`field` is its JSON path). */
    create: (projectId: string, body: CreateNoiseModelBody) =>
      t.request<NoiseModel>("POST", base(projectId), body),
    /** A page of the project's models by name (without the documents); `q` searches names. */
    list: (
      projectId: string,
      query: { limit?: number; cursor?: string; q?: string } = {},
    ) => {
      const s = new URLSearchParams();
      for (const [k, v] of Object.entries(query))
        if (v !== undefined) s.set(k, String(v));
      const qs = s.toString();
      return t.request<NoiseModelPage>(
        "GET",
        base(projectId) + (qs ? `?${qs}` : ""),
      );
    },
    /** One model with its document. */
    get: (projectId: string, noiseModelId: string) =>
      t.request<NoiseModel>("GET", `${base(projectId)}/${noiseModelId}`),
    /** Renames a model and/or replaces its document (editor). */
    update: (
      projectId: string,
      noiseModelId: string,
      body: UpdateNoiseModelBody,
    ) =>
      t.request<NoiseModel>(
        "PATCH",
        `${base(projectId)}/${noiseModelId}`,
        body,
      ),
    /** Deletes a model (editor); jobs that used it keep their copy. */
    delete: (projectId: string, noiseModelId: string) =>
      t.request<void>("DELETE", `${base(projectId)}/${noiseModelId}`),
  };
}
