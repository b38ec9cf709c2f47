import {
  types,
  type PGlite,
  type ParserOptions,
  type QueryOptions,
} from "@electric-sql/pglite";

/**
 * The types drizzle-orm asks PGlite to return as raw strings on every query (its `parsers` option
 * in drizzle-orm/pglite/session.js): timestamps, dates, intervals and their arrays.
 */
export const DRIZZLE_RAW_TYPES: readonly number[] = [
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  1231, // numeric[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1182, // date[]
];

type Parser = ParserOptions[number];

const raw: Parser = (value: string) => value;

function isDrizzleRawSet(parsers: QueryOptions["parsers"]): boolean {
  if (parsers === undefined) return false;
  const keys = Object.keys(parsers);
  return (
    keys.length === DRIZZLE_RAW_TYPES.length &&
    DRIZZLE_RAW_TYPES.every((t) => typeof parsers[t] === "function")
  );
}

/**
 * Wraps a PGlite client so drizzle's queries skip a per-query cost of PGlite: whenever a query
 * passes its own `parsers`, PGlite copies its whole table of about 320 type parsers into a new
 * object (about 60-90 µs a query on this machine). The client's own table is set to drizzle's
 * choice (raw strings for the types above), and drizzle's identical per-query `parsers` are
 * dropped, so its queries take PGlite's fast path with the same results. Any other caller of
 * `query`/`exec` (pg-boss through `db.$client`) gets PGlite's default parsers for those types back
 * as its per-query `parsers`, so it still receives `Date` objects exactly as before.
 * Transactions (`client.transaction`) are not wrapped: drizzle passes its parsers there as usual.
 */
export function withDrizzleParsers(client: PGlite): PGlite {
  const table = client.parsers;
  const defaults: ParserOptions = {};
  for (const t of DRIZZLE_RAW_TYPES) {
    defaults[t] = table[t];
    table[t] = raw;
  }
  const adjust = (options?: QueryOptions): QueryOptions =>
    isDrizzleRawSet(options?.parsers)
      ? { ...options, parsers: undefined }
      : { ...options, parsers: { ...defaults, ...options?.parsers } };
  // The client's own methods, bound once: a later patch of `client.query` cannot loop back here.
  const baseQuery = client.query.bind(client);
  const baseExec = client.exec.bind(client);
  const query = (text: string, params?: unknown[], options?: QueryOptions) =>
    baseQuery(text, params, adjust(options));
  const exec = (text: string, options?: QueryOptions) =>
    baseExec(text, adjust(options));
  return new Proxy(client, {
    get(target, prop) {
      if (prop === "query") return query;
      if (prop === "exec") return exec;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function"
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
