import { randomUUID } from "node:crypto";
import type { Db } from "../../database/database.ts";
import type { TokenPair, User } from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type { TokensRepository } from "../../repositories/tokens.repository.ts";
import type {
  UserRow,
  UsersRepository,
} from "../../repositories/users.repository.ts";
import {
  hashPassword,
  randomToken,
  sha256,
  signAccessToken,
  verifyPassword,
} from "./crypto.ts";
import { createAccessTokenVerifier } from "./token-cache.ts";
import type { Mailer } from "./mail.service.ts";
import type { UserCache } from "./user-cache.ts";
import {
  firstFreeUsername,
  isReservedUsername,
  isUsernameFormat,
  usernameBaseFromEmail,
} from "./usernames.ts";

/** The authenticated caller as services see it. */
export interface AuthUser extends Readonly<
  Pick<User, "id" | "email" | "username" | "displayName" | "role">
> {
  /** How the caller authenticated. */
  readonly via: "token" | "api-key";
  /** The account row as read when authenticating. */
  readonly row: UserRow;
}

/** A public view of an account. */
export type UserView = User;

/** Converts a user row to its public view. */
export function toUserView(u: UserRow): UserView {
  return {
    id: u.id,
    email: u.email,
    username: u.username,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt.toISOString(),
  };
}

const MIN_PASSWORD = 8;
const RESET_TTL_MS = 60 * 60 * 1000;
// A fixed argon2id hash, verified against when the email is unknown so timing does not reveal accounts.
const DUMMY_HASH =
  "$argon2id$v=19$m=19456,t=2,p=1$/mbSsx4BjumGD03UUC0JBQ$DObWRVTg0asPKUD0CJzwi8UbLCQU/T30Dz74CoDnmpI";

/** Lower-cases a requested username and refuses a bad format (400) or a reserved name. */
function checkUsername(input: string): string {
  const name = input.trim().toLowerCase();
  if (!isUsernameFormat(name))
    throw new DomainError(
      "VALIDATION_FAILED",
      "a username has 3-39 letters, digits or single hyphens inside",
    );
  if (isReservedUsername(name)) throw new DomainError("USERNAME_RESERVED");
  return name;
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD) {
    throw new DomainError(
      "WEAK_PASSWORD",
      `password must be at least ${MIN_PASSWORD} characters`,
    );
  }
}

