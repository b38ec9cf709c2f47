import type {
  Invitation,
  InvitationPreview,
  Project,
} from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type {
  InvitationRow,
  InvitationsRepository,
} from "../../repositories/invitations.repository.ts";
import type {
  ProjectRole,
  ProjectsRepository,
} from "../../repositories/projects.repository.ts";
import type { AccessService } from "./access.service.ts";
import type { AuthUser } from "./auth.service.ts";
import { randomToken, sha256 } from "./crypto.ts";
import type { Mailer } from "./mail.service.ts";

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

function toView(inv: InvitationRow, invitedBy: string | null): Invitation {
  return {
    id: inv.id,
    projectId: inv.projectId,
    email: inv.email,
    role: inv.role,
    invitedBy,
    createdAt: inv.createdAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(),
  };
}

/** The 410 problem of a link that no longer works, or undefined while it is pending. */
function closedReason(inv: InvitationRow, now = Date.now()) {
  if (inv.acceptedAt !== null) return "INVITATION_USED" as const;
  if (inv.revokedAt !== null) return "INVITATION_REVOKED" as const;
  if (inv.expiresAt.getTime() <= now) return "INVITATION_EXPIRED" as const;
  return undefined;
}

/**
 * Creates the invitations service: project owners invite an email address with a role (a mail
 * carries a one-time link, valid for a week), list and revoke pending invitations; whoever opens
 * the link and signs in or signs up with it becomes a member with that role. The link is the
 * credential (like a password-reset link): the account that accepts it need not use the invited
 * address.
 */
export function createInvitationsService(deps: {
  invitations: InvitationsRepository;
  projects: ProjectsRepository;
  access: AccessService;
  mailer: Mailer;
  publicUrl: string;
}) {
  const { invitations, access } = deps;

  async function byToken(token: string) {
    const found = await invitations.findByTokenHash(sha256(token));
    if (found === undefined) throw new DomainError("INVITATION_NOT_FOUND");
    const closed = closedReason(found.invitation);
    if (closed !== undefined) throw new DomainError(closed);
    return found;
  }

  return {
    /** Invites `email` with `role` (owner) and mails the link. */
    async invite(
      caller: AuthUser,
      projectId: string,
      input: { email: string; role: ProjectRole },
    ): Promise<Invitation> {
      const { project } = await access.requireProject(
        caller,
        projectId,
        "owner",
      );
      const email = input.email.trim().toLowerCase();
      const members = await deps.projects.listMembers(projectId);
      if (members.some((m) => m.email === email))
        throw new DomainError(
          "ALREADY_MEMBER",
          `${email} is already a member of this project`,
        );
      const token = randomToken();
      const row = await invitations.create({
        projectId,
        email,
        role: input.role,
        tokenHash: sha256(token),
        invitedBy: caller.id,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      });
      if (row === undefined)
        throw new DomainError(
          "INVITATION_PENDING",
          `${email} already has a pending invitation; revoke it to send a new one`,
        );
      try {
        await deps.mailer.send({
          to: email,
          subject: `${caller.displayName} invited you to "${project.name}" on StepFault`,
          text:
            `${caller.displayName} (${caller.email}) invited you to the StepFault project ` +
            `“${project.name}” as ${input.role}.\n\n` +
            `Open this link to join; if you have no StepFault account yet, you can create one there:\n` +
            `${deps.publicUrl}/invite/${token}\n\n` +
            `The link works once, for seven days. If you did not expect this, ignore this mail.\n`,
        });
      } catch (err) {
        // A mail that never left must not leave a pending invitation nobody can accept.
        await invitations.revoke(projectId, row.id);
        throw err;
      }
      return toView(row, caller.displayName);
    },

    /** Pending invitations of a project (owner). */
    async list(caller: AuthUser, projectId: string): Promise<Invitation[]> {
      await access.requireProject(caller, projectId, "owner");
      return (await invitations.listPending(projectId)).map((r) =>
        toView(r.invitation, r.invitedBy),
      );
    },

    /** Revokes a pending invitation (owner); another project's id is not found. */
    async revoke(
      caller: AuthUser,
      projectId: string,
      invitationId: string,
    ): Promise<void> {
      await access.requireProject(caller, projectId, "owner");
      if (!(await invitations.revoke(projectId, invitationId)))
        throw new DomainError("INVITATION_NOT_FOUND");
    },

    /** What a pending invitation link offers (no sign-in needed: the token is the secret). */
    async preview(token: string): Promise<InvitationPreview> {
      const { invitation, invitedBy, projectName } = await byToken(token);
      return {
        projectName,
        email: invitation.email,
        role: invitation.role,
        invitedBy,
        expiresAt: invitation.expiresAt.toISOString(),
      };
    },

    /** Accepts an invitation for the caller: they become a member with its role (once). */
    async accept(caller: AuthUser, token: string): Promise<Project> {
      const { invitation } = await byToken(token);
      const projectId = await invitations.accept(invitation.id, caller.id);
      if (projectId === undefined) {
        // Taken, revoked or expired between the read and the update: say which.
        await byToken(token);
        throw new DomainError("INVITATION_USED");
      }
      const found = await deps.projects.findWithRole(projectId, caller.id);
      if (found === undefined)
        throw new Error("invariant: the accepted invitation made no member");
      return {
        id: found.project.id,
        name: found.project.name,
        role: found.role,
        createdAt: found.project.createdAt.toISOString(),
        updatedAt: found.project.updatedAt.toISOString(),
      };
    },
  };
}

/** The invitations service. */
export type InvitationsService = ReturnType<typeof createInvitationsService>;
