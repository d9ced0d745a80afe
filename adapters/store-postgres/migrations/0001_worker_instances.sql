ALTER TABLE "instances" ADD COLUMN "role" text DEFAULT 'start' NOT NULL;--> statement-breakpoint
ALTER TABLE "instances" ADD COLUMN "kinds" text DEFAULT '' NOT NULL;