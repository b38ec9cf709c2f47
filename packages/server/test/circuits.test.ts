import { beforeAll, describe, expect, it } from "vitest";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

const BELL2 =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n';
const BELL3 =
  'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nbit[3] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';

describeOnEngines("Circuits API", (ctx) => {
  let owner: TestUser;
  let viewer: TestUser;
  let projectId: string;
  const base = () => `/api/v1/projects/${projectId}/circuits`;

  beforeAll(async () => {
    owner = await signUp(ctx.app, "owner");
    viewer = await signUp(ctx.app, "viewer");
    const p = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: bearer(owner.accessToken),
      payload: { name: "Circuits" },
    });
    projectId = (p.json() as { id: string }).id;
    await ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/members`,
      headers: bearer(owner.accessToken),
      payload: { email: viewer.email, role: "viewer" },
    });
  });

  async function create(name: string, source = BELL2) {
    return ctx.app.inject({
      method: "POST",
      url: base(),
      headers: bearer(owner.accessToken),
      payload: { name, source },
    });
  }

  describe("create and get", () => {
    it("stores a circuit as revision 1 with its language detected from the header", async () => {
      const res = await create("bell", BELL2);
      expect(res.statusCode, res.body).toBe(201);
      const c = res.json() as {
        id: string;
        language: string;
        revision: number;
        numQubits: number;
      };
      expect(c).toMatchObject({ language: "openqasm2", revision: 1 });
      expect(c.numQubits).toBe(2);
      const got = await ctx.app.inject({
        method: "GET",
        url: `${base()}/${c.id}`,
        headers: bearer(viewer.accessToken),
      });
      expect(got.statusCode).toBe(200);
      expect((got.json() as { source: string }).source).toBe(BELL2);
      const three = await create("ghz3", BELL3);
      expect((three.json() as { language: string }).language).toBe("openqasm3");
    });

    it("answers 409 CIRCUIT_NAME_TAKEN for a duplicate name in the project", async () => {
      await create("dup");
      expectProblem(await create("dup"), 409, "CIRCUIT_NAME_TAKEN");
    });

    it("forbids a viewer from creating (403) and answers 404 for an unknown circuit", async () => {
      const res = await ctx.app.inject({
        method: "POST",
        url: base(),
        headers: bearer(viewer.accessToken),
        payload: { name: "nope", source: BELL2 },
      });
      expectProblem(res, 403, "FORBIDDEN");
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url: `${base()}/00000000-0000-4000-8000-000000000000`,
          headers: bearer(owner.accessToken),
        }),
        404,
        "CIRCUIT_NOT_FOUND",
      );
    });
  });

  describe("validation", () => {
    it("answers 422 CIRCUIT_INVALID with diagnostics carrying code, line and column", async () => {
      const bad =
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0]\ncx q[0],q[1];\nfoo q[0];\n';
      const res = await create("broken", bad);
      const body = expectProblem(res, 422, "CIRCUIT_INVALID");
      const diags = body.diagnostics as {
        code: string;
        message: string;
        line: number;
        column: number;
      }[];
      expect(diags.length).toBeGreaterThan(0);
      for (const d of diags) {
        expect(d.code).toMatch(/^[A-Z0-9_]+$/);
        expect(d.line).toBeGreaterThanOrEqual(1);
        expect(d.column).toBeGreaterThanOrEqual(1);
      }
      expect(diags[0].line).toBeGreaterThanOrEqual(4);
      const list = await ctx.app.inject({
        method: "GET",
        url: `${base()}?q=broken`,
        headers: bearer(owner.accessToken),
      });
      expect((list.json() as { items: unknown[] }).items).toHaveLength(0);
    });

    it("rejects an invalid update with 422 and keeps the previous revision", async () => {
      const c = (await create("keep")).json() as { id: string };
      const res = await ctx.app.inject({
        method: "PATCH",
        url: `${base()}/${c.id}`,
        headers: bearer(owner.accessToken),
        payload: {
          source: "OPENQASM 2.0;\nqreg q[1];\nundefined_gate q[0];\n",
        },
      });
      expectProblem(res, 422, "CIRCUIT_INVALID");
      const got = await ctx.app.inject({
        method: "GET",
        url: `${base()}/${c.id}`,
        headers: bearer(owner.accessToken),
      });
      expect(got.json()).toMatchObject({ revision: 1, source: BELL2 });
    });
  });

  describe("update and revisions", () => {
    it("stores every source save as a new revision; a rename alone does not", async () => {
      const c = (await create("evolving")).json() as { id: string };
      const upd = await ctx.app.inject({
        method: "PATCH",
        url: `${base()}/${c.id}`,
        headers: bearer(owner.accessToken),
        payload: { source: BELL3 },
      });
      expect(upd.statusCode, upd.body).toBe(200);
      expect(upd.json()).toMatchObject({ revision: 2, language: "openqasm3" });
      const ren = await ctx.app.inject({
        method: "PATCH",
        url: `${base()}/${c.id}`,
        headers: bearer(owner.accessToken),
        payload: { name: "evolved" },
      });
      expect(ren.json()).toMatchObject({ revision: 2, name: "evolved" });
      const revs = await ctx.app.inject({
        method: "GET",
        url: `${base()}/${c.id}/revisions`,
        headers: bearer(viewer.accessToken),
      });
      expect(
        (revs.json() as { revision: number }[]).map((r) => r.revision),
      ).toEqual([2, 1]);
      const r1 = await ctx.app.inject({
        method: "GET",
        url: `${base()}/${c.id}/revisions/1`,
        headers: bearer(viewer.accessToken),
      });
      expect(r1.json()).toMatchObject({
        revision: 1,
        source: BELL2,
        language: "openqasm2",
      });
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url: `${base()}/${c.id}/revisions/9`,
          headers: bearer(viewer.accessToken),
        }),
        404,
        "REVISION_NOT_FOUND",
      );
    });

    it("answers 409 when renaming onto an existing name and 400 for an empty patch", async () => {
      await create("taken-name");
      const c = (await create("other-name")).json() as { id: string };
      expectProblem(
        await ctx.app.inject({
          method: "PATCH",
          url: `${base()}/${c.id}`,
          headers: bearer(owner.accessToken),
          payload: { name: "taken-name" },
        }),
        409,
        "CIRCUIT_NAME_TAKEN",
      );
      expectProblem(
        await ctx.app.inject({
          method: "PATCH",
          url: `${base()}/${c.id}`,
          headers: bearer(owner.accessToken),
          payload: {},
        }),
        400,
        "VALIDATION_FAILED",
      );
    });

    it("deletes a circuit with its revisions", async () => {
      const c = (await create("doomed")).json() as { id: string };
      const del = await ctx.app.inject({
        method: "DELETE",
        url: `${base()}/${c.id}`,
        headers: bearer(owner.accessToken),
      });
      expect(del.statusCode).toBe(204);
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url: `${base()}/${c.id}/revisions`,
          headers: bearer(owner.accessToken),
        }),
        404,
        "CIRCUIT_NOT_FOUND",
      );
    });
  });

  describe("list", () => {
    it("pages through circuits by name with a cursor, without gaps or repeats", async () => {
      const p = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(owner.accessToken),
        payload: { name: "Paging" },
      });
      const pid = (p.json() as { id: string }).id;
      const names = ["c-07", "a-01", "b-03", "a-02", "B-04", "c-05", "c-06"];
      for (const name of names) {
        const r = await ctx.app.inject({
          method: "POST",
          url: `/api/v1/projects/${pid}/circuits`,
          headers: bearer(owner.accessToken),
          payload: { name, source: BELL2 },
        });
        expect(r.statusCode).toBe(201);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/projects/${pid}/circuits?limit=3${cursor ? `&cursor=${cursor}` : ""}`;
        const res = await ctx.app.inject({
          method: "GET",
          url,
          headers: bearer(owner.accessToken),
        });
        const body = res.json() as {
          items: { name: string }[];
          nextCursor: string | null;
        };
        seen.push(...body.items.map((i) => i.name));
        cursor = body.nextCursor;
        pages++;
      } while (cursor !== null && pages < 10);
      expect(pages).toBe(3);
      expect(seen).toEqual([...names].sort());

      const search = await ctx.app.inject({
        method: "GET",
        url: `/api/v1/projects/${pid}/circuits?q=C-0`,
        headers: bearer(owner.accessToken),
      });
      expect(
        (search.json() as { items: { name: string }[] }).items.map(
          (i) => i.name,
        ),
      ).toEqual(["c-05", "c-06", "c-07"]);
      const literal = await ctx.app.inject({
        method: "GET",
        url: `/api/v1/projects/${pid}/circuits?q=${encodeURIComponent("%")}`,
        headers: bearer(owner.accessToken),
      });
      expect((literal.json() as { items: unknown[] }).items).toHaveLength(0);
    });

    it("lists summaries equal to each circuit without its source, to viewers only", async () => {
      const p = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(owner.accessToken),
        payload: { name: "Summaries" },
      });
      const pid = (p.json() as { id: string }).id;
      const url = `/api/v1/projects/${pid}/circuits`;
      const empty = await ctx.app.inject({
        method: "GET",
        url,
        headers: bearer(owner.accessToken),
      });
      expect(empty.json()).toEqual({ items: [], nextCursor: null });
      const made = await ctx.app.inject({
        method: "POST",
        url,
        headers: bearer(owner.accessToken),
        payload: { name: "three", source: BELL3 },
      });
      const id = (made.json() as { id: string }).id;
      // A rename bumps updatedAt, so both timestamps are checked after a change.
      await ctx.app.inject({
        method: "PATCH",
        url: `${url}/${id}`,
        headers: bearer(owner.accessToken),
        payload: { source: BELL2 },
      });
      const got = (
        await ctx.app.inject({
          method: "GET",
          url: `${url}/${id}`,
          headers: bearer(owner.accessToken),
        })
      ).json() as Record<string, unknown>;
      const list = await ctx.app.inject({
        method: "GET",
        url,
        headers: bearer(owner.accessToken),
      });
      expect(list.statusCode).toBe(200);
      const { source, ...summary } = got;
      expect(source).toBe(BELL2);
      expect(list.json()).toEqual({ items: [summary], nextCursor: null });
      expect(summary).toMatchObject({ revision: 2, language: "openqasm2" });
      // Not a member: 404 whether or not the project has circuits; no token: 401.
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url,
          headers: bearer(viewer.accessToken),
        }),
        404,
        "PROJECT_NOT_FOUND",
      );
      expectProblem(
        await ctx.app.inject({ method: "GET", url }),
        401,
        "UNAUTHENTICATED",
      );
    });

    it("answers 400 for a garbage cursor", async () => {
      const res = await ctx.app.inject({
        method: "GET",
        url: `${base()}?cursor=%%%`,
        headers: bearer(owner.accessToken),
      });
      expect(res.statusCode).toBe(400);
    });
  });
});
