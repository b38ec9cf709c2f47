// @vitest-environment jsdom
import {
  act,
  cleanup,
  fireEvent,
  render,
  screen,
} from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createApiClient } from "../src/api/client.ts";
import { SessionProvider } from "../src/api/session.tsx";
import { MembersPage } from "../src/pages/projects/MembersPage.tsx";

afterEach(cleanup);

const json = (b: unknown, status = 200) =>
  new Response(JSON.stringify(b), {
    status,
    headers: {
      "content-type":
        status < 400 ? "application/json" : "application/problem+json",
    },
  });

const ADA = {
  userId: "u1",
  email: "ada@example.com",
  username: "ada",
  displayName: "Ada",
  role: "owner",
  createdAt: "",
};

/**
 * A server with project p1 owned by Ada; records member-add and invitation bodies; knows user
 * "bob"; refuses to invite "taken@example.com" (already invited).
 */
function projectServer() {
  const added: unknown[] = [];
  const invited: unknown[] = [];
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    if (url.endsWith("/auth/refresh"))
      return json({
        accessToken: "a",
        tokenType: "Bearer",
        expiresIn: 900,
      });
    if (url.endsWith("/me"))
      return json({
        id: "u1",
        email: ADA.email,
        username: "ada",
        displayName: "Ada",
        role: "user",
        disabled: false,
        createdAt: "",
      });
    if (url.endsWith("/projects/p1"))
      return json({
        id: "p1",
        name: "Lab",
        role: "owner",
        createdAt: "",
        updatedAt: "",
      });
    if (url.endsWith("/projects/p1/members") && method === "GET")
      return json([ADA]);
    if (url.endsWith("/projects/p1/invitations") && method === "GET")
      return json([]);
    if (url.endsWith("/projects/p1/invitations") && method === "POST") {
      const body = JSON.parse(String(init?.body)) as Record<string, string>;
      invited.push(body);
      if (body.email === "taken@example.com")
        return json(
          {
            type: "about:blank",
            title: "Already invited",
            status: 409,
            code: "INVITATION_EXISTS",
            detail: "taken@example.com already has a pending invitation",
          },
          409,
        );
      return json(
        {
          id: "i1",
          projectId: "p1",
          email: body.email,
          role: body.role,
          invitedBy: "Ada",
          createdAt: "2026-12-05T00:00:00.000Z",
          expiresAt: "2026-12-12T00:00:00.000Z",
        },
        201,
      );
    }
    if (url.endsWith("/projects/p1/members") && method === "POST") {
      const body = JSON.parse(String(init?.body)) as Record<string, string>;
      added.push(body);
      if (body.username === "bob")
        return json(
          {
            userId: "u2",
            email: "bob@example.com",
            username: "bob",
            displayName: "Bob",
            role: body.role,
            createdAt: "",
          },
          201,
        );
      return json(
        {
          type: "about:blank",
          title: "User not found",
          status: 404,
          code: "USER_NOT_FOUND",
          detail: "no account with this email or username",
        },
        404,
      );
    }
    return new Response(null, { status: 404 });
  };
  return { fetch: fetchFn as typeof fetch, added, invited };
}

async function renderPage() {
  const server = projectServer();
  render(
    <SessionProvider
      client={createApiClient({ fetch: server.fetch, locks: null })}
    >
      <MembersPage id="p1" />
    </SessionProvider>,
  );
  await screen.findByText("@ada");
  return server;
}

const invite = async (text: string) => {
  fireEvent.change(screen.getByLabelText("Email or username"), {
    target: { value: text },
  });
  await act(async () => {
    fireEvent.submit(
      screen.getByRole("button", { name: "Add or invite" }).closest("form")!,
    );
  });
};

describe("MembersPage invite", () => {
  it("shows usernames and invites by username (written @Bob) with the chosen role", async () => {
    const server = await renderPage();
    fireEvent.change(screen.getByRole("combobox", { name: "Role" }), {
      target: { value: "viewer" },
    });
    await invite("@Bob");
    expect(server.added).toEqual([{ username: "bob", role: "viewer" }]);
    expect(await screen.findByText("@bob")).toBeTruthy();
    expect(
      (screen.getByLabelText("Email or username") as HTMLInputElement).value,
    ).toBe("");
  });

  it("sends text with an @ inside as an email, and invites an address without an account", async () => {
    const server = await renderPage();
    await invite("Carol@Example.com");
    expect(server.added).toEqual([
      { email: "carol@example.com", role: "editor" },
    ]);
    expect(server.invited).toEqual([
      { email: "carol@example.com", role: "editor" },
    ]);
    expect(await screen.findByText("carol@example.com")).toBeTruthy();
  });

  it("shows the server's refusal of an invitation", async () => {
    const server = await renderPage();
    await invite("taken@example.com");
    expect(server.invited).toHaveLength(1);
    expect((await screen.findByRole("alert")).textContent).toMatch(
      /already has a pending invitation/,
    );
  });

  it("explains a malformed username without asking the server", async () => {
    const server = await renderPage();
    await invite("b_");
    expect(server.added).toEqual([]);
    expect((await screen.findByRole("alert")).textContent).toMatch(/3 to 39/);
    expect(
      screen.getByLabelText("Email or username").getAttribute("aria-invalid"),
    ).toBe("true");
  });
});
