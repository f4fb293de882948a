CREATE TABLE "gw_accounts" (
	"name" text PRIMARY KEY NOT NULL,
	"account_id" text,
	"email" text,
	"plan" text,
	"token_cipher" text NOT NULL,
	"key_id" text NOT NULL,
	"token_version" integer DEFAULT 1 NOT NULL,
	"expires_at" bigint,
	"last_refresh" bigint DEFAULT 0 NOT NULL,
	"needs_login" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gw_api_keys" (
	"name" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"hash" text NOT NULL,
	"hint" text NOT NULL,
	"created_at" bigint NOT NULL,
	"revoked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "gw_backoffs" (
	"account" text PRIMARY KEY NOT NULL,
	"reason" text NOT NULL,
	"until" bigint NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"message" text,
	"instance" text,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gw_bindings" (
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"account" text NOT NULL,
	"last_used_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	CONSTRAINT "gw_bindings_kind_key_pk" PRIMARY KEY("kind","key")
);
--> statement-breakpoint
CREATE TABLE "gw_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"instance" text NOT NULL,
	"seq" bigint NOT NULL,
	"at" bigint NOT NULL,
	"kind" text NOT NULL,
	"level" text DEFAULT 'info' NOT NULL,
	"account" text,
	"message" text NOT NULL,
	"data" jsonb
);
--> statement-breakpoint
CREATE TABLE "gw_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"url" text NOT NULL,
	"pid" integer NOT NULL,
	"version" text NOT NULL,
	"started_at" bigint NOT NULL,
	"heartbeat_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gw_secret_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"check" text NOT NULL,
	"current" boolean DEFAULT true NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "gw_usage" (
	"account" text PRIMARY KEY NOT NULL,
	"fetched_at" bigint NOT NULL,
	"source" text NOT NULL,
	"plan" text,
	"windows" jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gw_backoffs" ADD CONSTRAINT "gw_backoffs_account_gw_accounts_name_fk" FOREIGN KEY ("account") REFERENCES "public"."gw_accounts"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gw_bindings" ADD CONSTRAINT "gw_bindings_account_gw_accounts_name_fk" FOREIGN KEY ("account") REFERENCES "public"."gw_accounts"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gw_usage" ADD CONSTRAINT "gw_usage_account_gw_accounts_name_fk" FOREIGN KEY ("account") REFERENCES "public"."gw_accounts"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "gw_accounts_account_id" ON "gw_accounts" USING btree ("account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "gw_api_keys_hash" ON "gw_api_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "gw_bindings_expiry" ON "gw_bindings" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "gw_events_instance_seq" ON "gw_events" USING btree ("instance","seq");--> statement-breakpoint
CREATE INDEX "gw_events_at" ON "gw_events" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "gw_secret_keys_current" ON "gw_secret_keys" USING btree ("current") WHERE "gw_secret_keys"."current";