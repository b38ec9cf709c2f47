CREATE TABLE "noise_models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"name" text NOT NULL,
	"model" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "method" text DEFAULT 'auto' NOT NULL;--> statement-breakpoint
ALTER TABLE "jobs" ADD COLUMN "noise" jsonb;--> statement-breakpoint
ALTER TABLE "noise_models" ADD CONSTRAINT "noise_models_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "noise_models" ADD CONSTRAINT "noise_models_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "noise_models_project_name_c_idx" ON "noise_models" USING btree ("project_id","name" collate "C");