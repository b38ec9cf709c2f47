ALTER TABLE "jobs" ADD COLUMN "spec" jsonb;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "checkpoint" jsonb;--> statement-breakpoint
CREATE UNIQUE INDEX "job_events_iteration_idx" ON "job_events" USING btree ("job_id",(("data"->>'iteration')::int)) WHERE "job_events"."type" = 'iteration';