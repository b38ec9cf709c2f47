/** Stops tracing and flushes pending spans. */
export type StopTelemetry = () => Promise<void>;

/**
 * Starts OpenTelemetry tracing when an OTLP endpoint is configured; otherwise does nothing and
 * loads nothing. The SDK reads the standard `OTEL_*` variables itself (endpoint, headers,
 * service name). Fastify spans come from @fastify/otel (hooked at Fastify initialisation, so
 * start this before building the app); auto-instrumentations cover modules loaded afterwards.
 */
export async function startTelemetry(
  endpoint: string | undefined,
): Promise<StopTelemetry> {
  if (endpoint === undefined) return async () => undefined;
  const [
    { NodeSDK },
    { getNodeAutoInstrumentations },
    { FastifyOtelInstrumentation },
  ] = await Promise.all([
    import("@opentelemetry/sdk-node"),
    import("@opentelemetry/auto-instrumentations-node"),
    import("@fastify/otel"),
  ]);
  const sdk = new NodeSDK({
    serviceName: "stepfault",
    instrumentations: [
      getNodeAutoInstrumentations({
        "@opentelemetry/instrumentation-fs": { enabled: false },
      }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) =>
          route.url === "/healthz" || route.url === "/metrics",
      }),
    ],
  });
  sdk.start();
  return () => sdk.shutdown();
}
