CREATE TABLE "analytics_dashboard_figures" (
	"provider_id" uuid NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"claim_type" text NOT NULL,
	"format" integer NOT NULL,
	"refresh_count" bigint NOT NULL,
	"figures" json NOT NULL,
	"read_on" date NOT NULL,
	CONSTRAINT "analytics_dashboard_figures_pkey" PRIMARY KEY("provider_id","period_start","period_end","claim_type"),
	CONSTRAINT "analytics_dashboard_figures_period_order" CHECK ("analytics_dashboard_figures"."period_start" <= "analytics_dashboard_figures"."period_end")
);
--> statement-breakpoint
ALTER TABLE "analytics_dashboard_figures" ADD CONSTRAINT "analytics_dashboard_figures_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE cascade ON UPDATE no action;