-- The dashboard's assembled figures: written and read by the application like the cache they
-- come from, each provider's own only (row-level security, forced, like every provider table).
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "analytics_dashboard_figures" TO meritum_app;
--> statement-breakpoint
ALTER TABLE "analytics_dashboard_figures" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "analytics_dashboard_figures" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "analytics_dashboard_figures_own_rows" ON "analytics_dashboard_figures"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
