CREATE TABLE "gw_request_ledger" (
	"request_id" text PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"caller" text NOT NULL,
	"account" text NOT NULL,
	"client" text NOT NULL,
	"model" text,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"status" integer NOT NULL,
	"outcome" text NOT NULL,
	"rotations" integer DEFAULT 0 NOT NULL,
	"ttfb_ms" integer,
	"duration_ms" integer NOT NULL,
	"instance" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "gw_request_ledger_at" ON "gw_request_ledger" USING btree ("at");--> statement-breakpoint
CREATE INDEX "gw_request_ledger_caller_at" ON "gw_request_ledger" USING btree ("caller","at");