import type { ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/**
 * The Content-Security-Policy of every response: helmet's defaults, plus what the web app needs
 * (WebAssembly SIMD kernels compile with 'wasm-unsafe-eval'; web workers load from the app or from
 * blob: URLs; images may be data: or blob: URLs). Swagger UI at /api/docs loads only same-origin
 * scripts and uses inline styles, which helmet's default style-src allows. No
 * upgrade-insecure-requests: a self-hosted server is often reached over plain HTTP on a LAN, where
 * upgrading every asset to https would break the page.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: true,
  directives: {
    "script-src": ["'self'", "'wasm-unsafe-eval'"],
    "worker-src": ["'self'", "blob:"],
    "img-src": ["'self'", "data:", "blob:"],
    "connect-src": ["'self'"],
    "upgrade-insecure-requests": null,
  },
} as const satisfies HelmetOptions["contentSecurityPolicy"];

/** A header as helmet would set it: a name and value, or a name to remove. */
type HeaderOp = readonly [name: string, value: string | null];

/**
 * Runs helmet's middleware once against a recording response and returns the headers it sets
 * (and removes). Helmet's headers depend only on its options, never on the request, as long as no
 * CSP directive is a function; those are refused so the headers can be computed once at boot.
 */
export function helmetHeaders(options: HelmetOptions): HeaderOp[] {
  const csp = options.contentSecurityPolicy;
  if (typeof csp === "object" && csp.directives !== undefined) {
    for (const [name, value] of Object.entries(csp.directives)) {
      const values = Array.isArray(value) ? value : [value];
      if (values.some((v) => typeof v === "function"))
        throw new Error(
          `invariant: CSP directive ${name} must be static (no per-request functions)`,
        );
    }
  }
  const ops: HeaderOp[] = [];
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      ops.push([name, String(value)]);
    },
    removeHeader(name: string) {
      ops.push([name, null]);
    },
  };
  let failed: unknown;
  helmet(options)(
    {} as never,
    recorder as unknown as ServerResponse,
    (err?: unknown) => {
      failed = err;
    },
  );
  if (failed !== undefined && failed !== null) throw failed;
  return ops;
}

/**
 * Sets helmet's security headers and the `x-request-id` header on every response in one
 * synchronous `onRequest` hook. @fastify/helmet builds a new helmet middleware on every request in
 * two hooks; the headers are the same each time, so they are computed once here. They are set on
 * the raw response, as helmet does, so hijacked responses (server-sent events) keep them too.
 */
export function installSecurityHeaders(
  app: FastifyInstance,
  options: HelmetOptions,
): void {
  const ops = helmetHeaders(options);
  const set = ops.filter(
    (op): op is readonly [string, string] => op[1] !== null,
  );
  const removed = ops.filter((op) => op[1] === null).map(([name]) => name);
  app.addHook("onRequest", (req, reply, done) => {
    const res = reply.raw;
    for (let i = 0; i < set.length; i++) res.setHeader(set[i][0], set[i][1]);
    for (let i = 0; i < removed.length; i++) res.removeHeader(removed[i]);
    void reply.header("x-request-id", req.id);
    done();
  });
}
