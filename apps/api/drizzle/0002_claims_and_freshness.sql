CREATE TYPE "public"."claim_state" AS ENUM('draft', 'submitted', 'paid', 'adjusted', 'rejected', 'written_off');--> statement-breakpoint
CREATE TYPE "public"."claim_type" AS ENUM('AHCIP', 'WCB');--> statement-breakpoint
CREATE TABLE "analytics_dirty_months" (
	"provider_id" uuid NOT NULL,
	"month" date NOT NULL,
	"dirty_version" bigint NOT NULL,
	CONSTRAINT "analytics_dirty_months_pkey" PRIMARY KEY("provider_id","month"),
	CONSTRAINT "analytics_dirty_months_first_of_month" CHECK (extract(day from "analytics_dirty_months"."month") = 1)
);
--> statement-breakpoint
CREATE TABLE "analytics_refresh_state" (
	"provider_id" uuid PRIMARY KEY NOT NULL,
	"source_version" bigint NOT NULL,
	"refreshed_at" timestamp with time zone NOT NULL,
	"refresh_count" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_data_versions" (
	"provider_id" uuid PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_id" uuid NOT NULL,
	"claim_type" "claim_type" NOT NULL,
	"health_service_code" text NOT NULL,
	"date_of_service" date NOT NULL,
	"fee_submitted" numeric(12, 2) NOT NULL,
	"fee_assessed" numeric(12, 2),
	"state" "claim_state" DEFAULT 'draft' NOT NULL,
	"submitted_at" timestamp with time zone,
	"assessed_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "claims_fee_submitted_nonnegative" CHECK ("claims"."fee_submitted" >= 0),
	CONSTRAINT "claims_fee_assessed_nonnegative" CHECK ("claims"."fee_assessed" >= 0),
	CONSTRAINT "claims_payment_matches_state" CHECK (("claims"."state" in ('paid', 'adjusted')) = ("claims"."paid_at" is not null and "claims"."fee_assessed" is not null)),
	CONSTRAINT "claims_submitted_unless_draft" CHECK ("claims"."state" = 'draft' or "claims"."submitted_at" is not null)
);
--> statement-breakpoint
ALTER TABLE "analytics_dirty_months" ADD CONSTRAINT "analytics_dirty_months_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_refresh_state" ADD CONSTRAINT "analytics_refresh_state_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_data_versions" ADD CONSTRAINT "provider_data_versions_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claims_provider_date_of_service_idx" ON "claims" USING btree ("provider_id","date_of_service");--> statement-breakpoint
CREATE INDEX "claims_provider_paid_at_idx" ON "claims" USING btree ("provider_id","paid_at");