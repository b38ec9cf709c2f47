/** Typed calls of the StepFault API (`/api/v1`), one function per route used by the app. */
import {
  COOKIE_SESSION_HEADERS,
  type ApiClient,
  type TokenPair,
} from "./client.ts";

/** An account. */
export interface User {
  readonly id: string;
  readonly email: string;
  /** Unique handle, lower-case. */
  readonly username: string;
  readonly displayName: string;
  readonly role: "admin" | "user";
  readonly disabled: boolean;
  readonly createdAt: string;
}

/** A project role. */
export type ProjectRole = "owner" | "editor" | "viewer";

/** A project with the caller's role in it. */
export interface Project {
  readonly id: string;
  readonly name: string;
  readonly role: ProjectRole;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A project member. */
export interface Member {
  readonly userId: string;
  readonly email: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: ProjectRole;
  readonly createdAt: string;
}

/** Who to add to a project: an account's email or its username. */
export type MemberRef =
  { readonly email: string } | { readonly username: string };

/** A circuit with its current source. */
export interface Circuit {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly language: "openqasm2" | "openqasm3";
  readonly source: string;
  readonly revision: number;
  readonly numQubits: number;
  readonly numClbits: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A circuit in a list: the list carries no sources (GET the circuit for it). */
export type CircuitSummary = Omit<Circuit, "source">;

/** A revision, with its source when fetched alone. */
export interface Revision {
  readonly revision: number;
  readonly language: "openqasm2" | "openqasm3";
  readonly source?: string;
  readonly createdBy: string | null;
  readonly createdAt: string;
}

/** An API key without its secret. */
export interface ApiKey {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

/** A cursor page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** A diagnostic as the server reports it in a CIRCUIT_INVALID problem. */
export interface ServerDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

const enc = encodeURIComponent;

/** All API calls bound to one client. */
export function endpoints(c: ApiClient) {
  const anon = { anonymous: true } as const;
  return {
    register: (body: {
      email: string;
      password: string;
      displayName?: string;
      username?: string;
    }) => c.request<User>("POST", "/auth/register", { body, ...anon }),
    /** Signs in; the server sets the refresh token as an HttpOnly cookie. */
    login: (body: { email: string; password: string }) =>
      c.request<TokenPair>("POST", "/auth/login", {
        body,
        headers: COOKIE_SESSION_HEADERS,
        ...anon,
      }),
    /** Ends the session of the refresh cookie and has the server clear it. */
    logout: () =>
      c.request<void>("POST", "/auth/logout", {
        body: {},
        headers: COOKIE_SESSION_HEADERS,
        ...anon,
      }),
    requestReset: (email: string) =>
      c.request<void>("POST", "/auth/password-reset/request", {
        body: { email },
        ...anon,
      }),
    confirmReset: (token: string, newPassword: string) =>
      c.request<void>("POST", "/auth/password-reset/confirm", {
        body: { token, newPassword },
        ...anon,
      }),
    me: () => c.request<User>("GET", "/me"),
    updateMe: (body: { username?: string; displayName?: string }) =>
      c.request<User>("PATCH", "/me", { body }),
    changePassword: (currentPassword: string, newPassword: string) =>
      c.request<void>("POST", "/me/password", {
        body: { currentPassword, newPassword },
      }),
    listApiKeys: () => c.request<ApiKey[]>("GET", "/me/api-keys"),
    createApiKey: (name: string) =>
      c.request<ApiKey & { key: string }>("POST", "/me/api-keys", {
        body: { name },
      }),
    revokeApiKey: (id: string) =>
      c.request<void>("DELETE", `/me/api-keys/${enc(id)}`),
    listUsers: (cursor?: string) =>
      c.request<Page<User>>("GET", "/admin/users", {
        query: { limit: 100, cursor },
      }),
    setUserDisabled: (id: string, disabled: boolean) =>
      c.request<User>(
        "POST",
        `/admin/users/${enc(id)}/${disabled ? "disable" : "enable"}`,
      ),
    listProjects: () => c.request<Project[]>("GET", "/projects"),
    getProject: (id: string) =>
      c.request<Project>("GET", `/projects/${enc(id)}`),
    createProject: (name: string) =>
      c.request<Project>("POST", "/projects", { body: { name } }),
    renameProject: (id: string, name: string) =>
      c.request<Project>("PATCH", `/projects/${enc(id)}`, { body: { name } }),
    deleteProject: (id: string) =>
      c.request<void>("DELETE", `/projects/${enc(id)}`),
    listMembers: (id: string) =>
      c.request<Member[]>("GET", `/projects/${enc(id)}/members`),
    addMember: (id: string, who: MemberRef, role: ProjectRole) =>
      c.request<Member>("POST", `/projects/${enc(id)}/members`, {
        body: { ...who, role },
      }),
    setMemberRole: (id: string, userId: string, role: ProjectRole) =>
      c.request<Member>(
        "PATCH",
        `/projects/${enc(id)}/members/${enc(userId)}`,
        { body: { role } },
      ),
    removeMember: (id: string, userId: string) =>
      c.request<void>("DELETE", `/projects/${enc(id)}/members/${enc(userId)}`),
    listCircuits: (id: string, q?: string, cursor?: string) =>
      c.request<Page<CircuitSummary>>("GET", `/projects/${enc(id)}/circuits`, {
        query: { q, cursor, limit: 100 },
      }),
    getCircuit: (id: string, cid: string) =>
      c.request<Circuit>("GET", `/projects/${enc(id)}/circuits/${enc(cid)}`),
    createCircuit: (id: string, name: string, source: string) =>
      c.request<Circuit>("POST", `/projects/${enc(id)}/circuits`, {
        body: { name, source },
      }),
    updateCircuit: (
      id: string,
      cid: string,
      body: { name?: string; source?: string },
    ) =>
      c.request<Circuit>("PATCH", `/projects/${enc(id)}/circuits/${enc(cid)}`, {
        body,
      }),
    deleteCircuit: (id: string, cid: string) =>
      c.request<void>("DELETE", `/projects/${enc(id)}/circuits/${enc(cid)}`),
    listRevisions: (id: string, cid: string) =>
      c.request<Revision[]>(
        "GET",
        `/projects/${enc(id)}/circuits/${enc(cid)}/revisions`,
      ),
    getRevision: (id: string, cid: string, n: number) =>
      c.request<Revision>(
        "GET",
        `/projects/${enc(id)}/circuits/${enc(cid)}/revisions/${n}`,
      ),
  };
}

/** The bound API calls. */
export type Api = ReturnType<typeof endpoints>;
