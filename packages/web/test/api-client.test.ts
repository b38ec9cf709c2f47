import { describe, expect, it } from "vitest";
import {
  createApiClient,
  REFRESH_KEY,
  type KeyValueStore,
  type LockRunner,
} from "../src/api/client.ts";
import { asApiError, errorText, problemMessage } from "../src/api/errors.ts";
import { createSdk } from "../src/api/sdk.ts";
import { StepFaultApiError } from "@stepfault/sdk";

/** A Map-backed storage. */
function memoryStore(init: Record<string, string> = {}): KeyValueStore & {
  data: Map<string, string>;
} {
  const data = new Map(Object.entries(init));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": type },
  });

/**
 * A tiny fake of the server's token rules with the browser's cookie jar beside it: one valid
 * access token and one valid refresh token at a time, the refresh token living in the `jar` (as
 * the HttpOnly cookie does); refresh rotates both. `/me` answers the user for the valid access
 * token. Servers built on one `jar` object are tabs of one browser.
 */
function fakeServer(
  opts: {
    refreshStatus?: number;
    /** Answers this many refreshes with 409 REFRESH_TOKEN_ROTATED, as if another tab won. */
    rotatedByOtherTab?: number;
    jar?: { cookie: string | null };
    state?: {
      n: number;
      refresh: string;
      inFlight: number;
      maxInFlight: number;
    };
  } = {},
) {
  const state = opts.state ?? {
    n: 1,
    refresh: "r1",
    inFlight: 0,
    maxInFlight: 0,
  };
  const jar = opts.jar ?? { cookie: "r1" as string | null };
  let access = `a${state.n}`;
  let rotatedLeft = opts.rotatedByOtherTab ?? 0;
  const calls: string[] = [];
  const bodies: unknown[] = [];
  const problem = (status: number, code: string) =>
    json(status, { title: code, code, status }, "application/problem+json");
  const rotate = () => {
    state.n += 1;
    state.refresh = `r${state.n}`;
    jar.cookie = state.refresh;
  };
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    calls.push(`${init?.method ?? "GET"} ${url}`);
    if (url.endsWith("/auth/refresh") || url.endsWith("/auth/logout")) {
      const body = JSON.parse(String(init?.body)) as { refreshToken?: string };
      bodies.push(body);
      if (headers.get("x-stepfault-session") !== "cookie")
        return problem(400, "VALIDATION_FAILED");
      const token = body.refreshToken ?? jar.cookie;
      if (url.endsWith("/auth/logout")) {
        jar.cookie = null;
        return new Response(null, { status: 204 });
      }
      state.inFlight += 1;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      await new Promise((r) => setTimeout(r, 5));
      state.inFlight -= 1;
      if (opts.refreshStatus) return json(opts.refreshStatus, {});
      if (token === null) return problem(401, "UNAUTHENTICATED");
      if (rotatedLeft > 0) {
        rotatedLeft -= 1;
        // The other tab's answer lands in the shared jar.
        rotate();
        return problem(409, "REFRESH_TOKEN_ROTATED");
      }
      if (token !== state.refresh) {
        jar.cookie = null;
        return problem(401, "INVALID_TOKEN");
      }
      rotate();
      access = `a${state.n}`;
      return json(200, {
        accessToken: access,
        tokenType: "Bearer",
        expiresIn: 900,
      });
    }
    if (headers.get("authorization") !== `Bearer ${access}`)
      return problem(401, "UNAUTHENTICATED");
    return json(200, { email: "ada@example.com" });
  };
  return {
    fetch: fetchFn as typeof fetch,
    calls,
    bodies,
    jar,
    state,
    expireAccess: () => (access = `expired-${state.n}`),
  };
}

/** A Web Locks stand-in: callbacks for one name run one after another. */
function fakeLocks(): LockRunner & { held: string[] } {
  let tail: Promise<unknown> = Promise.resolve();
  const held: string[] = [];
  return {
    held,
    request<T>(name: string, callback: () => Promise<T>): Promise<T> {
      const run = tail.then(async () => {
        held.push(name);
        try {
          return await callback();
        } finally {
          held.pop();
        }
      });
      tail = run.catch(() => undefined);
      return run;
    },
  };
}

