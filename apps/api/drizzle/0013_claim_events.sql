CREATE TABLE "claim_events" (
	"provider_id" uuid NOT NULL,
	"claim_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"from_state" "claim_state",
	"to_state" "claim_state" NOT NULL,
	"fee_submitted" numeric(12, 2) NOT NULL,
	"fee_assessed" numeric(12, 2),
	"explanatory_codes" text[] NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	CONSTRAINT "claim_events_pkey" PRIMARY KEY("provider_id","claim_id","seq")
);
--> statement-breakpoint
ALTER TABLE "analytics_refresh_state" ADD COLUMN "outstanding_as_of" date;--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "explanatory_codes" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "claim_events" ADD CONSTRAINT "claim_events_claim_fk" FOREIGN KEY ("provider_id","claim_id") REFERENCES "public"."claims"("provider_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claims_provider_outstanding_idx" ON "claims" USING btree ("provider_id","submitted_at") WHERE "claims"."state" in ('submitted', 'rejected');--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_explanatory_codes_shape" CHECK (cardinality("claims"."explanatory_codes") <= 5 and array_position("claims"."explanatory_codes", null) is null and array_to_string("claims"."explanatory_codes", ',') ~ '^([0-9A-Z]{1,6}(,[0-9A-Z]{1,6})*)?$');--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_explanatory_codes_when_assessed" CHECK (cardinality("claims"."explanatory_codes") = 0 or "claims"."state" in ('rejected', 'adjusted', 'written_off'));