import type { FastifyReply, FastifyRequest } from "fastify";

const HEARTBEAT_MS = 15_000;

/** One Server-Sent Events message (`id` only where the stream resumes by `Last-Event-ID`). */
export interface EventMessage {
  readonly event: string;
  readonly data: unknown;
  readonly id?: number | string;
}

/** A response taken over for Server-Sent Events. */
export interface EventStream {
  /** Writes raw text (e.g. a `retry:` line). */
  write(text: string): void;
  /** Writes one message, its data as JSON. */
  send(m: EventMessage): void;
  /** Stops the heartbeat and ends the response. */
  end(): void;
}

/**
 * Takes the response over for Server-Sent Events: status 200 with the headers the request's hooks
 * set on the reply so far (CORS, for one) and the stream's own, and a comment heartbeat every 15 s
 * so proxies keep the connection open.
 */
export function openEventStream(
  req: FastifyRequest,
  reply: FastifyReply,
): EventStream {
  reply.hijack();
  const res = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) res.setHeader(name, value);
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    "x-request-id": req.id,
  });
  const heartbeat = setInterval(() => res.write(": ping\n\n"), HEARTBEAT_MS);
  return {
    write: (text) => void res.write(text),
    send: (m) =>
      void res.write(
        `${m.id !== undefined ? `id: ${m.id}\n` : ""}event: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`,
      ),
    end: () => {
      clearInterval(heartbeat);
      res.end();
    },
  };
}
