DROP INDEX "circuits_project_name_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "circuits_project_name_c_idx" ON "circuits" USING btree ("project_id","name" collate "C");