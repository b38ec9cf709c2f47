import type { ApiKey } from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type {
  ApiKeyRow,
  TokensRepository,
} from "../../repositories/tokens.repository.ts";
import type { AuthUser } from "./auth.service.ts";
import { randomToken, sha256 } from "./crypto.ts";

/** A public view of an API key (never the key itself). */
export type ApiKeyView = ApiKey;

function toView(k: ApiKeyRow): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}

/** Creates the API-keys service: keys are `sf_` + 32 random bytes, shown once and stored as sha256. */
export function createApiKeysService(deps: { tokens: TokensRepository }) {
  return {
    /** Creates a key; the returned `key` is the only time the secret is shown. */
    async create(
      caller: AuthUser,
      name: string,
    ): Promise<ApiKeyView & { key: string }> {
      const key = `sf_${randomToken()}`;
      const row = await deps.tokens.insertApiKey({
        userId: caller.id,
        name: name.trim(),
        prefix: key.slice(0, 10),
        keyHash: sha256(key),
      });
      return { ...toView(row), key };
    },

    /** The caller's live keys. */
    async list(caller: AuthUser): Promise<ApiKeyView[]> {
      return (await deps.tokens.listApiKeys(caller.id)).map(toView);
    },

    /** Revokes one of the caller's keys (404 for anyone else's). */
    async revoke(caller: AuthUser, id: string): Promise<void> {
      if (!(await deps.tokens.revokeApiKey(caller.id, id)))
        throw new DomainError("API_KEY_NOT_FOUND");
    },
  };
}

/** The API-keys service. */
export type ApiKeysService = ReturnType<typeof createApiKeysService>;
