import pino, { type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "./config/config.ts";

/** Log paths whose values are replaced by "[redacted]" (credentials, passwords, tokens). */
export const REDACT_PATHS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  "*.password",
  "*.currentPassword",
  "*.newPassword",
  "*.token",
  "*.refreshToken",
  "*.accessToken",
  "*.key",
];

/** Creates the server's pino JSON logger with secrets redacted; `destination` defaults to stdout. */
export function createLogger(
  level: LogLevel,
  destination?: DestinationStream,
): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    serializers: {
      req: (req: {
        id?: unknown;
        method?: string;
        url?: string;
        headers?: unknown;
        ip?: string;
      }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
        headers: req.headers,
        remoteAddress: req.ip,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
