import { desc, eq } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { mailOutbox } from "../database/schema.ts";

/** A mail written to the dev outbox. */
export type OutboxRow = typeof mailOutbox.$inferSelect;

/** Creates the dev mail outbox repository. */
export function createOutboxRepository(db: Db) {
  return {
    /** Stores a mail. */
    async insert(mail: {
      to: string;
      subject: string;
      body: string;
    }): Promise<void> {
      await db.insert(mailOutbox).values(mail);
    },
    /** Mails sent to an address, newest first. */
    async listFor(to: string): Promise<OutboxRow[]> {
      return db
        .select()
        .from(mailOutbox)
        .where(eq(mailOutbox.to, to))
        .orderBy(desc(mailOutbox.createdAt));
    },
  };
}

/** The outbox repository. */
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
