/**
 * Job events across processes: with Redis pub/sub (REDIS_URL) or PostgreSQL LISTEN/NOTIFY, an API
 * replica streams a job that runs on another worker, status and progress pushed (its database
 * poll is 5 s in this mode) and a cancel reaches the worker within a second. Each "process" here
 * is an app with its own database pool and its own bus; they share only PostgreSQL (and Redis).
 */
import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type Database } from "../src/database/database.ts";
import {
  createJobEventBus,
  postgresTransport,
  redisTransport,
  type JobSignal,
} from "../src/jobs/event-bus.ts";
import { createPostgresDatabase } from "./helpers/engines.ts";
import { bearer, buildTestApp, signUp } from "./helpers/test-app.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
if (!pgUrl)
  console.warn("[jobs-events] TEST_DATABASE_URL is not set: skipping");
if (!redisUrl)
  console.warn(
    "[jobs-events] TEST_REDIS_URL is not set: skipping the Redis run",
  );

// Runs for hours unless cancelled.
const SLOW = `OPENQASM 3.0;
include "stdgates.inc";
qubit[10] q;
bit[10] c;
for int i in [0:199] {
  h q;
  c = measure q;
}
`;

const TRANSPORTS = [
  { name: "postgres LISTEN/NOTIFY", redis: false, skip: !pgUrl },
  { name: "redis pub/sub", redis: true, skip: !pgUrl || !redisUrl },
];

for (const t of TRANSPORTS) {
  describe.skipIf(t.skip)(`Job events across processes [${t.name}]`, () => {
    let created: { url: string; drop: () => Promise<void> };
    const databases: Database[] = [];
    const apps: FastifyInstance[] = [];
    const redises: Redis[] = [];
    const namespace = randomBytes(4).toString("hex");

    const open = async () => {
      const db = await openPostgres(created.url, 4);
      databases.push(db);
      return db;
    };
    const transport = async () => {
      if (!t.redis) return postgresTransport(await poolOf(await open()));
      const pub = new Redis(redisUrl ?? "");
      const sub = new Redis(redisUrl ?? "");
      redises.push(pub);
      return redisTransport(pub, sub, `sf-jobs:${namespace}`);
    };
    const poolOf = async (db: Database) =>
      (db.db as unknown as { $client: import("pg").Pool }).$client;

    beforeAll(async () => {
      created = await createPostgresDatabase(pgUrl ?? "");
      await (await open()).migrate();
    }, 60_000);

    afterAll(async () => {
      for (const a of apps) await a.close();
      for (const r of redises) r.disconnect();
      for (const d of databases) await d.close();
      await created?.drop();
    });

    it("delivers changes, progress and queued notices from one bus to another, once", async () => {
      const a = createJobEventBus(await transport());
      const b = createJobEventBus(await transport());
      await a.start();
      await b.start();
      try {
        const seenB: JobSignal[] = [];
        const seenA: JobSignal[] = [];
        b.subscribe("job-1", (s) => seenB.push(s));
        a.subscribe("job-1", (s) => seenA.push(s));
        const queued: string[] = [];
        b.onQueued((q) => queued.push(q));
        a.changed("job-1");
        a.progress("job-1", 0.5);
        a.queued("simulate");
        a.changed("job-2");
        const until = Date.now() + 3000;
        while ((seenB.length < 2 || queued.length < 1) && Date.now() < until)
          await new Promise((r) => setTimeout(r, 10));
        expect(seenB).toEqual([
          { kind: "changed" },
          { kind: "progress", fraction: 0.5 },
        ]);
        expect(queued).toEqual(["simulate"]);
        await new Promise((r) => setTimeout(r, 200));
        // the publisher saw its own signals once (in-process), not again from the transport
        expect(seenA).toHaveLength(2);
        expect(seenB).toHaveLength(2);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it("streams a job running on another process (status and progress pushed) and cancels it there", async () => {
      const config = t.redis ? { redisUrl } : {};
      const api = await buildTestApp(await open(), config, {
        redisNamespace: namespace,
        jobs: { runWorker: false },
      });
      apps.push(api);
      const worker = await buildTestApp(await open(), config, {
        redisNamespace: namespace,
        jobs: { runWorker: true, threads: 1 },
      });
      apps.push(worker);
      const base = await api.listen({ port: 0, host: "127.0.0.1" });
      const user = await signUp(api, "events");
      const project = (
        await api.inject({
          method: "POST",
          url: "/api/v1/projects",
          headers: bearer(user.accessToken),
          payload: { name: "Events" },
        })
      ).json() as { id: string };
      const submitted = await api.inject({
        method: "POST",
        url: `/api/v1/projects/${project.id}/jobs`,
        headers: bearer(user.accessToken),
        payload: { source: SLOW, shots: 1_000_000, seed: 3 },
      });
      expect(submitted.statusCode, submitted.body).toBe(201);
      const id = (submitted.json() as { id: string }).id;

      const ac = new AbortController();
      const res = await fetch(`${base}/api/v1/jobs/${id}/events`, {
        headers: bearer(user.accessToken),
        signal: ac.signal,
      });
      expect(res.status).toBe(200);
      // The stream polls the database every 5 s across processes (POLL_CROSS_PROCESS_MS in
      // job-stream.ts): an event that arrives before its first poll was pushed.
      const openedAt = Date.now();
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      const events: { event: string; data: { status?: string }; at: number }[] =
        [];
      let buf = "";
      let cancelAt = 0;
      const deadline = setTimeout(() => ac.abort(), 20_000);
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            const ev = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (!ev || !data) continue;
            events.push({ event: ev, data: JSON.parse(data), at: Date.now() });
          }
          const sawProgress = events.some((e) => e.event === "progress");
          if (sawProgress && cancelAt === 0) {
            cancelAt = Date.now();
            const c = await api.inject({
              method: "POST",
              url: `/api/v1/jobs/${id}/cancel`,
              headers: bearer(user.accessToken),
            });
            expect(c.statusCode).toBe(200);
          }
          if (events.some((e) => e.data.status === "cancelled")) break;
        }
      } finally {
        clearTimeout(deadline);
        ac.abort();
      }
      const running = events.find(
        (e) =>
          (e.event === "status" || e.event === "state") &&
          e.data.status === "running",
      );
      expect(running, JSON.stringify(events)).toBeDefined();
      // pushed: the first event after the connect-time state (the running status or a
      // progress) arrived before the stream's first database poll could have brought it
      const firstLive = events.find((e) => e.event !== "state");
      expect(firstLive, JSON.stringify(events)).toBeDefined();
      expect(firstLive!.at - openedAt).toBeLessThan(5000);
      expect(events.some((e) => e.event === "progress")).toBe(true);
      const cancelled = events.find((e) => e.data.status === "cancelled");
      expect(cancelled).toBeDefined();
      // the worker (another process) saw the cancel and stopped the simulation: its run ended
      // as cancelled (had it run to the end it would count as succeeded)
      const until = Date.now() + 20_000;
      let attempts: number | undefined;
      for (;;) {
        const j = (
          await api.inject({
            url: `/api/v1/jobs/${id}`,
            headers: bearer(user.accessToken),
          })
        ).json() as { status: string; attempts: number };
        attempts = j.attempts;
        expect(j.status).toBe("cancelled");
        const m = await worker.inject({ url: "/metrics" });
        if (
          /stepfault_job_run_seconds_count\{[^}]*status="cancelled"/.test(
            m.body,
          )
        )
          break;
        if (Date.now() > until)
          throw new Error("the worker never stopped the job");
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(attempts).toBe(1);
    }, 40_000);
  });
}
