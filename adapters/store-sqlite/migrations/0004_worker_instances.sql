ALTER TABLE `instances` ADD `role` text DEFAULT 'start' NOT NULL;--> statement-breakpoint
ALTER TABLE `instances` ADD `kinds` text DEFAULT '' NOT NULL;