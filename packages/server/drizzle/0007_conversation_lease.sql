ALTER TABLE "ai_conversations" ADD COLUMN "busy_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ai_conversations" ADD COLUMN "busy_token" uuid;