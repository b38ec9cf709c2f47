/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps every message it
 * receives, for tests that follow a link or token in a mail.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** A received message: envelope recipients and the raw DATA. */
export interface ReceivedMail {
  readonly to: string[];
  readonly raw: string;
}

/** A running loopback SMTP server. */
export interface TestSmtp {
  readonly url: string;
  readonly inbox: ReceivedMail[];
  close(): Promise<void>;
}

/** Starts the server on a free port. */
export async function startSmtp(): Promise<TestSmtp> {
  const inbox: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        inbox.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
