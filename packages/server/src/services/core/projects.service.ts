import type { AddMemberBody, Member, Project } from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type {
  ProjectRole,
  ProjectRow,
  ProjectsRepository,
} from "../../repositories/projects.repository.ts";
import type { UsersRepository } from "../../repositories/users.repository.ts";
import type { AccessService } from "./access.service.ts";
import type { AuthUser } from "./auth.service.ts";

/** A project as the API shows it, with the caller's role. */
export type ProjectView = Project;

/** A project member as the API shows it. */
export type MemberView = Member;

function toView(p: ProjectRow, role: ProjectRole): ProjectView {
  return {
    id: p.id,
    name: p.name,
    role,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** Who to add to a project: an account's email or its username (the member body without the role). */
export type MemberRef = WithoutRole<AddMemberBody>;
type WithoutRole<B> = B extends unknown ? Omit<B, "role"> : never;

/** Creates the projects service (projects and members). */
export function createProjectsService(deps: {
  projects: ProjectsRepository;
  users: UsersRepository;
  access: AccessService;
  /**
   * Runs before a project is deleted and returns what to do once it is gone (e.g. delete the
   * stored result files of its jobs, whose rows the delete cascades away).
   */
  beforeDelete?: (projectId: string) => Promise<() => Promise<void>>;
}) {
  const { projects, access } = deps;

  async function members(projectId: string): Promise<MemberView[]> {
    return (await projects.listMembers(projectId)).map((m) => ({
      ...m,
      createdAt: m.createdAt.toISOString(),
    }));
  }

  async function guardLastOwner(
    projectId: string,
    userId: string,
  ): Promise<void> {
    const role = await projects.memberRole(projectId, userId);
    if (role === undefined)
      throw new DomainError("USER_NOT_FOUND", "not a member of this project");
    if (role === "owner" && (await projects.ownerCount(projectId)) <= 1)
      throw new DomainError("LAST_OWNER");
  }

  return {
    /** Creates a project owned by the caller. */
    async create(caller: AuthUser, name: string): Promise<ProjectView> {
      return toView(await projects.create(name.trim(), caller.id), "owner");
    },

    /** The caller's projects. */
    async listMine(caller: AuthUser): Promise<ProjectView[]> {
      return (await projects.listForUser(caller.id)).map((r) =>
        toView(r.project, r.role),
      );
    },

    /** One project (any member). */
    async get(caller: AuthUser, projectId: string): Promise<ProjectView> {
      const { project, role } = await access.requireProject(
        caller,
        projectId,
        "viewer",
      );
      return toView(project, role);
    },

    /** Renames a project (owner). */
    async rename(
      caller: AuthUser,
      projectId: string,
      name: string,
    ): Promise<ProjectView> {
      const { role } = await access.requireProject(caller, projectId, "owner");
      return toView(await projects.rename(projectId, name.trim()), role);
    },

    /** Deletes a project with its circuits (owner). */
    async delete(caller: AuthUser, projectId: string): Promise<void> {
      await access.requireProject(caller, projectId, "owner");
      const afterDelete = await deps.beforeDelete?.(projectId);
      await projects.delete(projectId);
      await afterDelete?.();
    },

    /** Members of a project (any member). */
    async listMembers(
      caller: AuthUser,
      projectId: string,
    ): Promise<MemberView[]> {
      await access.requireProject(caller, projectId, "viewer");
      return members(projectId);
    },

    /**
     * Adds an existing account by email or username (owner). An unknown account gives the same
     * USER_NOT_FOUND problem whichever form was used.
     */
    async addMember(
      caller: AuthUser,
      projectId: string,
      ref: MemberRef,
      role: ProjectRole,
    ): Promise<MemberView> {
      await access.requireProject(caller, projectId, "owner");
      const user =
        "email" in ref
          ? await deps.users.findByEmail(ref.email.trim().toLowerCase())
          : await deps.users.findByUsername(ref.username.trim().toLowerCase());
      if (user === undefined)
        throw new DomainError(
          "USER_NOT_FOUND",
          "no account with this email or username",
        );
      if (!(await projects.addMember(projectId, user.id, role)))
        throw new DomainError("ALREADY_MEMBER");
      const added = (await members(projectId)).find(
        (m) => m.userId === user.id,
      );
      if (added === undefined)
        throw new Error("invariant: member just added is missing");
      return added;
    },

    /** Changes a member's role (owner); the last owner cannot be demoted. */
    async setMemberRole(
      caller: AuthUser,
      projectId: string,
      userId: string,
      role: ProjectRole,
    ): Promise<MemberView> {
      await access.requireProject(caller, projectId, "owner");
      if (role !== "owner") await guardLastOwner(projectId, userId);
      else if ((await projects.memberRole(projectId, userId)) === undefined) {
        throw new DomainError("USER_NOT_FOUND", "not a member of this project");
      }
      await projects.setRole(projectId, userId, role);
      const updated = (await members(projectId)).find(
        (m) => m.userId === userId,
      );
      if (updated === undefined)
        throw new Error("invariant: member just updated is missing");
      return updated;
    },

    /** Removes a member (owner); the last owner cannot be removed. */
    async removeMember(
      caller: AuthUser,
      projectId: string,
      userId: string,
    ): Promise<void> {
      await access.requireProject(caller, projectId, "owner");
      await guardLastOwner(projectId, userId);
      await projects.removeMember(projectId, userId);
    },
  };
}

/** The projects service. */
export type ProjectsService = ReturnType<typeof createProjectsService>;
