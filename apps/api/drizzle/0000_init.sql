CREATE TABLE "analytics_cache" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider_id" uuid NOT NULL,
	"metric_key" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"dimensions" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"value" numeric NOT NULL,
	"source_version" bigint NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_cache_key" UNIQUE("provider_id","metric_key","period_start","period_end","dimensions"),
	CONSTRAINT "analytics_cache_period_order" CHECK ("analytics_cache"."period_start" <= "analytics_cache"."period_end"),
	CONSTRAINT "analytics_cache_dimensions_flat_object" CHECK (jsonb_typeof("analytics_cache"."dimensions") = 'object' and octet_length("analytics_cache"."dimensions"::text) <= 1024),
	CONSTRAINT "analytics_cache_value_finite" CHECK ("analytics_cache"."value" not in ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)),
	CONSTRAINT "analytics_cache_source_version_nonnegative" CHECK ("analytics_cache"."source_version" >= 0)
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"billing_number" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "providers_billing_number_key" UNIQUE("billing_number")
);
--> statement-breakpoint
ALTER TABLE "analytics_cache" ADD CONSTRAINT "analytics_cache_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "analytics_cache_provider_period_end_idx" ON "analytics_cache" USING btree ("provider_id","period_end");