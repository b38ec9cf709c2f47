import {
  createHash,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";
import { hash, verify, type Algorithm } from "@node-rs/argon2";

// OWASP minimum for argon2id: m=19 MiB, t=2, p=1.
const ARGON2 = {
  algorithm: 2 as Algorithm, // Algorithm.Argon2id (a const enum)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/** Hashes a password with argon2id (PHC string). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** Verifies a password against an argon2 PHC string; false on mismatch or malformed hash. */
export async function verifyPassword(
  phc: string,
  password: string,
): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** A random URL-safe secret of `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** sha256 hex digest: how high-entropy secrets (refresh tokens, API keys, reset tokens) are stored. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Claims of a StepFault access token. */
export interface AccessClaims {
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
}

const HEADER = Buffer.from(
  JSON.stringify({ alg: "HS256", typ: "JWT" }),
).toString("base64url");

/** Signs an HS256 JWT access token for `sub`, valid `ttlSeconds`. */
export function signAccessToken(
  secret: string,
  sub: string,
  ttlSeconds: number,
  now = Date.now(),
): string {
  const iat = Math.floor(now / 1000);
  const payload = Buffer.from(
    JSON.stringify({ sub, iat, exp: iat + ttlSeconds, typ: "access" }),
  ).toString("base64url");
  const sig = createHmac("sha256", secret)
    .update(`${HEADER}.${payload}`)
    .digest("base64url");
  return `${HEADER}.${payload}.${sig}`;
}

/** Verifies an HS256 access token; undefined when malformed, badly signed or expired. */
export function verifyAccessToken(
  secret: string,
  token: string,
  now = Date.now(),
): AccessClaims | undefined {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
  const expected = createHmac("sha256", secret)
    .update(`${parts[0]}.${parts[1]}`)
    .digest();
  const given = Buffer.from(parts[2], "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return undefined;
  try {
    const claims = JSON.parse(
      Buffer.from(parts[1], "base64url").toString("utf8"),
    ) as Partial<AccessClaims> & {
      typ?: string;
    };
    if (
      claims.typ !== "access" ||
      typeof claims.sub !== "string" ||
      typeof claims.exp !== "number"
    )
      return undefined;
    if (claims.exp * 1000 <= now) return undefined;
    return { sub: claims.sub, iat: claims.iat ?? 0, exp: claims.exp };
  } catch {
    return undefined;
  }
}
