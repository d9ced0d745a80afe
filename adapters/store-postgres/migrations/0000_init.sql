CREATE TABLE "approvals" (
	"id" text PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"gate" text NOT NULL,
	"round" integer NOT NULL,
	"state" text NOT NULL,
	"decided_by" text,
	"decided_by_name" text,
	"decided_at" bigint,
	"reason" text,
	"summary" text DEFAULT '' NOT NULL,
	"chat_id" text,
	"message_id" integer,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cards" (
	"task_id" text PRIMARY KEY NOT NULL,
	"chat_id" text NOT NULL,
	"message_id" integer,
	"last_render_hash" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ci_statuses" (
	"repo" text NOT NULL,
	"sha" text NOT NULL,
	"context" text NOT NULL,
	"state" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"target_url" text,
	"status_id" bigint,
	"updated_at" bigint NOT NULL,
	CONSTRAINT "ci_statuses_repo_sha_context_pk" PRIMARY KEY("repo","sha","context")
);
--> statement-breakpoint
CREATE TABLE "deploy_images" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"image_id" text NOT NULL,
	"ref" text NOT NULL,
	"sha" text NOT NULL,
	"task_id" text NOT NULL,
	"deployed_at" bigint NOT NULL,
	"outcome" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"delivery_id" text NOT NULL,
	"event" text NOT NULL,
	"payload" text NOT NULL,
	"received_at" bigint NOT NULL,
	"processed_at" bigint,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" bigint NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "instances" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"process_start" text,
	"boot_id" text,
	"started_at" bigint NOT NULL,
	"heartbeat_at" bigint NOT NULL,
	"stopped_at" bigint
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"task_id" text,
	"payload" jsonb NOT NULL,
	"state" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"max_attempts" integer NOT NULL,
	"available_at" bigint NOT NULL,
	"lease_owner" text,
	"lease_expires_at" bigint,
	"idempotency_key" text NOT NULL,
	"last_error" text,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"started_at" bigint,
	"finished_at" bigint
);
--> statement-breakpoint
CREATE TABLE "kv" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"acquired_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"task_id" text,
	"payload" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" bigint NOT NULL,
	"error" text,
	"created_at" bigint NOT NULL,
	"done_at" bigint,
	"send_started_at" bigint
);
--> statement-breakpoint
CREATE TABLE "projects" (
	"id" text PRIMARY KEY NOT NULL,
	"repo" text NOT NULL,
	"config" jsonb NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"id" text PRIMARY KEY NOT NULL,
	"project_id" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"external_id" text,
	"external_url" text,
	"stage" text NOT NULL,
	"phase" text NOT NULL,
	"attempts" jsonb NOT NULL,
	"rollbacks" integer DEFAULT 0 NOT NULL,
	"escalated" boolean DEFAULT false NOT NULL,
	"escalation_reason" text,
	"blocked" boolean DEFAULT false NOT NULL,
	"must_fix" text,
	"notes" text,
	"branch" text NOT NULL,
	"head_sha" text,
	"behind_default" boolean DEFAULT false NOT NULL,
	"pr_number" integer,
	"merge_queued_at" bigint,
	"staging_image_id" text,
	"staging_image_ref" text,
	"staging_revision" text,
	"staging_verdict" text,
	"staging_waived" jsonb,
	"requested_by" text,
	"last_event" text NOT NULL,
	"last_event_at" bigint NOT NULL,
	"stage_entered_at" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"task_id" text NOT NULL,
	"from_stage" text,
	"from_phase" text,
	"to_stage" text NOT NULL,
	"to_phase" text NOT NULL,
	"reason" text NOT NULL,
	"actor" text NOT NULL,
	"event_key" text,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_task_gate_round" ON "approvals" USING btree ("task_id","gate","round");--> statement-breakpoint
CREATE INDEX "deploy_images_project" ON "deploy_images" USING btree ("project_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_source_delivery" ON "inbox" USING btree ("source","delivery_id");--> statement-breakpoint
CREATE INDEX "inbox_pending" ON "inbox" USING btree ("processed_at","available_at");--> statement-breakpoint
CREATE UNIQUE INDEX "jobs_idempotency" ON "jobs" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "jobs_due" ON "jobs" USING btree ("available_at","id") WHERE "jobs"."state" = 'queued';--> statement-breakpoint
CREATE INDEX "jobs_leases" ON "jobs" USING btree ("lease_expires_at") WHERE "jobs"."state" = 'running';--> statement-breakpoint
CREATE INDEX "jobs_active_task" ON "jobs" USING btree ("task_id") WHERE "jobs"."state" IN ('queued', 'running');--> statement-breakpoint
CREATE INDEX "outbox_pending" ON "outbox" USING btree ("state","available_at");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_project_external" ON "tasks" USING btree ("project_id","external_id");--> statement-breakpoint
CREATE INDEX "tasks_stage" ON "tasks" USING btree ("stage","escalated","updated_at");--> statement-breakpoint
CREATE UNIQUE INDEX "transitions_event_key" ON "transitions" USING btree ("event_key");--> statement-breakpoint
CREATE INDEX "transitions_task" ON "transitions" USING btree ("task_id","id");