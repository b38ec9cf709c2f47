/** Edit proposals of the assistant: accepting one saves it as a new revision; rejecting saves nothing. */
import type { Proposal } from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type { ConversationsRepository } from "../../repositories/conversations.repository.ts";
import type { AccessService } from "../core/access.service.ts";
import type { AuthUser } from "../core/auth.service.ts";
import type { CircuitsService } from "../core/circuits.service.ts";
import { proposalView } from "./conversation-views.ts";

/** Creates the proposal actions; the conversation passed is one the caller owns. */
export function createProposals(deps: {
  access: AccessService;
  circuits: CircuitsService;
  conversations: ConversationsRepository;
}) {
  const { access, circuits, conversations } = deps;
  return {
    /** Accepts a pending proposal: saves its source as a new revision through the circuits service (editor). */
    async accept(
      caller: AuthUser,
      projectId: string,
      conversationId: string,
      proposalId: string,
    ): Promise<Proposal> {
      const p = await conversations.findProposal(conversationId, proposalId);
      if (p === undefined) throw new DomainError("PROPOSAL_NOT_FOUND");
      if (p.status !== "pending") throw new DomainError("PROPOSAL_RESOLVED");
      // Editor access first, so a viewer's click changes nothing; then claim it, so a double
      // click cannot save two revisions.
      await access.requireProject(caller, projectId, "editor");
      // The proposal rewrites the whole source of the revision it was made from: applied to a
      // later revision it would silently undo the edits made since.
      const current = await circuits.get(caller, projectId, p.circuitId);
      if (current.revision !== p.baseRevision)
        throw new DomainError(
          "PROPOSAL_STALE",
          `the circuit is at revision ${current.revision}; the edit was proposed for revision ${p.baseRevision}`,
          { baseRevision: p.baseRevision, revision: current.revision },
        );
      const claimed = await conversations.resolveProposal(
        p.id,
        "accepted",
        null,
      );
      if (claimed === undefined) throw new DomainError("PROPOSAL_RESOLVED");
      try {
        const saved = await circuits.update(caller, projectId, p.circuitId, {
          source: p.source,
        });
        return proposalView(
          await conversations.setResultRevision(p.id, saved.revision),
        );
      } catch (err) {
        await conversations.reopenProposal(p.id);
        throw err;
      }
    },

    /** Rejects a pending proposal; nothing is saved. */
    async reject(
      conversationId: string,
      proposalId: string,
    ): Promise<Proposal> {
      const p = await conversations.findProposal(conversationId, proposalId);
      if (p === undefined) throw new DomainError("PROPOSAL_NOT_FOUND");
      const row = await conversations.resolveProposal(p.id, "rejected", null);
      if (row === undefined) throw new DomainError("PROPOSAL_RESOLVED");
      return proposalView(row);
    },
  };
}
