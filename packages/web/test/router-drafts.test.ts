// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { matchPath } from "../src/app/router.tsx";
import { safeNext } from "../src/pages/auth/SignInPage.tsx";
import { loadDraft, saveDraft } from "../src/pages/projects/drafts.ts";

describe("matchPath", () => {
  it("returns decoded params for a matching path and null otherwise", () => {
    expect(
      matchPath("/projects/:id/circuits/:cid", "/projects/p%201/circuits/c2"),
    ).toEqual({
      id: "p 1",
      cid: "c2",
    });
    expect(matchPath("/projects/:id", "/projects/abc/")).toEqual({ id: "abc" });
    expect(matchPath("/projects/:id", "/projects")).toBeNull();
    expect(matchPath("/projects/:id", "/projects/a/members")).toBeNull();
    expect(matchPath("/projects/:id", "/projects/%E0%A4%A")).toBeNull();
  });
});

describe("safeNext", () => {
  it("follows only same-app paths after sign-in", () => {
    expect(safeNext("/projects/1?rev=2")).toBe("/projects/1?rev=2");
    expect(safeNext("//evil.example/x")).toBe("/projects");
    expect(safeNext("https://evil.example")).toBe("/projects");
    expect(safeNext(null)).toBe("/projects");
  });
});

describe("drafts", () => {
  afterEach(() => sessionStorage.clear());

  it("keeps a draft per circuit in sessionStorage and forgets it on null", () => {
    saveDraft("c1", { text: "qreg q[1];", baseRevision: 3 });
    expect(loadDraft("c1")).toEqual({ text: "qreg q[1];", baseRevision: 3 });
    expect(loadDraft("c2")).toBeNull();
    saveDraft("c1", null);
    expect(loadDraft("c1")).toBeNull();
  });

  it("ignores a stored value that is not a draft", () => {
    sessionStorage.setItem("sf.draft.c3", "{not json");
    sessionStorage.setItem("sf.draft.c4", JSON.stringify({ text: 1 }));
    expect(loadDraft("c3")).toBeNull();
    expect(loadDraft("c4")).toBeNull();
  });
});
