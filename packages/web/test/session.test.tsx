// @vitest-environment jsdom
import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createApiClient, REFRESH_KEY } from "../src/api/client.ts";
import { SessionProvider, useSession } from "../src/api/session.tsx";

afterEach(cleanup);

/** A fetch that knows one account: refresh token `r1` (rotating), password `pw`. */
function accountServer() {
  let refresh = "r1";
  const loggedOut: string[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const body = init?.body
      ? (JSON.parse(String(init.body)) as Record<string, string>)
      : {};
    const ok = (b: unknown) => new Response(JSON.stringify(b), { status: 200 });
    const pair = () => {
      refresh = `${refresh}x`;
      return ok({
        accessToken: "a",
        refreshToken: refresh,
        tokenType: "Bearer",
        expiresIn: 900,
      });
    };
    if (url.endsWith("/auth/refresh"))
      return body.refreshToken === refresh
        ? pair()
        : new Response(JSON.stringify({ title: "Invalid or expired token" }), {
            status: 401,
          });
    if (url.endsWith("/auth/login"))
      return body.password === "pw"
        ? pair()
        : new Response(JSON.stringify({ title: "Invalid email or password" }), {
            status: 401,
          });
    if (url.endsWith("/auth/logout")) {
      loggedOut.push(body.refreshToken ?? "");
      return new Response(null, { status: 204 });
    }
    if (url.endsWith("/me"))
      return new Headers(init?.headers).get("authorization") === "Bearer a"
        ? ok({
            id: "u1",
            email: "ada@example.com",
            displayName: "Ada",
            role: "user",
            disabled: false,
            createdAt: "",
          })
        : new Response(JSON.stringify({ title: "Authentication required" }), {
            status: 401,
          });
    return new Response(null, { status: 404 });
  };
  return { fetch: fetchFn as typeof fetch, loggedOut };
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
  it("resumes the session from a stored refresh token (as after a reload)", async () => {
    localStorage.setItem(REFRESH_KEY, "r1");
    const server = accountServer();
    const client = createApiClient({
      fetch: server.fetch,
      storage: localStorage,
    });
    render(
      <SessionProvider client={client}>
        <Probe />
      </SessionProvider>,
    );
    expect(await screen.findByText("in:ada@example.com")).toBeTruthy();
    expect(localStorage.getItem(REFRESH_KEY)).toBe("r1x");

    await act(async () => screen.getByText("out").click());
    expect(await screen.findByText("out:fresh")).toBeTruthy();
    expect(server.loggedOut).toEqual(["r1x"]);
    expect(localStorage.getItem(REFRESH_KEY)).toBeNull();

    await act(async () => screen.getByText("in").click());
    expect(await screen.findByText("in:ada@example.com")).toBeTruthy();
    expect(localStorage.getItem(REFRESH_KEY)).toBe("r1xx");
  });

  it("starts signed out without a stored token, and marks a refused token as expired", async () => {
    localStorage.clear();
    const server = accountServer();
    const { unmount } = render(
      <SessionProvider
        client={createApiClient({ fetch: server.fetch, storage: localStorage })}
      >
        <Probe />
      </SessionProvider>,
    );
    expect(await screen.findByText("out:fresh")).toBeTruthy();
    unmount();

    localStorage.setItem(REFRESH_KEY, "spent");
    render(
      <SessionProvider
        client={createApiClient({ fetch: server.fetch, storage: localStorage })}
      >
        <Probe />
      </SessionProvider>,
    );
    expect(await screen.findByText("out:expired")).toBeTruthy();
    expect(localStorage.getItem(REFRESH_KEY)).toBeNull();
  });
});
