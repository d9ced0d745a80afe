CREATE TABLE `approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`task_id` text NOT NULL,
	`gate` text NOT NULL,
	`round` integer NOT NULL,
	`state` text NOT NULL,
	`decided_by` text,
	`decided_by_name` text,
	`decided_at` integer,
	`reason` text,
	`summary` text DEFAULT '' NOT NULL,
	`chat_id` text,
	`message_id` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `approvals_task_gate_round` ON `approvals` (`task_id`,`gate`,`round`);--> statement-breakpoint
CREATE TABLE `cards` (
	`task_id` text PRIMARY KEY NOT NULL,
	`chat_id` text NOT NULL,
	`message_id` integer,
	`last_render_hash` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ci_statuses` (
	`repo` text NOT NULL,
	`sha` text NOT NULL,
	`context` text NOT NULL,
	`state` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`target_url` text,
	`status_id` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`repo`, `sha`, `context`)
);
--> statement-breakpoint
CREATE TABLE `inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`delivery_id` text NOT NULL,
	`event` text NOT NULL,
	`payload` text NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`available_at` integer NOT NULL,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_source_delivery` ON `inbox` (`source`,`delivery_id`);--> statement-breakpoint
CREATE INDEX `inbox_pending` ON `inbox` (`processed_at`,`available_at`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`task_id` text,
	`payload` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer NOT NULL,
	`available_at` integer NOT NULL,
	`lease_owner` text,
	`lease_expires_at` integer,
	`idempotency_key` text NOT NULL,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_idempotency` ON `jobs` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `jobs_due` ON `jobs` (`kind`,`available_at`) WHERE "jobs"."state" = 'queued';--> statement-breakpoint
CREATE INDEX `jobs_leases` ON `jobs` (`lease_expires_at`) WHERE "jobs"."state" = 'running';--> statement-breakpoint
CREATE INDEX `jobs_active_task` ON `jobs` (`task_id`) WHERE "jobs"."state" IN ('queued', 'running');--> statement-breakpoint
CREATE TABLE `kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `leases` (
	`name` text PRIMARY KEY NOT NULL,
	`holder` text NOT NULL,
	`expires_at` integer NOT NULL,
	`acquired_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`task_id` text,
	`payload` text NOT NULL,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`available_at` integer NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`done_at` integer
);
--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`state`,`available_at`);--> statement-breakpoint
CREATE TABLE `projects` (
	`id` text PRIMARY KEY NOT NULL,
	`repo` text NOT NULL,
	`config` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`project_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`source` text NOT NULL,
	`external_id` text,
	`external_url` text,
	`stage` text NOT NULL,
	`phase` text NOT NULL,
	`attempts` text NOT NULL,
	`rollbacks` integer DEFAULT 0 NOT NULL,
	`escalated` integer DEFAULT false NOT NULL,
	`escalation_reason` text,
	`blocked` integer DEFAULT false NOT NULL,
	`must_fix` text,
	`notes` text,
	`branch` text NOT NULL,
	`head_sha` text,
	`behind_default` integer DEFAULT false NOT NULL,
	`pr_number` integer,
	`last_event` text NOT NULL,
	`last_event_at` integer NOT NULL,
	`stage_entered_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_project_external` ON `tasks` (`project_id`,`external_id`);--> statement-breakpoint
CREATE INDEX `tasks_stage` ON `tasks` (`stage`,`escalated`,`updated_at`);--> statement-breakpoint
CREATE TABLE `transitions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`task_id` text NOT NULL,
	`from_stage` text,
	`from_phase` text,
	`to_stage` text NOT NULL,
	`to_phase` text NOT NULL,
	`reason` text NOT NULL,
	`actor` text NOT NULL,
	`event_key` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `transitions_event_key` ON `transitions` (`event_key`);--> statement-breakpoint
CREATE INDEX `transitions_task` ON `transitions` (`task_id`,`id`);