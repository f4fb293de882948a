ALTER TABLE "gw_accounts" ADD COLUMN "paused_at" bigint;--> statement-breakpoint
ALTER TABLE "gw_accounts" ADD COLUMN "paused_by" text;