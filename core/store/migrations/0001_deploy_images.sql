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
CREATE INDEX `deploy_images_project` ON `deploy_images` (`project_id`,`id`);