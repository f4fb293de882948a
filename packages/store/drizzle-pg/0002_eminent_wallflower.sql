CREATE TABLE "gw_key_counters" (
	"key" text NOT NULL,
	"window" text NOT NULL,
	"start" bigint NOT NULL,
	"requests" bigint DEFAULT 0 NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "gw_key_counters_key_window_start_pk" PRIMARY KEY("key","window","start")
);
--> statement-breakpoint
ALTER TABLE "gw_api_keys" ADD COLUMN "rpm" integer;--> statement-breakpoint
ALTER TABLE "gw_api_keys" ADD COLUMN "tokens_per_day" bigint;