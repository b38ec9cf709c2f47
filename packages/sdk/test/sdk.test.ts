import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BELL } from "../../server/test/helpers/circuits.ts";
import {
  createClient,
  StepFaultApiError,
  type StepFaultClient,
} from "../src/index.ts";
import { startSdkServer, type SdkServer } from "./harness.ts";

describe("StepFault SDK against a real server [pglite]", () => {
  let server: SdkServer;
  let client: StepFaultClient;
  let projectId: string;

  beforeAll(async () => {
    server = await startSdkServer("SDK");
    ({ client, projectId } = server);
  }, 60_000);

  afterAll(() => server?.close());

  describe("waitForJob", () => {
    it("follows the event stream to the result", async () => {
      const events: string[] = [];
      const job = await client.submitJob(projectId, {
        source: BELL,
        shots: 300,
        seed: 9,
      });
      expect(job.status).toBe("queued");
      const done = await client.waitForJob(job.id, {
        onEvent: (e) => events.push(e.event),
      });
      expect(done.status).toBe("succeeded");
      expect(Object.keys(done.result?.counts ?? {}).sort()).toEqual([
        "00",
        "11",
      ]);
      expect(
        Object.values(done.result?.counts ?? {}).reduce((a, b) => a + b, 0),
      ).toBe(300);
      expect(events[0]).toBe("state");
    });

    it("polls when asked to, with the same result for the same seed", async () => {
      const a = await client.waitForJob(
        (
          await client.submitJob(projectId, {
            source: BELL,
            shots: 300,
            seed: 9,
          })
        ).id,
        { poll: true },
      );
      const b = await client.waitForJob(
        (
          await client.submitJob(projectId, {
            source: BELL,
            shots: 300,
            seed: 9,
          })
        ).id,
      );
      expect(a.status).toBe("succeeded");
      expect(a.result?.counts).toEqual(b.result?.counts);
    });

    it("sends the idempotency key so a retry returns the first job", async () => {
      const key = `sdk-${Date.now()}`;
      const a = await client.submitJob(
        projectId,
        { source: BELL, shots: 5 },
        { idempotencyKey: key },
      );
      const b = await client.submitJob(
        projectId,
        { source: BELL, shots: 5 },
        { idempotencyKey: key },
      );
      expect(b.id).toBe(a.id);
    });
  });

  describe("StepFaultApiError", () => {
    it("carries the catalog code, the status and the problem's members", async () => {
      const err = await client
        .submitJob(projectId, {
          source:
            'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[9];\ncreg c[9];\nmeasure q -> c;\n',
          shots: 1,
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StepFaultApiError);
      const e = err as StepFaultApiError;
      expect(e.code).toBe("JOB_LIMIT_EXCEEDED");
      expect(e.status).toBe(422);
      expect(e.problem.limit).toBe("maxQubits");
      const missing = await client.jobs
        .get("00000000-0000-4000-8000-000000000000")
        .catch((x: unknown) => x);
      expect((missing as StepFaultApiError).code).toBe("JOB_NOT_FOUND");
      expect((missing as StepFaultApiError).status).toBe(404);
    });

    it("reports an unreachable server as NETWORK_ERROR with status 0", async () => {
      const off = createClient({ baseUrl: "http://127.0.0.1:1" });
      const e = (await off.me().catch((x: unknown) => x)) as StepFaultApiError;
      expect(e).toBeInstanceOf(StepFaultApiError);
      expect(e.code).toBe("NETWORK_ERROR");
      expect(e.status).toBe(0);
    });
  });
});
