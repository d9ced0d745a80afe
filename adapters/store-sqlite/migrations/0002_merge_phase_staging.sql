ALTER TABLE `tasks` ADD `merge_queued_at` integer;--> statement-breakpoint
ALTER TABLE `tasks` ADD `staging_image_id` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `staging_image_ref` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `staging_revision` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `staging_verdict` text;--> statement-breakpoint
ALTER TABLE `tasks` ADD `staging_waived` text;