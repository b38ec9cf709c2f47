import { DomainError } from "../../errors/domain-error.ts";
import type {
  ProjectRole,
  ProjectRow,
  ProjectsRepository,
} from "../../repositories/projects.repository.ts";
import type { AuthUser } from "./auth.service.ts";

const RANK: Record<ProjectRole, number> = { viewer: 1, editor: 2, owner: 3 };

/**
 * Throws FORBIDDEN unless `role` is at least `minRole`. For callers that read the role together
 * with their data (one query); `requireProject` is the usual entry.
 */
export function requireRole(role: ProjectRole, minRole: ProjectRole): void {
  if (RANK[role] < RANK[minRole]) {
    throw new DomainError(
      "FORBIDDEN",
      `this needs the ${minRole} role; you are ${role}`,
    );
  }
}

/** Creates the access service: the one place that decides who may do what in a project. */
export function createAccessService(deps: { projects: ProjectsRepository }) {
  return {
    /**
     * Returns the project and the caller's role when the caller has at least `minRole`.
     * Non-members get PROJECT_NOT_FOUND (404, no existence leak); members with a lower role get FORBIDDEN.
     */
    async requireProject(
      caller: AuthUser,
      projectId: string,
      minRole: ProjectRole,
    ): Promise<{ project: ProjectRow; role: ProjectRole }> {
      const found = await deps.projects.findWithRole(projectId, caller.id);
      if (found === undefined) throw new DomainError("PROJECT_NOT_FOUND");
      requireRole(found.role, minRole);
      return found;
    },
  };
}

/** The access service. */
export type AccessService = ReturnType<typeof createAccessService>;
