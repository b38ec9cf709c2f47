import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import fastifyStatic from "@fastify/static";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { Redis } from "ioredis";
import type { ServerConfig } from "./config/config.ts";
import type { Database } from "./database/database.ts";
import { createLogger } from "./logger.ts";
import { circuitCompiler } from "./quantum-bridge.ts";
import { adminRoutes } from "./api/routes/admin.route.ts";
import { authRoutes } from "./api/routes/auth.route.ts";
import { circuitsRoutes } from "./api/routes/circuits.route.ts";
import { noiseModelsRoutes } from "./api/routes/noise-models.route.ts";
import { healthRoutes } from "./api/routes/health.route.ts";
import { meRoutes } from "./api/routes/me.route.ts";
import { projectsRoutes } from "./api/routes/projects.route.ts";
import { jobsRoutes } from "./api/routes/jobs.route.ts";
import { webhooksRoutes } from "./api/routes/webhooks.route.ts";
import { openFileStore, type FileStore } from "./files/file-store.ts";
import { createResultStore } from "./jobs/result-store.ts";
import type { WebhookSettings } from "./webhooks/dispatcher.ts";
import { startWebhooks } from "./webhooks/runtime.ts";
import { registerWebhookMetrics } from "./webhooks/metrics.ts";
import { createWebhooksService } from "./services/core/webhooks.service.ts";
import { assistantRoutes } from "./api/routes/assistant.route.ts";
import { createAssistantService } from "./services/ai/assistant.service.ts";
import { createAiProvider } from "./services/ai/providers.ts";
import { createResilientProvider } from "./services/ai/resilience.ts";
import { createAiUsageRepository } from "./repositories/ai-usage.repository.ts";
import { createConversationsRepository } from "./repositories/conversations.repository.ts";
import { busTransportFor, createJobEventBus } from "./jobs/event-bus.ts";
import { DEFAULT_JOB_SETTINGS, type JobSettings } from "./jobs/limits.ts";
import { registerJobMetrics } from "./jobs/metrics.ts";
import { openJobQueue } from "./jobs/queue.ts";
import { invitationsRoutes } from "./api/routes/invitations.route.ts";
import { createInvitationsRepository } from "./repositories/invitations.repository.ts";
import { createInvitationsService } from "./services/core/invitations.service.ts";
import { createSystemHealth } from "./services/core/system-health.ts";
import { startJobWorker } from "./jobs/worker.ts";
import { createJobsRepository } from "./repositories/jobs.repository.ts";
import { createJobsService } from "./services/core/jobs.service.ts";
import { compileQasm } from "@stepfault/quantum";
import { installAuthentication } from "./api/plugins/auth.plugin.ts";
import { installMetrics } from "./api/plugins/metrics.plugin.ts";
import { installProblemHandlers } from "./api/plugins/problem.plugin.ts";
import {
  CONTENT_SECURITY_POLICY,
  installSecurityHeaders,
} from "./api/plugins/security-headers.plugin.ts";
import { Problem } from "@stepfault/contract";
import { textPolicyPlugin } from "./api/plugins/text-policy.plugin.ts";
import { createCircuitsRepository } from "./repositories/circuits.repository.ts";
import { createNoiseModelsRepository } from "./repositories/noise-models.repository.ts";
import { createNoiseModelsService } from "./services/core/noise-models.service.ts";
import { createOutboxRepository } from "./repositories/outbox.repository.ts";
import { createProjectsRepository } from "./repositories/projects.repository.ts";
import { createTokensRepository } from "./repositories/tokens.repository.ts";
import { createUsersRepository } from "./repositories/users.repository.ts";
import { createAccessService } from "./services/core/access.service.ts";
import { createAdminService } from "./services/core/admin.service.ts";
import { createApiKeysService } from "./services/core/api-keys.service.ts";
import { createAuthService } from "./services/core/auth.service.ts";
import {
  createCircuitsService,
  type CircuitCompiler,
} from "./services/core/circuits.service.ts";
import { createMailer } from "./services/core/mail.service.ts";
import { createProjectsService } from "./services/core/projects.service.ts";
import {
  createUserCache,
  shareInvalidations,
} from "./services/core/user-cache.ts";

