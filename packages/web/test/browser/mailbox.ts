/**
 * A minimal SMTP receiver on 127.0.0.1 for the browser tests: it accepts every message (no
 * STARTTLS, no auth) and keeps the raw DATA, so a test can follow the link in a reset email.
 */
import { createServer, type Socket } from "node:net";

/** A running mailbox. */
export interface Mailbox {
  readonly url: string;
  /** Raw messages received so far. */
  readonly messages: readonly string[];
  close(): Promise<void>;
}

function session(socket: Socket, keep: (raw: string) => void): void {
  let buffer = "";
  let data: string | null = null;
  const say = (line: string) => socket.write(`${line}\r\n`);
  say("220 localhost test mailbox");
  socket.on("data", (chunk: Buffer) => {
    buffer += chunk.toString("utf8");
    for (;;) {
      if (data !== null) {
        const end = buffer.indexOf("\r\n.\r\n");
        if (end < 0) return;
        keep(data + buffer.slice(0, end));
        buffer = buffer.slice(end + 5);
        data = null;
        say("250 OK queued");
        continue;
      }
      const nl = buffer.indexOf("\r\n");
      if (nl < 0) return;
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 2);
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === "EHLO" || verb === "HELO") say("250 localhost");
      else if (verb === "DATA") {
        data = "";
        say("354 End data with <CR><LF>.<CR><LF>");
      } else if (verb === "QUIT") {
        say("221 Bye");
        socket.end();
        return;
      } else say("250 OK");
    }
  });
  socket.on("error", () => socket.destroy());
}

/** Starts the mailbox on a free loopback port. */
export async function startMailbox(): Promise<Mailbox> {
  const messages: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    session(s, (raw) => messages.push(raw));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const addr = server.address();
  if (typeof addr !== "object" || !addr) throw new Error("mailbox has no port");
  return {
    url: `smtp://127.0.0.1:${addr.port}`,
    messages,
    close: () =>
      new Promise<void>((ok) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => ok());
      }),
  };
}

/** A raw message's text with quoted-printable undone. */
function decoded(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) =>
      String.fromCharCode(parseInt(h, 16)),
    );
}

/** The `/reset-password?token=...` path in a raw message (quoted-printable undone). */
export function resetLink(raw: string): string | null {
  const m = /\/reset-password\?token=([A-Za-z0-9_-]+)/.exec(decoded(raw));
  return m ? m[0] : null;
}

/** The `/invite/<token>` path of a project invitation in a raw message. */
export function inviteLink(raw: string): string | null {
  const m = /\/invite\/([A-Za-z0-9_-]+)/.exec(decoded(raw));
  return m ? m[0] : null;
}