describe("problemMessage", () => {
  it("joins title and detail, and does not repeat a detail equal to the title", () => {
    expect(
      problemMessage(422, {
        title: "Password too weak",
        detail: "password must be at least 8 characters",
      }),
    ).toBe("Password too weak: password must be at least 8 characters");
    expect(
      problemMessage(404, {
        title: "Project not found",
        detail: "Project not found",
      }),
    ).toBe("Project not found");
  });

  it("explains bodies without a problem document by status", () => {
    expect(problemMessage(502, {})).toMatch(
      /server had a problem \(HTTP 502\)/,
    );
    expect(problemMessage(429, {})).toMatch(/Too many requests/);
  });
});

describe("errorText", () => {
  it("shows a refusal as its problem's title and detail, with its code, status and extra fields kept", async () => {
    const sdk = createSdk(
      createApiClient({
        fetch: (async () =>
          json(
            422,
            {
              title: "Circuit source does not compile",
              detail: "bell:3:1: unknown gate",
              code: "CIRCUIT_INVALID",
              status: 422,
              diagnostics: [{ line: 3, column: 1, message: "unknown gate" }],
            },
            "application/problem+json",
          )) as typeof fetch,
        locks: null,
      }),
    );
    const err = await sdk.circuits
      .create("p1", { name: "bell", source: "x" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFaultApiError);
    const e = err as StepFaultApiError;
    expect(e.status).toBe(422);
    expect(e.code).toBe("CIRCUIT_INVALID");
    expect(errorText(e)).toBe(
      "Circuit source does not compile: bell:3:1: unknown gate",
    );
    expect(e.problem.diagnostics).toEqual([
      { line: 3, column: 1, message: "unknown gate" },
    ]);
  });

  it("reports a network failure as status 0 with a readable message, and anything else thrown as a client error", async () => {
    const sdk = createSdk(
      createApiClient({
        fetch: (async () => {
          throw new TypeError("fetch failed");
        }) as typeof fetch,
        locks: null,
      }),
    );
    const e = asApiError(await sdk.me().catch((x: unknown) => x));
    expect(e.status).toBe(0);
    expect(errorText(e)).toMatch(/Could not reach the StepFault server/);
    const other = asApiError(new Error("boom"));
    expect(other).toMatchObject({ status: 0, code: "CLIENT" });
    expect(errorText(other)).toBe("Unexpected error: boom");
  });
});

describe("the SDK over the session's fetch", () => {
  it("sends the access token, refreshes once on a 401 and retries", async () => {
    const server = fakeServer();
    const client = createApiClient({ fetch: server.fetch, locks: null });
    const sdk = createSdk(client);
    await expect(sdk.me()).resolves.toEqual({ email: "ada@example.com" });
    server.expireAccess();
    server.calls.length = 0;
    await expect(sdk.me()).resolves.toEqual({ email: "ada@example.com" });
    expect(server.calls).toEqual([
      "GET /api/v1/me",
      "POST /api/v1/auth/refresh",
      "GET /api/v1/me",
    ]);
  });

  it("throws the SDK's error: SESSION_EXPIRED when the session ends, NETWORK_ERROR offline", async () => {
    const server = fakeServer();
    const client = createApiClient({ fetch: server.fetch, locks: null });
    const sdk = createSdk(client);
    await sdk.me();
    server.jar.cookie = null;
    server.expireAccess();
    const e = await sdk.me().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StepFaultApiError);
    expect(e).toMatchObject({ status: 401, code: "SESSION_EXPIRED" });

    const offline = createSdk(
      createApiClient({
        fetch: () => Promise.reject(new TypeError("Failed to fetch")),
        locks: null,
      }),
    );
    const n = await offline.projects.list().catch((x: unknown) => x);
    expect(n).toBeInstanceOf(StepFaultApiError);
    expect(n).toMatchObject({ status: 0, code: "NETWORK_ERROR" });
  });

  it("sends no token to the /auth/ routes and does not refresh on their 401", async () => {
    const seen: string[] = [];
    const client = createApiClient({
      fetch: async (input, init) => {
        seen.push(
          `${String(input)} ${new Headers(init?.headers).get("authorization")}`,
        );
        return json(401, { code: "INVALID_CREDENTIALS", status: 401 });
      },
      locks: null,
    });
    client.setTokens({ accessToken: "a1" });
    const e = await createSdk(client)
      .auth.login({ email: "a@b.test", password: "x".repeat(12) })
      .catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "INVALID_CREDENTIALS" });
    expect(seen).toEqual(["/api/v1/auth/login null"]);
  });
});

