/** A real StepFault server on an in-process PGlite database, and an SDK client signed in to it. */
import type { FastifyInstance } from "fastify";
import {
  openPglite,
  type Database,
} from "../../server/src/database/database.ts";
import { buildTestApp } from "../../server/test/helpers/test-app.ts";
import { createClient, type StepFaultClient } from "../src/index.ts";

/** The server, a signed-in client and a project of its account. */
export interface SdkServer {
  readonly client: StepFaultClient;
  readonly projectId: string;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** Starts the server (at most `maxQubits` per job), signs a new account in and creates a project. */
export async function startSdkServer(
  name: string,
  opts: { maxQubits?: number } = {},
): Promise<SdkServer> {
  const database: Database = await openPglite(undefined);
  await database.migrate();
  const app: FastifyInstance = await buildTestApp(
    database,
    {},
    { jobs: { maxQubits: opts.maxQubits ?? 8 } },
  );
  const baseUrl = await app.listen({ port: 0, host: "127.0.0.1" });
  const client = createClient({ baseUrl });
  const email = `sdk-${name}-${Date.now()}@example.test`;
  const password = "correct horse battery";
  await client.auth.register({ email, password });
  client.setToken((await client.auth.login({ email, password })).accessToken);
  const projectId = (await client.projects.create(name)).id;
  return {
    client,
    projectId,
    baseUrl,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