/** What `buildApp` needs besides the config; tests pass their own database. */
export interface AppDeps {
  readonly database: Database;
  /** OpenQASM compiler that validates circuits; default: compileQasm of @stepfault/quantum. */
  readonly compile?: CircuitCompiler;
  /** A logger instance (e.g. a pino logger writing to a test stream); default: pino at config.logLevel. */
  readonly logger?: FastifyBaseLogger;
  /** Key prefix for rate-limit counters in Redis (lets tests share one Redis). */
  readonly redisNamespace?: string;
  /** Folder of the built web app to serve at `/`; default `packages/web/dist` when it exists. */
  readonly webDir?: string | null;
  /** Job limits, quotas and worker settings (defaults in jobs/limits.ts); `runWorker: false` for API only. */
  readonly jobs?: Partial<JobSettings>;
  /** Webhook delivery tuning over the config's (tests shorten the retry delays). */
  readonly webhooks?: Partial<WebhookSettings>;
  /** The file store for large results; default: the one `config.fileStore` describes. */
  readonly fileStore?: FileStore;
}

const DEFAULT_WEB_DIR = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "web",
  "dist",
);

/** Builds the Fastify app (not listening): plugins, routes, error handling. Close it with `app.close()`. */
/** Trusts the nearest `hops` proxies (the address at hop i is trusted when i < hops). */
function hopsTrusted(hops: number): (address: string, hop: number) => boolean {
  return (_address, hop) => hop < hops;
}

