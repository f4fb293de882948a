CREATE TABLE `backoffs` (
	`profile_id` integer PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`until` integer NOT NULL,
	`attempts` integer DEFAULT 1 NOT NULL,
	`message` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `bindings` (
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`profile_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`kind`, `key`),
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `bindings_expiry` ON `bindings` (`expires_at`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`level` text DEFAULT 'info' NOT NULL,
	`profile_name` text,
	`message` text NOT NULL,
	`data` text,
	`pid` integer,
	`source` text
);
--> statement-breakpoint
CREATE INDEX `events_at` ON `events` (`at`);--> statement-breakpoint
CREATE INDEX `events_profile_at` ON `events` (`profile_name`,`at`);--> statement-breakpoint
CREATE TABLE `profiles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`codex_home` text NOT NULL,
	`kind` text NOT NULL,
	`account_id` text,
	`email` text,
	`plan` text,
	`auth_state` text DEFAULT 'ok' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_selected_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_name_unique` ON `profiles` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `profiles_account_unique` ON `profiles` (`account_id`) WHERE "profiles"."account_id" is not null;--> statement-breakpoint
CREATE TABLE `runtimes` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`pid` integer NOT NULL,
	`url` text NOT NULL,
	`upstream` text NOT NULL,
	`secret_path` text,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `usage_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`profile_id` integer NOT NULL,
	`fetched_at` integer NOT NULL,
	`source` text NOT NULL,
	`plan` text,
	`windows` text NOT NULL,
	`raw` text,
	FOREIGN KEY (`profile_id`) REFERENCES `profiles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `usage_profile_time` ON `usage_snapshots` (`profile_id`,`fetched_at`);