ALTER TABLE `profiles` ADD `paused_at` integer;--> statement-breakpoint
ALTER TABLE `profiles` ADD `paused_by` text;