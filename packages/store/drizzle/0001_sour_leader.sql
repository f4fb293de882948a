CREATE TABLE `request_ledger` (
	`request_id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`caller` text NOT NULL,
	`profile` text NOT NULL,
	`client` text NOT NULL,
	`model` text,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`cached_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`reasoning_tokens` integer DEFAULT 0 NOT NULL,
	`status` integer NOT NULL,
	`outcome` text NOT NULL,
	`rotations` integer DEFAULT 0 NOT NULL,
	`ttfb_ms` integer,
	`duration_ms` integer NOT NULL,
	`instance` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `request_ledger_at` ON `request_ledger` (`at`);