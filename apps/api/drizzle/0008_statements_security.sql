-- Statements, their export records and the month versions statements are checked against:
-- grants, forced row-level security, and the claims trigger that keeps the month versions and
-- counts.

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "analytics_statements" TO meritum_app;
--> statement-breakpoint
-- The audit trail: the application may append and read, never change or remove.
GRANT SELECT, INSERT ON TABLE "analytics_statement_exports" TO meritum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON TABLE "claim_month_versions" TO meritum_app;
--> statement-breakpoint

-- The counted claims of every service month so far, before the triggers keep them. The owner
-- reads every provider's claims: forced row-level security is lifted for this transaction only.
ALTER TABLE "claims" NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO "claim_month_versions" (provider_id, month, claim_type, version, claims_count)
SELECT provider_id, date_trunc('month', date_of_service)::date, claim_type, 0, count(*)
FROM "claims" WHERE state <> 'draft'
GROUP BY 1, 2, 3;
--> statement-breakpoint
ALTER TABLE "claims" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint

ALTER TABLE "analytics_statements" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "analytics_statements" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "analytics_statements_own_rows" ON "analytics_statements"
  USING ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid))
  WITH CHECK ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint
ALTER TABLE "claim_month_versions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "claim_month_versions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "claim_month_versions_own_rows" ON "claim_month_versions"
  USING ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid))
  WITH CHECK ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint
-- Policies for reading and appending only: with row-level security forced, an UPDATE or DELETE
-- finds no row even for a role that somehow held the privilege, the table owner included (a
-- superuser aside). Referential actions (ON DELETE CASCADE from providers) are not subject to it.
ALTER TABLE "analytics_statement_exports" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "analytics_statement_exports" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "analytics_statement_exports_read_own" ON "analytics_statement_exports" FOR SELECT
  USING ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint
CREATE POLICY "analytics_statement_exports_append_own" ON "analytics_statement_exports" FOR INSERT
  WITH CHECK ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint

-- Records, at the provider's new data version, each (month, claim type) whose counted claims
-- (any state but draft) a statement changed, and adds each row's change to its month's count
-- (+1 a counted row after, -1 a counted row before; payment months carry 0). Drafts count in no
-- figure, so they move nothing.
CREATE FUNCTION analytics_note_counted_months(
  p_provider_ids uuid[], p_months date[], p_claim_types claim_type[], p_counted boolean[],
  p_deltas integer[]
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO claim_month_versions AS m (provider_id, month, claim_type, version, claims_count)
  SELECT t.provider_id, t.month, t.claim_type, v.version, sum(t.delta)
  FROM unnest(p_provider_ids, p_months, p_claim_types, p_counted, p_deltas)
    AS t(provider_id, month, claim_type, counted, delta)
  JOIN provider_data_versions v ON v.provider_id = t.provider_id
  WHERE t.counted AND t.month IS NOT NULL
  GROUP BY t.provider_id, t.month, t.claim_type, v.version
  ORDER BY 1, 2, 3
  ON CONFLICT (provider_id, month, claim_type) DO UPDATE
    SET version = greatest(m.version, excluded.version),
        claims_count = m.claims_count + excluded.claims_count;
END
$$;
--> statement-breakpoint

-- As in 0003, and the counted months besides: the service month (counting +1 after, -1
-- before) and the payment month as an Edmonton date (counting 0), of every row before and after.
CREATE OR REPLACE FUNCTION analytics_claims_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
  months date[];
  types claim_type[];
  counted boolean[];
  deltas integer[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(provider_id), array_agg(month), array_agg(claim_type), array_agg(counts), array_agg(delta)
      INTO ids, months, types, counted, deltas FROM (
      SELECT provider_id, date_trunc('month', date_of_service)::date AS month, claim_type, state <> 'draft' AS counts, 1 AS delta FROM new_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', paid_at AT TIME ZONE 'America/Edmonton')::date, claim_type, state <> 'draft', 0 FROM new_rows
    ) t;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(provider_id), array_agg(month), array_agg(claim_type), array_agg(counts), array_agg(delta)
      INTO ids, months, types, counted, deltas FROM (
      SELECT provider_id, date_trunc('month', date_of_service)::date AS month, claim_type, state <> 'draft' AS counts, 1 AS delta FROM new_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', paid_at AT TIME ZONE 'America/Edmonton')::date, claim_type, state <> 'draft', 0 FROM new_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', date_of_service)::date, claim_type, state <> 'draft', -1 FROM old_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', paid_at AT TIME ZONE 'America/Edmonton')::date, claim_type, state <> 'draft', 0 FROM old_rows
    ) t;
  ELSE
    SELECT array_agg(provider_id), array_agg(month), array_agg(claim_type), array_agg(counts), array_agg(delta)
      INTO ids, months, types, counted, deltas FROM (
      SELECT provider_id, date_trunc('month', date_of_service)::date AS month, claim_type, state <> 'draft' AS counts, -1 AS delta FROM old_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', paid_at AT TIME ZONE 'America/Edmonton')::date, claim_type, state <> 'draft', 0 FROM old_rows
    ) t;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM analytics_note_claim_months(ids, months);
    PERFORM analytics_note_counted_months(ids, months, types, counted, deltas);
  END IF;
  RETURN NULL;
END
$$;