export async function buildApp(
  config: ServerConfig,
  deps: AppDeps,
): Promise<FastifyInstance> {
  if (config.jwtSecret === undefined)
    throw new Error("invariant: buildApp needs a resolved jwtSecret");
  const app: FastifyInstance = Fastify({
    loggerInstance: deps.logger ?? createLogger(config.logLevel),
    bodyLimit: config.bodyLimitBytes,
    trustProxy:
      typeof config.trustProxy === "number"
        ? hopsTrusted(config.trustProxy)
        : typeof config.trustProxy === "object"
          ? [...config.trustProxy]
          : config.trustProxy,
    // Accept a caller's X-Request-Id only when it is short and plain; otherwise make one.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers["x-request-id"];
      return typeof given === "string" && /^[\w.:-]{1,64}$/.test(given)
        ? given
        : randomUUID();
    },
    return503OnClosing: true,
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: "array",
        useDefaults: true,
      },
      // the plugin types the one Ajv method it calls; Fastify types plugins against Ajv itself
      plugins: [textPolicyPlugin as unknown as never],
    },
  }) as unknown as FastifyInstance;

  app.decorateRequest("caller", null);
  // Graceful shutdown: once closing, responses still in flight ask the client to drop the
  // keep-alive connection, so server.close() is not held open by idle sockets.
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
    app.server.closeIdleConnections?.();
  });
  app.addHook("onSend", (_req, reply, payload, done) => {
    if (closing) void reply.header("connection", "close");
    done(null, payload);
  });
  const webDir = deps.webDir === undefined ? DEFAULT_WEB_DIR : deps.webDir;
  const spa = webDir !== null && existsSync(join(webDir, "index.html"));
  installProblemHandlers(app, { spa });

  // Helmet's headers and the request id, computed once (see security-headers.plugin.ts).
  installSecurityHeaders(app, {
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  });
  // Without configured origins CORS is off: no hook at all (OPTIONS answers 404 either way).
  if (config.corsOrigins.length > 0)
    await app.register(cors, {
      origin: [...config.corsOrigins],
      credentials: true,
    });
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, {
        maxRetriesPerRequest: 2,
        lazyConnect: false,
      })
    : undefined;
  await app.register(rateLimit, {
    global: false,
    ...(redis
      ? { redis, nameSpace: `sf-rl:${deps.redisNamespace ?? ""}` }
      : {}),
  });
  app.addSchema(Problem);
  await app.register(swagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "StepFault API",
        version: "0.1.0",
        description: "Self-hosted quantum computing platform",
      },
      components: {
        securitySchemes: { bearerAuth: { type: "http", scheme: "bearer" } },
      },
    },
    refResolver: {
      buildLocalReference: (json, _base, _frag, i) =>
        typeof json.$id === "string" ? json.$id : `def-${i}`,
    },
  });
  await app.register(swaggerUi, { routePrefix: "/api/docs" });
  app.get("/api/openapi.json", { schema: { hide: true } }, async () =>
    app.swagger(),
  );

  const { db } = deps.database;
  const users = createUsersRepository(db);
  const tokens = createTokensRepository(db);
  const projectsRepo = createProjectsRepository(db);
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    outbox: createOutboxRepository(db),
    log: app.log,
  });
  const shared = redis
    ? await shareInvalidations(
        createUserCache(),
        redis,
        redis.duplicate(),
        `sf-user-invalidate:${deps.redisNamespace ?? ""}`,
      )
    : undefined;
  const userCache = shared?.cache ?? createUserCache();
  const auth = createAuthService({
    db,
    userCache,
    users,
    tokens,
    mailer,
    jwtSecret: config.jwtSecret,
    accessTtlSeconds: config.accessTokenTtlSeconds,
    refreshTtlSeconds: config.refreshTokenTtlSeconds,
    publicUrl: config.publicUrl,
  });
  const access = createAccessService({ projects: projectsRepo });
  const services = {
    auth,
    apiKeys: createApiKeysService({ tokens }),
    admin: createAdminService({ users, tokens, userCache }),
    projects: createProjectsService({
      projects: projectsRepo,
      users,
      access,
      beforeDelete: async (projectId) => {
        const keys = await jobsRepo.storedResultKeys(projectId);
        return async () => {
          for (const key of keys)
            await fileStore
              .delete(key)
              .catch((err: unknown) =>
                app.log.warn({ err, key }, "could not delete a result file"),
              );
        };
      },
    }),
    circuits: createCircuitsService({
      circuits: createCircuitsRepository(db),
      access,
      compile: deps.compile ?? circuitCompiler(),
    }),
    invitations: createInvitationsService({
      invitations: createInvitationsRepository(db),
      projects: projectsRepo,
      access,
      mailer,
      publicUrl: config.publicUrl,
    }),
    noiseModels: createNoiseModelsService({
      noiseModels: createNoiseModelsRepository(db),
      access,
    }),
  };

  const jobSettings: JobSettings = {
    ...DEFAULT_JOB_SETTINGS,
    ...config.jobs,
    ...deps.jobs,
  };
  const metricsRegistry = installMetrics(app);
  const webhookRuntime = startWebhooks(
    db,
    { ...config.webhooks, ...deps.webhooks },
    app.log,
    registerWebhookMetrics(metricsRegistry),
  );
  const fileStore = deps.fileStore ?? openFileStore(config.fileStore);
  const results = createResultStore(
    fileStore,
    jobSettings.resultInlineMaxBytes,
  );
  const jobsRepo = createJobsRepository(db, webhookRuntime.jobHooks);
  const jobBus = createJobEventBus(
    busTransportFor(deps.database, redis, deps.redisNamespace),
  );
  await jobBus.start();
  const jobQueue = await openJobQueue(deps.database, jobSettings);
  const jobMetrics = registerJobMetrics(metricsRegistry, {
    countByStatus: () => jobsRepo.countByStatus(),
    queueDepth: () => jobQueue.depth(),
  });
  const jobWorker = jobSettings.runWorker
    ? await startJobWorker({
        queue: jobQueue,
        jobs: jobsRepo,
        bus: jobBus,
        settings: jobSettings,
        log: app.log,
        metrics: jobMetrics,
        results,
      })
    : undefined;
  const jobsService = createJobsService({
    jobs: jobsRepo,
    circuits: createCircuitsRepository(db),
    noiseModels: services.noiseModels,
    access,
    queue: jobQueue,
    bus: jobBus,
    compile: (source, o) => compileQasm(source, { ...o, maxOps: 1_000_000 }),
    settings: jobSettings,
    results,
    log: app.log,
  });
  const webhooksService = createWebhooksService({
    webhooks: webhookRuntime.repo,
    access,
    wake: () => webhookRuntime.dispatcher.wake(),
  });
  const aiProvider = createAiProvider(config.ai);
  const assistant = createAssistantService({
    config: config.ai,
    provider: aiProvider && createResilientProvider(aiProvider, config.ai),
    access,
    circuits: services.circuits,
    jobs: jobsService,
    conversations: createConversationsRepository(db),
    usage: createAiUsageRepository(db),
    compile: circuitCompiler(),
    memoryLimitBytes: jobSettings.memoryLimitBytes,
    log: app.log,
  });
  app.addHook("onClose", async () => {
    await assistant.close();
    await jobQueue.stop();
    await jobWorker?.stop();
    await webhookRuntime.dispatcher.stop();
    if (deps.fileStore === undefined) await fileStore.close();
    await jobBus.close();
  });

  await app.register(healthRoutes, { isReady: () => deps.database.isReady() });
  await app.register(
    async (api) => {
      installAuthentication(api, auth, config.apiRateLimitPerMinute);
      await api.register(authRoutes, {
        auth,
        perMinute: config.authRateLimitPerMinute,
        refreshTtlSeconds: config.refreshTokenTtlSeconds,
      });
      await api.register(meRoutes, { auth, apiKeys: services.apiKeys });
      await api.register(adminRoutes, {
        admin: services.admin,
        health: createSystemHealth({
          database: deps.database,
          queueDepth: () => jobQueue.depth(),
          countByStatus: () => jobsRepo.countByStatus(),
          fileStore,
          localDir:
            config.fileStore.kind === "local"
              ? config.fileStore.dir
              : undefined,
          runWorker: jobSettings.runWorker,
          threads: jobSettings.threads,
          recoverAfterSeconds: jobSettings.expireInSeconds,
        }),
      });
      await api.register(projectsRoutes, { projects: services.projects });
      await api.register(invitationsRoutes, {
        invitations: services.invitations,
      });
      await api.register(circuitsRoutes, { circuits: services.circuits });
      await api.register(noiseModelsRoutes, {
        noiseModels: services.noiseModels,
      });
      await api.register(jobsRoutes, { jobs: jobsService });
      await api.register(webhooksRoutes, { webhooks: webhooksService });
      await api.register(assistantRoutes, { assistant });
    },
    { prefix: "/api/v1" },
  );

  if (spa && webDir !== null)
    await app.register(fastifyStatic, {
      root: webDir,
      wildcard: false,
      // The build writes .br and .gz beside each asset; the one the client accepts is sent.
      preCompressed: true,
      // Vite's file names under /assets/ carry a content hash, so they never change; everything
      // else (index.html, the favicon) is revalidated so a new build is seen at once.
      cacheControl: false,
      setHeaders: (reply, path) => {
        void reply.header("cache-control", webCacheControl(path));
      },
    });
  app.addHook("onClose", async () => {
    mailer.close();
    await shared?.close();
    if (redis) await redis.quit().catch(() => redis.disconnect());
  });
  return app;
}

/** Cache policy of a web-app file: content-hashed assets forever, the rest revalidated. */
export function webCacheControl(path: string): string {
  return /[\\/]assets[\\/]/.test(path)
    ? "public, max-age=31536000, immutable"
    : "no-cache";
}
