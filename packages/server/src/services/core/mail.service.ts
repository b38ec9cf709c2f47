import nodemailer from "nodemailer";
import type { FastifyBaseLogger } from "fastify";
import type { OutboxRepository } from "../../repositories/outbox.repository.ts";

/** An outgoing email. */
export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Sends mail: over SMTP when configured, otherwise to the log and the dev outbox table. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** Creates the mailer for `smtpUrl` (undefined = dev outbox). */
export function createMailer(deps: {
  smtpUrl: string | undefined;
  from: string;
  outbox: OutboxRepository;
  log: FastifyBaseLogger;
}): Mailer {
  if (deps.smtpUrl === undefined) {
    return {
      async send(mail) {
        deps.log.info(
          { mail: { to: mail.to, subject: mail.subject } },
          "mail written to dev outbox (SMTP_URL unset)",
        );
        await deps.outbox.insert({
          to: mail.to,
          subject: mail.subject,
          body: mail.text,
        });
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(deps.smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({
        from: deps.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
    },
    close() {
      transport.close();
    },
  };
}