describe("createApiClient session handling", () => {
  it("resumes the session after a reload by refreshing with the cookie", async () => {
    const server = fakeServer();
    const client = createApiClient({ fetch: server.fetch, locks: null });
    await expect(client.refresh()).resolves.toBe(true);
    await expect(createSdk(client).me()).resolves.toEqual({
      email: "ada@example.com",
    });
    expect(server.calls).toEqual([
      "POST /api/v1/auth/refresh",
      "GET /api/v1/me",
    ]);
    // No token in the body: the cookie carries it, and the new one went back into the jar.
    expect(server.bodies).toEqual([{}]);
    expect(server.jar.cookie).toBe("r2");
  });

  it("refreshes once on a 401 and retries, even for several requests at the same time", async () => {
    const server = fakeServer();
    const client = createApiClient({ fetch: server.fetch, locks: null });
    await createSdk(client).me();
    server.expireAccess();
    server.calls.length = 0;
    const all = await Promise.all([
      createSdk(client).me(),
      createSdk(client).me(),
      createSdk(client).me(),
    ]);
    expect(all).toHaveLength(3);
    expect(
      server.calls.filter((c) => c.endsWith("/auth/refresh")),
    ).toHaveLength(1);
    expect(server.jar.cookie).toBe("r3");
  });

  it("ends the session when the cookie is refused: onExpired called once, the 401 passed on", async () => {
    const server = fakeServer({ jar: { cookie: "stolen-or-spent" } });
    let expired = 0;
    const client = createApiClient({
      fetch: server.fetch,
      locks: null,
      onExpired: () => (expired += 1),
    });
    const e = (await createSdk(client)
      .me()
      .catch((x: unknown) => x)) as StepFaultApiError;
    expect(e).toBeInstanceOf(StepFaultApiError);
    expect(e.status).toBe(401);
    expect(expired).toBe(1);
    expect(client.hasSession()).toBe(false);
  });

  it("treats a first visit without a cookie as signed out, not as an expired session", async () => {
    const server = fakeServer({ jar: { cookie: null } });
    let expired = 0;
    const client = createApiClient({
      fetch: server.fetch,
      locks: null,
      onExpired: () => (expired += 1),
    });
    await expect(client.refresh()).resolves.toBe(false);
    expect(expired).toBe(0);
    expect(client.hasSession()).toBe(false);
  });

  it("asks for no refresh at all when the hint says there is no session cookie (no 401 on a signed-out visit)", async () => {
    const server = fakeServer();
    const client = createApiClient({
      fetch: server.fetch,
      locks: null,
      mayHaveSession: () => false,
    });
    await expect(client.refresh()).resolves.toBe(false);
    expect(server.calls).toEqual([]);
    expect(client.hasSession()).toBe(false);
    // A signed-in tab refreshes whatever the hint says (the access token expires meanwhile).
    const hinted = createApiClient({
      fetch: server.fetch,
      locks: null,
      mayHaveSession: () => true,
    });
    await expect(hinted.refresh()).resolves.toBe(true);
    expect(
      server.calls.filter((c) => c.includes("/auth/refresh")),
    ).toHaveLength(1);
  });

  it("reports expiry when the cookie of a signed-in tab is gone (signed out in another tab)", async () => {
    const server = fakeServer();
    let expired = 0;
    const client = createApiClient({
      fetch: server.fetch,
      locks: null,
      onExpired: () => (expired += 1),
    });
    await createSdk(client).me();
    server.jar.cookie = null;
    server.expireAccess();
    await expect(createSdk(client).me()).rejects.toMatchObject({
      code: "SESSION_EXPIRED",
    });
    expect(expired).toBe(1);
  });

  it("before the first refresh, answers a 401 with one refresh try and then the server's own error", async () => {
    const server = fakeServer({ jar: { cookie: null } });
    const client = createApiClient({ fetch: server.fetch, locks: null });
    await expect(createSdk(client).me()).rejects.toMatchObject({
      status: 401,
      code: "UNAUTHENTICATED",
    });
    expect(server.calls).toEqual([
      "GET /api/v1/me",
      "POST /api/v1/auth/refresh",
    ]);
  });

  it("keeps the session when the refresh fails for a server reason (503)", async () => {
    const server = fakeServer({ refreshStatus: 503 });
    let expired = 0;
    const client = createApiClient({
      fetch: server.fetch,
      locks: null,
      onExpired: () => (expired += 1),
    });
    await expect(client.refresh()).resolves.toBe(false);
    expect(expired).toBe(0);
    expect(client.hasSession()).toBe(true);
    expect(server.jar.cookie).toBe("r1");
  });

  it("moves a refresh token an older version stored into the cookie and removes it from storage at once", async () => {
    const server = fakeServer({ jar: { cookie: null } });
    const storage = memoryStore({ [REFRESH_KEY]: "r1", other: "kept" });
    const client = createApiClient({
      fetch: server.fetch,
      storage,
      locks: null,
    });
    expect([...storage.data.keys()]).toEqual(["other"]);
    await expect(client.refresh()).resolves.toBe(true);
    expect(server.bodies).toEqual([{ refreshToken: "r1" }]);
    expect(server.jar.cookie).toBe("r2");
    // Later refreshes use the cookie alone, and nothing is written back to storage.
    server.expireAccess();
    await createSdk(client).me();
    expect(server.bodies).toEqual([{ refreshToken: "r1" }, {}]);
    expect([...storage.data.keys()]).toEqual(["other"]);
  });

  it("retries after 409 REFRESH_TOKEN_ROTATED with the cookie the other tab's answer left", async () => {
    const server = fakeServer({ rotatedByOtherTab: 1 });
    let expired = 0;
    const client = createApiClient({
      fetch: server.fetch,
      locks: null,
      rotatedRetryMs: 1,
      onExpired: () => (expired += 1),
    });
    await expect(client.refresh()).resolves.toBe(true);
    expect(server.calls).toEqual([
      "POST /api/v1/auth/refresh",
      "POST /api/v1/auth/refresh",
    ]);
    expect(expired).toBe(0);
  });

  it("gives up after 409s that never stop, ends the session on the server too, and reports expiry", async () => {
    const server = fakeServer({ rotatedByOtherTab: 100 });
    let expired = 0;
    const client = createApiClient({
      fetch: server.fetch,
      locks: null,
      rotatedRetryMs: 1,
      onExpired: () => (expired += 1),
    });
    await expect(client.refresh()).resolves.toBe(false);
    expect(
      server.calls.filter((c) => c.endsWith("/auth/refresh")),
    ).toHaveLength(4);
    expect(server.calls.at(-1)).toBe("POST /api/v1/auth/logout");
    expect(expired).toBe(1);
  });

  it("serializes the refreshes of several tabs with one Web Lock, so each rotates the cookie the last one set", async () => {
    const jar = { cookie: "r1" as string | null };
    const state = { n: 1, refresh: "r1", inFlight: 0, maxInFlight: 0 };
    const locks = fakeLocks();
    const tabs = [0, 1, 2].map(() => {
      const server = fakeServer({ jar, state });
      return createApiClient({ fetch: server.fetch, locks });
    });
    const results = await Promise.all(tabs.map((t) => t.refresh()));
    expect(results).toEqual([true, true, true]);
    expect(state.maxInFlight).toBe(1);
    expect(jar.cookie).toBe("r4");
    expect(locks.held).toEqual([]);
  });
});

