CREATE TABLE "claim_month_versions" (
	"provider_id" uuid NOT NULL,
	"month" date NOT NULL,
	"claim_type" "claim_type" NOT NULL,
	"version" bigint NOT NULL,
	"claims_count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "claim_month_versions_pkey" PRIMARY KEY("provider_id","month","claim_type"),
	CONSTRAINT "claim_month_versions_first_of_month" CHECK (extract(day from "claim_month_versions"."month") = 1)
);
--> statement-breakpoint
CREATE TABLE "analytics_statement_exports" (
	"provider_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"statement_id" uuid NOT NULL,
	"statement_sha256" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"claim_type" text NOT NULL,
	"format" text NOT NULL,
	"file_name" text NOT NULL,
	"byte_length" integer NOT NULL,
	"bytes_sha256" text NOT NULL,
	"data_version" bigint NOT NULL,
	"exported_by" uuid NOT NULL,
	"exported_at" timestamp with time zone NOT NULL,
	CONSTRAINT "analytics_statement_exports_pkey" PRIMARY KEY("provider_id","id"),
	CONSTRAINT "analytics_statement_exports_format" CHECK ("analytics_statement_exports"."format" in ('csv', 'pdf')),
	CONSTRAINT "analytics_statement_exports_period_order" CHECK ("analytics_statement_exports"."period_start" <= "analytics_statement_exports"."period_end"),
	CONSTRAINT "analytics_statement_exports_claim_type" CHECK ("analytics_statement_exports"."claim_type" in ('all', 'AHCIP', 'WCB')),
	CONSTRAINT "analytics_statement_exports_data_version" CHECK ("analytics_statement_exports"."data_version" >= 0),
	CONSTRAINT "analytics_statement_exports_sha256" CHECK ("analytics_statement_exports"."statement_sha256" ~ '^[0-9a-f]{64}$' and "analytics_statement_exports"."bytes_sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "analytics_statement_exports_byte_length" CHECK ("analytics_statement_exports"."byte_length" > 0)
);
--> statement-breakpoint
CREATE TABLE "analytics_statements" (
	"provider_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"claim_type" text NOT NULL,
	"figures" jsonb NOT NULL,
	"data_version" bigint NOT NULL,
	"claims_count" integer NOT NULL,
	"generated_at" timestamp with time zone NOT NULL,
	"content_sha256" text NOT NULL,
	CONSTRAINT "analytics_statements_pkey" PRIMARY KEY("provider_id","id"),
	CONSTRAINT "analytics_statements_period_key" UNIQUE("provider_id","period_start","period_end","claim_type"),
	CONSTRAINT "analytics_statements_period_order" CHECK ("analytics_statements"."period_start" <= "analytics_statements"."period_end"),
	CONSTRAINT "analytics_statements_claim_type" CHECK ("analytics_statements"."claim_type" in ('all', 'AHCIP', 'WCB')),
	CONSTRAINT "analytics_statements_claims_count" CHECK ("analytics_statements"."claims_count" >= 0),
	CONSTRAINT "analytics_statements_data_version" CHECK ("analytics_statements"."data_version" >= 0),
	CONSTRAINT "analytics_statements_sha256" CHECK ("analytics_statements"."content_sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "analytics_statements_money_as_text" CHECK (jsonb_typeof("analytics_statements"."figures") = 'object' and not jsonb_path_exists("analytics_statements"."figures", '$.** ? (@.type() == "object").keyvalue() ? ((@.key == "billedAmount" || @.key == "paidAmount" || @.key == "pendingAmount") && @.value.type() != "string")'))
);
--> statement-breakpoint
ALTER TABLE "claim_month_versions" ADD CONSTRAINT "claim_month_versions_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_statement_exports" ADD CONSTRAINT "analytics_statement_exports_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "analytics_statements" ADD CONSTRAINT "analytics_statements_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_statement_exports_statement_idx" ON "analytics_statement_exports" USING btree ("provider_id","statement_id","exported_at");--> statement-breakpoint
CREATE INDEX "analytics_statements_provider_generated_idx" ON "analytics_statements" USING btree ("provider_id","generated_at");