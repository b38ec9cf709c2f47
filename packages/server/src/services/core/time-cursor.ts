import { DomainError } from "../../errors/domain-error.ts";

/** Where a newest-first page stopped: the last row's creation time and id (the tie-breaker). */
export interface TimeCursor {
  readonly createdAt: Date;
  readonly id: string;
}

/** The opaque cursor after row `r` of a page ordered by (createdAt, id) descending. */
export function encodeTimeCursor(r: TimeCursor): string {
  return Buffer.from(
    JSON.stringify({ t: r.createdAt.toISOString(), i: r.id }),
  ).toString("base64url");
}

/** Reads a cursor made by `encodeTimeCursor`; 400 BAD_REQUEST for anything else. */
export function decodeTimeCursor(c: string): TimeCursor {
  try {
    const v = JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as {
      t?: unknown;
      i?: unknown;
    };
    if (typeof v.t === "string" && typeof v.i === "string") {
      const d = new Date(v.t);
      if (!Number.isNaN(d.getTime())) return { createdAt: d, id: v.i };
    }
  } catch {
    // fall through
  }
  throw new DomainError("BAD_REQUEST", "invalid cursor");
}
