ALTER TABLE "jobs" ADD COLUMN "kind" text DEFAULT 'sample' NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "primitive" jsonb;