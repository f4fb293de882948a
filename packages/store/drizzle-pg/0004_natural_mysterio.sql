CREATE TABLE "gw_pool_control" (
	"id" integer PRIMARY KEY NOT NULL,
	"pinned" text,
	"auto_rotate" boolean DEFAULT true NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gw_instances" ADD COLUMN "not_ready" text;--> statement-breakpoint
ALTER TABLE "gw_pool_control" ADD CONSTRAINT "gw_pool_control_pinned_gw_accounts_name_fk" FOREIGN KEY ("pinned") REFERENCES "public"."gw_accounts"("name") ON DELETE set null ON UPDATE no action;