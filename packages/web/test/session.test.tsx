// @vitest-environment jsdom
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createApiClient, REFRESH_KEY } from "../src/api/client.ts";
import { SessionProvider, useSession } from "../src/api/session.tsx";

afterEach(cleanup);

/**
 * A fetch that knows one account (password `pw`) and plays the browser's cookie jar: the refresh
 * token lives in `jar.cookie`, set by login and refresh (rotating) and cleared by logout, and is
 * only read or set for requests with `X-StepFault-Session: cookie`.
 */
function accountServer(jar: { cookie: string | null } = { cookie: null }) {
  let n = 0;
  let live: string | null = jar.cookie;
  const loggedOut: (string | null)[] = [];
  const sessionHeaders: (string | null)[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    const body = init?.body
      ? (JSON.parse(String(init.body)) as Record<string, string>)
      : {};
    const ok = (b: unknown) => new Response(JSON.stringify(b), { status: 200 });
    const refused = (code: string, title: string) =>
      new Response(JSON.stringify({ code, title, status: 401 }), {
        status: 401,
      });
    if (url.includes("/auth/"))
      sessionHeaders.push(headers.get("x-stepfault-session"));
    const cookieSession = headers.get("x-stepfault-session") === "cookie";
    const pair = () => {
      n += 1;
      live = `r${n}`;
      if (cookieSession) jar.cookie = live;
      return ok({ accessToken: "a", tokenType: "Bearer", expiresIn: 900 });
    };
    if (url.endsWith("/auth/refresh")) {
      const token = body.refreshToken ?? (cookieSession ? jar.cookie : null);
      if (token === null)
        return refused("UNAUTHENTICATED", "Authentication required");
      return token === live
        ? pair()
        : refused("INVALID_TOKEN", "Invalid or expired token");
    }
    if (url.endsWith("/auth/login"))
      return body.password === "pw"
        ? pair()
        : refused("INVALID_CREDENTIALS", "Invalid email or password");
    if (url.endsWith("/auth/logout")) {
      loggedOut.push(body.refreshToken ?? (cookieSession ? jar.cookie : null));
      live = null;
      if (cookieSession) jar.cookie = null;
      return new Response(null, { status: 204 });
    }
    if (url.endsWith("/me"))
      return headers.get("authorization") === "Bearer a"
        ? ok({
            id: "u1",
            email: "ada@example.com",
            displayName: "Ada",
            role: "user",
            disabled: false,
            createdAt: "",
          })
        : refused("UNAUTHENTICATED", "Authentication required");
    return new Response(null, { status: 404 });
  };
  return { fetch: fetchFn as typeof fetch, jar, loggedOut, sessionHeaders };
}

function Probe() {
  const s = useSession();
  return (
    <div>
      <p data-testid="state">
        {s.state.status === "signedIn"
          ? `in:${s.state.user.email}`
          : s.state.status === "signedOut"
            ? `out:${s.state.expired ? "expired" : "fresh"}`
            : "loading"}
      </p>
      <button onClick={() => void s.signIn("ada@example.com", "pw")}>in</button>
      <button onClick={() => void s.signOut()}>out</button>
    </div>
  );
}

describe("SessionProvider", () => {
  it("signs in with the cookie session, resumes it after a reload, and signs out; localStorage never holds a token", async () => {
    localStorage.clear();
    const server = accountServer();
    const first = render(
      <SessionProvider
        client={createApiClient({ fetch: server.fetch, locks: null })}
      >
        <Probe />
      </SessionProvider>,
    );
    expect(await screen.findByText("out:fresh")).toBeTruthy();
    await act(async () => screen.getByText("in").click());
    expect(await screen.findByText("in:ada@example.com")).toBeTruthy();
    expect(server.jar.cookie).toBe("r1");
    first.unmount();

    // A reload: a new client with nothing in memory resumes from the cookie alone.
    render(
      <SessionProvider
        client={createApiClient({ fetch: server.fetch, locks: null })}
      >
        <Probe />
      </SessionProvider>,
    );
    expect(await screen.findByText("in:ada@example.com")).toBeTruthy();
    expect(server.jar.cookie).toBe("r2");

    await act(async () => screen.getByText("out").click());
    expect(await screen.findByText("out:fresh")).toBeTruthy();
    expect(server.loggedOut).toEqual(["r2"]);
    expect(server.jar.cookie).toBeNull();
    expect(server.sessionHeaders.every((h) => h === "cookie")).toBe(true);
    expect(localStorage.length).toBe(0);
  });

  it("starts signed out (not expired) without a cookie, and marks a refused cookie as expired", async () => {
    const server = accountServer();
    const { unmount } = render(
      <SessionProvider
        client={createApiClient({ fetch: server.fetch, locks: null })}
      >
        <Probe />
      </SessionProvider>,
    );
    expect(await screen.findByText("out:fresh")).toBeTruthy();
    unmount();

    server.jar.cookie = "spent";
    render(
      <SessionProvider
        client={createApiClient({ fetch: server.fetch, locks: null })}
      >
        <Probe />
      </SessionProvider>,
    );
    expect(await screen.findByText("out:expired")).toBeTruthy();
  });

  it("removes a refresh token an older version left in localStorage and keeps the person signed in", async () => {
    localStorage.clear();
    const server = accountServer();
    // The older version's session: the server knows the token, the browser has no cookie yet.
    await server.fetch("/api/v1/auth/login", {
      method: "POST",
      body: JSON.stringify({ email: "ada@example.com", password: "pw" }),
    });
    localStorage.setItem(REFRESH_KEY, "r1");
    localStorage.setItem("sf.assistant.open", "1");
    render(
      <SessionProvider
        client={createApiClient({
          fetch: server.fetch,
          storage: localStorage,
          locks: null,
        })}
      >
        <Probe />
      </SessionProvider>,
    );
    expect(localStorage.getItem(REFRESH_KEY)).toBeNull();
    expect(await screen.findByText("in:ada@example.com")).toBeTruthy();
    expect(server.jar.cookie).toBe("r2");
    expect(localStorage.getItem(REFRESH_KEY)).toBeNull();
    expect(localStorage.getItem("sf.assistant.open")).toBe("1");
  });
});
