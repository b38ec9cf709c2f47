/**
 * Webhook signatures, Stripe style: `StepFault-Signature: t=<unix seconds>,v1=<hex>` where the hex
 * is HMAC-SHA256(secret, `${t}.${rawBody}`). The timestamp is signed so a captured request cannot
 * be replayed later than the receiver's tolerance.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Header carrying the signature. */
export const SIGNATURE_HEADER = "StepFault-Signature";
/** Header carrying the delivery id (the same on every retry: use it to drop duplicates). */
export const DELIVERY_HEADER = "StepFault-Delivery";
/** Header carrying the event type, e.g. `job.succeeded`. */
export const EVENT_HEADER = "StepFault-Event";

/** The signature header value for `body` signed at `timestamp` (unix seconds). */
export function signPayload(
  secret: string,
  body: string,
  timestamp: number,
): string {
  const v1 = createHmac("sha256", secret)
    .update(`${timestamp}.${body}`)
    .digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

/**
 * Checks a signature header against the raw body: a matching `v1` and a timestamp within
 * `toleranceSeconds` of `now` (unix seconds).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  toleranceSeconds = 300,
  now = Math.floor(Date.now() / 1000),
): boolean {
  const parts = new Map<string, string[]>();
  for (const item of header.split(",")) {
    const [k, v] = item.split("=", 2).map((s) => s.trim());
    if (k && v) parts.set(k, [...(parts.get(k) ?? []), v]);
  }
  const t = Number(parts.get("t")?.[0]);
  if (!Number.isInteger(t) || Math.abs(now - t) > toleranceSeconds)
    return false;
  const expected = Buffer.from(
    createHmac("sha256", secret).update(`${t}.${body}`).digest("hex"),
  );
  return (parts.get("v1") ?? []).some((v) => {
    const given = Buffer.from(v);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
