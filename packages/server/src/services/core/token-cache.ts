import { verifyAccessToken, type AccessClaims } from "./crypto.ts";

/** Most verified access tokens remembered at once. */
export const VERIFIED_TOKEN_CACHE_MAX = 10_000;

/**
 * Verifies access tokens, remembering the ones whose signature checked out so the next request
 * with the same token skips the HMAC. The key is the whole token string, so only a byte-identical
 * token hits; expiry is checked on every call, and the signing secret never changes while the
 * process runs, so a hit answers exactly what `verifyAccessToken` would. Whether the user may
 * still sign in (disabled, deleted) is not cached here: the caller checks the user row each time.
 */
export function createAccessTokenVerifier(
  secret: string,
  max = VERIFIED_TOKEN_CACHE_MAX,
): (token: string, now?: number) => AccessClaims | undefined {
  const verified = new Map<string, AccessClaims>();
  return (token, now = Date.now()) => {
    let claims = verified.get(token);
    if (claims === undefined) {
      claims = verifyAccessToken(secret, token, now);
      if (claims === undefined) return undefined;
      // Oldest first: a Map iterates in insertion order.
      if (verified.size >= max)
        verified.delete(verified.keys().next().value as string);
      verified.set(token, claims);
    }
    if (claims.exp * 1000 <= now) {
      verified.delete(token);
      return undefined;
    }
    return claims;
  };
}
