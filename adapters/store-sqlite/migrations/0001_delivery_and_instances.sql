CREATE TABLE `deploy_images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` text NOT NULL,
	`image_id` text NOT NULL,
	`ref` text NOT NULL,
	`sha` text NOT NULL,
	`task_id` text NOT NULL,
	`deployed_at` integer NOT NULL,
	`outcome` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deploy_images_project` ON `deploy_images` (`project_id`,`id`);--> statement-breakpoint
CREATE TABLE `instances` (
	`id` text PRIMARY KEY NOT NULL,
	`host` text NOT NULL,
	`pid` integer NOT NULL,
	`process_start` text,
	`boot_id` text,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL,
	`stopped_at` integer
);
--> statement-breakpoint
ALTER TABLE `outbox` ADD `send_started_at` integer;