describe("event streams over the session's fetch", () => {
  it("refreshes an expired access token, asks for an event stream and hands back the response", async () => {
    const server = fakeServer();
    const accepts: (string | null)[] = [];
    const client = createApiClient({
      locks: null,
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        accepts.push(new Headers(init?.headers).get("accept"));
        return server.fetch(input, init);
      }) as typeof fetch,
    });
    await client.refresh();
    server.expireAccess();
    server.calls.length = 0;
    accepts.length = 0;
    // The fake answers with JSON, not events: the stream ends with none.
    const events = [];
    for await (const e of createSdk(client).jobs.events("j1")) events.push(e);
    expect(events).toEqual([]);
    // 401, one refresh, then the retry with the new token.
    expect(server.calls).toEqual([
      "GET /api/v1/jobs/j1/events",
      "POST /api/v1/auth/refresh",
      "GET /api/v1/jobs/j1/events",
    ]);
    expect(accepts).toEqual([
      "text/event-stream",
      "application/json",
      "text/event-stream",
    ]);
  });

  it("throws a refused stream as the SDK's error with the problem's code", async () => {
    const client = createApiClient({
      fetch: (async () =>
        json(
          404,
          { title: "Job not found", code: "JOB_NOT_FOUND", status: 404 },
          "application/problem+json",
        )) as typeof fetch,
    });
    const e = await createSdk(client)
      .jobs.events("nope")
      .next()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StepFaultApiError);
    expect(e).toMatchObject({ status: 404, code: "JOB_NOT_FOUND" });
    expect(errorText(e as StepFaultApiError)).toBe("Job not found");
  });
});