/** Creates the accounts/authentication service. */
export function createAuthService(deps: {
  db: Db;
  users: UsersRepository;
  tokens: TokensRepository;
  mailer: Mailer;
  userCache: UserCache;
  jwtSecret: string;
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  publicUrl: string;
}) {
  const { users, tokens } = deps;
  const verifyAccess = createAccessTokenVerifier(deps.jwtSecret);

  async function issue(
    userId: string,
    familyId: string,
    tx: Db = deps.db,
  ): Promise<TokenPair> {
    const refreshToken = `sfr_${randomToken()}`;
    await tokens.insertRefresh(
      {
        userId,
        familyId,
        tokenHash: sha256(refreshToken),
        expiresAt: new Date(Date.now() + deps.refreshTtlSeconds * 1000),
      },
      tx,
    );
    return {
      accessToken: signAccessToken(
        deps.jwtSecret,
        userId,
        deps.accessTtlSeconds,
      ),
      refreshToken,
      tokenType: "Bearer",
      expiresIn: deps.accessTtlSeconds,
    };
  }

  function toAuthUser(u: UserRow, via: AuthUser["via"]): AuthUser {
    return {
      id: u.id,
      email: u.email,
      username: u.username,
      displayName: u.displayName,
      role: u.role,
      via,
      row: u,
    };
  }

  return {
    /**
     * Registers an account; the first account on an empty server becomes admin. Without a
     * username one is derived from the email (with `-2`, `-3`, ... on a clash).
     */
    async register(input: {
      email: string;
      password: string;
      displayName?: string;
      username?: string;
    }): Promise<UserView> {
      const username =
        input.username === undefined
          ? undefined
          : checkUsername(input.username);
      checkPassword(input.password);
      const email = input.email.trim().toLowerCase();
      const base = usernameBaseFromEmail(email);
      const created = await users.create({
        email,
        displayName: input.displayName?.trim() || email.split("@")[0],
        passwordHash: await hashPassword(input.password),
        username:
          username !== undefined
            ? { exact: username }
            : { base, pick: (taken) => firstFreeUsername(base, taken) },
      });
      if (!created.ok)
        throw new DomainError(
          created.taken === "email" ? "EMAIL_TAKEN" : "USERNAME_TAKEN",
        );
      return toUserView(created.row);
    },

    /** Checks credentials and starts a new session (token family). */
    async login(input: {
      email: string;
      password: string;
    }): Promise<TokenPair> {
      const user = await users.findByEmail(input.email.trim().toLowerCase());
      const ok = await verifyPassword(
        user?.passwordHash ?? DUMMY_HASH,
        input.password,
      );
      if (user === undefined || !ok)
        throw new DomainError("INVALID_CREDENTIALS");
      if (user.disabled) throw new DomainError("ACCOUNT_DISABLED");
      return issue(user.id, randomUUID());
    },

    /**
     * Rotates a refresh token; presenting an already-used token revokes its whole family.
     * With `concurrentGraceMs` (the browser cookie session, shared by the tabs of one browser), a
     * token that another request rotated less than that long ago is rotated again: the caller
     * gets a pair of its own in the same family, as refresh-token rotation's "reuse interval"
     * does. The other request's answer may never have reached the browser (a tab that reloaded
     * while its refresh was in flight drops the new cookie), so refusing would end a live
     * session. Later reuse still revokes the family.
     */
    async refresh(
      refreshToken: string,
      opts: { concurrentGraceMs?: number } = {},
    ): Promise<TokenPair> {
      const grace = opts.concurrentGraceMs ?? 0;
      return deps.db
        .transaction(async (tx) => {
          const row = await tokens.findRefresh(sha256(refreshToken), tx);
          if (row === undefined || row.revokedAt !== null)
            throw new DomainError("INVALID_TOKEN");
          if (row.usedAt !== null) {
            if (Date.now() - row.usedAt.getTime() >= grace) {
              await tokens.revokeFamily(row.familyId, tx);
              return { outcome: "reused" as const };
            }
          } else if (!(await tokens.markRefreshUsed(row.id, tx))) {
            // Another transaction rotated it between our read and our update.
            if (grace <= 0) {
              await tokens.revokeFamily(row.familyId, tx);
              return { outcome: "reused" as const };
            }
          }
          if (row.expiresAt.getTime() <= Date.now())
            throw new DomainError("INVALID_TOKEN");
          const user = await users.findById(row.userId, tx);
          if (user === undefined || user.disabled)
            throw new DomainError("INVALID_TOKEN");
          return {
            outcome: "rotated" as const,
            pair: await issue(user.id, row.familyId, tx),
          };
        })
        .then((r) => {
          // Thrown after commit so the family revocation is kept.
          if (r.outcome === "reused")
            throw new DomainError("REFRESH_TOKEN_REUSED");
          return r.pair;
        });
    },

    /** Ends the session of a refresh token (its whole family); unknown tokens are ignored. */
    async logout(refreshToken: string): Promise<void> {
      const row = await tokens.findRefresh(sha256(refreshToken));
      if (row !== undefined) await tokens.revokeFamily(row.familyId);
    },

    /** Resolves a bearer credential (access token or `sf_` API key) to a live, enabled user. */
    async authenticate(credential: string): Promise<AuthUser> {
      if (credential.startsWith("sf_")) {
        const found = await tokens.findUserByApiKey(sha256(credential));
        if (found === undefined || found.user.disabled)
          throw new DomainError("INVALID_TOKEN");
        return toAuthUser(found.user, "api-key");
      }
      const claims = verifyAccess(credential);
      if (claims === undefined) throw new DomainError("INVALID_TOKEN");
      let user = deps.userCache.get(claims.sub);
      if (user === undefined) {
        user = await users.findById(claims.sub);
        if (user !== undefined) deps.userCache.set(user);
      }
      if (user === undefined || user.disabled)
        throw new DomainError("INVALID_TOKEN");
      return toAuthUser(user, "token");
    },

    /** The caller's account. */
    async me(caller: AuthUser): Promise<UserView> {
      return toUserView(caller.row);
    },

    /** Changes the caller's username and/or display name (409 USERNAME_TAKEN on a clash). */
    async updateProfile(
      caller: AuthUser,
      input: { username?: string; displayName?: string },
    ): Promise<UserView> {
      const patch: { username?: string; displayName?: string } = {};
      if (input.username !== undefined)
        patch.username = checkUsername(input.username);
      if (input.displayName !== undefined)
        patch.displayName = input.displayName.trim();
      const row = await users.updateProfile(caller.id, patch);
      if (row === "taken") throw new DomainError("USERNAME_TAKEN");
      if (row === undefined) throw new DomainError("INVALID_TOKEN");
      deps.userCache.invalidate(caller.id);
      return toUserView(row);
    },

    /** Changes the caller's password and ends their other sessions. */
    async changePassword(
      caller: AuthUser,
      input: { currentPassword: string; newPassword: string },
    ): Promise<void> {
      const user = await users.findById(caller.id);
      if (
        user === undefined ||
        !(await verifyPassword(user.passwordHash, input.currentPassword))
      ) {
        throw new DomainError(
          "INVALID_CREDENTIALS",
          "current password is wrong",
        );
      }
      checkPassword(input.newPassword);
      const hash = await hashPassword(input.newPassword);
      await deps.db.transaction(async (tx) => {
        await users.updatePassword(user.id, hash, tx);
        await tokens.revokeAllForUser(user.id, tx);
      });
    },

    /** Emails a one-time reset token when the account exists; answers the same either way. */
    async requestPasswordReset(emailInput: string): Promise<void> {
      const user = await users.findByEmail(emailInput.trim().toLowerCase());
      if (user === undefined || user.disabled) return;
      const token = randomToken();
      await tokens.insertReset({
        userId: user.id,
        tokenHash: sha256(token),
        expiresAt: new Date(Date.now() + RESET_TTL_MS),
      });
      await deps.mailer.send({
        to: user.email,
        subject: "Reset your StepFault password",
        text:
          `Someone asked to reset the password of your StepFault account.\n\n` +
          `Reset token: ${token}\n` +
          `Or open: ${deps.publicUrl}/reset-password?token=${token}\n\n` +
          `The token works once, for one hour. If this was not you, ignore this mail.\n`,
      });
    },

    /** Sets a new password with a reset token (works once) and ends every session. */
    async confirmPasswordReset(input: {
      token: string;
      newPassword: string;
    }): Promise<void> {
      checkPassword(input.newPassword);
      const hash = await hashPassword(input.newPassword);
      const ok = await deps.db.transaction(async (tx) => {
        const userId = await tokens.consumeReset(sha256(input.token), tx);
        if (userId === undefined) return false;
        await users.updatePassword(userId, hash, tx);
        await tokens.revokeAllForUser(userId, tx);
        return true;
      });
      if (!ok)
        throw new DomainError(
          "INVALID_TOKEN",
          "reset token is invalid, expired or already used",
        );
    },
  };
}

/** The auth service. */
export type AuthService = ReturnType<typeof createAuthService>;
