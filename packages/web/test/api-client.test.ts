import { describe, expect, it } from "vitest";
import {
  ApiError,
  createApiClient,
  problemMessage,
  REFRESH_KEY,
  type KeyValueStore,
} from "../src/api/client.ts";

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
 * A tiny fake of the server's token rules: one valid access token and one valid refresh token
 * at a time; refresh rotates both. `/me` answers the user for the valid access token.
 */
function fakeServer(opts: { refreshStatus?: number } = {}) {
  let n = 1;
  let access = "a1";
  let refresh = "r1";
  const calls: string[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push(`${init?.method ?? "GET"} ${url}`);
    if (url.endsWith("/auth/refresh")) {
      await new Promise((r) => setTimeout(r, 5));
      if (opts.refreshStatus) return json(opts.refreshStatus, {});
      const body = JSON.parse(String(init?.body)) as { refreshToken: string };
      if (body.refreshToken !== refresh)
        return json(
          401,
          {
            title: "Invalid or expired token",
            code: "INVALID_TOKEN",
            status: 401,
          },
          "application/problem+json",
        );
      n += 1;
      access = `a${n}`;
      refresh = `r${n}`;
      return json(200, {
        accessToken: access,
        refreshToken: refresh,
        tokenType: "Bearer",
        expiresIn: 900,
      });
    }
    const auth = new Headers(init?.headers).get("authorization");
    if (auth !== `Bearer ${access}`)
      return json(
        401,
        {
          title: "Authentication required",
          code: "UNAUTHENTICATED",
          status: 401,
        },
        "application/problem+json",
      );
    return json(200, { email: "ada@example.com" });
  };
  return {
    fetch: fetchFn as typeof fetch,
    calls,
    expireAccess: () => (access = `expired-${n}`),
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

describe("createApiClient.request", () => {
  it("turns a problem+json answer into an ApiError with the code, status and extra fields", async () => {
    const client = createApiClient({
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
    });
    const err = await client
      .request("POST", "/x", { body: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(422);
    expect(e.code).toBe("CIRCUIT_INVALID");
    expect(e.message).toBe(
      "Circuit source does not compile: bell:3:1: unknown gate",
    );
    expect(e.problem.diagnostics).toEqual([
      { line: 3, column: 1, message: "unknown gate" },
    ]);
  });

  it("reports a network failure as status 0 with a readable message", async () => {
    const client = createApiClient({
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
    });
    const e = (await client
      .request("GET", "/me")
      .catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(0);
    expect(e.message).toMatch(/Could not reach the StepFault server/);
  });

  it("sends JSON bodies and query strings, skipping empty query values", async () => {
    let seen: { url: string; init?: RequestInit } | null = null;
    const client = createApiClient({
      fetch: (async (u: RequestInfo | URL, init?: RequestInit) => {
        seen = { url: String(u), init };
        return new Response(null, { status: 204 });
      }) as typeof fetch,
    });
    const out = await client.request("POST", "/p", {
      body: { a: 1 },
      query: { q: "bell", cursor: undefined, x: "" },
    });
    expect(out).toBeUndefined();
    expect(seen!.url).toBe("/api/v1/p?q=bell");
    expect(seen!.init?.body).toBe('{"a":1}');
    expect(new Headers(seen!.init?.headers).get("content-type")).toBe(
      "application/json",
    );
  });
});

describe("createApiClient session handling", () => {
  it("resumes a stored session after a reload by refreshing before the first request", async () => {
    const server = fakeServer();
    const storage = memoryStore({ [REFRESH_KEY]: "r1" });
    const client = createApiClient({ fetch: server.fetch, storage });
    await expect(client.request("GET", "/me")).resolves.toEqual({
      email: "ada@example.com",
    });
    expect(server.calls).toEqual([
      "POST /api/v1/auth/refresh",
      "GET /api/v1/me",
    ]);
    expect(storage.data.get(REFRESH_KEY)).toBe("r2");
  });

  it("refreshes once on a 401 and retries, even for several requests at the same time", async () => {
    const server = fakeServer();
    const storage = memoryStore({ [REFRESH_KEY]: "r1" });
    const client = createApiClient({ fetch: server.fetch, storage });
    await client.request("GET", "/me");
    server.expireAccess();
    server.calls.length = 0;
    const all = await Promise.all([
      client.request("GET", "/me"),
      client.request("GET", "/me"),
      client.request("GET", "/me"),
    ]);
    expect(all).toHaveLength(3);
    expect(
      server.calls.filter((c) => c.endsWith("/auth/refresh")),
    ).toHaveLength(1);
    expect(storage.data.get(REFRESH_KEY)).toBe("r3");
  });

  it("ends the session when the refresh token is refused: storage cleared, onExpired called, SESSION_EXPIRED", async () => {
    const server = fakeServer();
    const storage = memoryStore({ [REFRESH_KEY]: "stolen-or-spent" });
    let expired = 0;
    const client = createApiClient({
      fetch: server.fetch,
      storage,
      onExpired: () => (expired += 1),
    });
    const e = (await client
      .request("GET", "/me")
      .catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(401);
    expect(expired).toBe(1);
    expect(storage.data.has(REFRESH_KEY)).toBe(false);
    expect(client.hasSession()).toBe(false);
  });

  it("keeps the refresh token when the refresh fails for a server reason (503)", async () => {
    const server = fakeServer({ refreshStatus: 503 });
    const storage = memoryStore({ [REFRESH_KEY]: "r1" });
    let expired = 0;
    const client = createApiClient({
      fetch: server.fetch,
      storage,
      onExpired: () => (expired += 1),
    });
    await expect(client.refresh()).resolves.toBe(false);
    expect(expired).toBe(0);
    expect(storage.data.get(REFRESH_KEY)).toBe("r1");
  });

  it("does not attach a token or refresh for anonymous requests", async () => {
    const server = fakeServer();
    const storage = memoryStore({ [REFRESH_KEY]: "r1" });
    const client = createApiClient({ fetch: server.fetch, storage });
    const e = (await client
      .request("GET", "/me", { anonymous: true })
      .catch((x: unknown) => x)) as ApiError;
    expect(e.code).toBe("UNAUTHENTICATED");
    expect(server.calls).toEqual(["GET /api/v1/me"]);
    expect(storage.data.get(REFRESH_KEY)).toBe("r1");
  });
});

describe("createApiClient.stream", () => {
  it("refreshes an expired access token, asks for an event stream and hands back the response", async () => {
    const server = fakeServer();
    const accepts: (string | null)[] = [];
    const client = createApiClient({
      storage: memoryStore({ [REFRESH_KEY]: "r1" }),
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
        accepts.push(new Headers(init?.headers).get("accept"));
        return server.fetch(input, init);
      }) as typeof fetch,
    });
    await client.refresh();
    server.expireAccess();
    server.calls.length = 0;
    accepts.length = 0;
    const res = await client.stream("GET", "/jobs/j1/events");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ email: "ada@example.com" });
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

  it("throws a refused stream as an ApiError with the problem's code", async () => {
    const client = createApiClient({
      fetch: (async () =>
        json(
          404,
          { title: "Job not found", code: "JOB_NOT_FOUND", status: 404 },
          "application/problem+json",
        )) as typeof fetch,
    });
    await expect(
      client.stream("GET", "/jobs/nope/events"),
    ).rejects.toMatchObject({
      status: 404,
      code: "JOB_NOT_FOUND",
      message: "Job not found",
    });
  });
});
