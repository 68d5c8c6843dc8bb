-- Claims tracking: grants, row-level security, and the triggers through which no commit that
-- changes claims can forget to tell the analytics cache.

GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "claims" TO meritum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON TABLE "provider_data_versions" TO meritum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "analytics_dirty_months" TO meritum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON TABLE "analytics_refresh_state" TO meritum_app;
--> statement-breakpoint

ALTER TABLE "claims" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "claims" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "claims_own_rows" ON "claims"
  USING ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid))
  WITH CHECK ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint
ALTER TABLE "provider_data_versions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "provider_data_versions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "provider_data_versions_own_row" ON "provider_data_versions"
  USING ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid))
  WITH CHECK ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint
ALTER TABLE "analytics_dirty_months" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "analytics_dirty_months" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "analytics_dirty_months_own_rows" ON "analytics_dirty_months"
  USING ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid))
  WITH CHECK ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint
ALTER TABLE "analytics_refresh_state" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "analytics_refresh_state" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "analytics_refresh_state_own_row" ON "analytics_refresh_state"
  USING ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid))
  WITH CHECK ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint

-- Bumps each provider's data version once and marks its months dirty at the new version.
-- Providers in id order, so two statements touching the same providers lock them alike.
CREATE FUNCTION analytics_note_claim_months(p_provider_ids uuid[], p_months date[])
RETURNS void LANGUAGE sql AS $$
  WITH touched AS (
    SELECT DISTINCT t.provider_id, t.month
    FROM unnest(p_provider_ids, p_months) AS t(provider_id, month)
    WHERE t.month IS NOT NULL
  ),
  bumped AS (
    INSERT INTO provider_data_versions AS v (provider_id, version)
    SELECT DISTINCT provider_id, 1 FROM touched ORDER BY provider_id
    ON CONFLICT (provider_id) DO UPDATE SET version = v.version + 1
    RETURNING v.provider_id, v.version
  )
  INSERT INTO analytics_dirty_months AS d (provider_id, month, dirty_version)
  SELECT t.provider_id, t.month, b.version
  FROM touched t JOIN bumped b ON b.provider_id = t.provider_id
  ORDER BY t.provider_id, t.month
  ON CONFLICT (provider_id, month)
    DO UPDATE SET dirty_version = greatest(d.dirty_version, excluded.dirty_version);
$$;
--> statement-breakpoint

-- The months a claim counts in: its service month, and its payment month as an Edmonton date.
CREATE FUNCTION analytics_claims_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
  months date[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(provider_id), array_agg(month) INTO ids, months FROM (
      SELECT provider_id, date_trunc('month', date_of_service)::date AS month FROM new_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', paid_at AT TIME ZONE 'America/Edmonton')::date FROM new_rows
    ) t;
  ELSIF TG_OP = 'UPDATE' THEN
    SELECT array_agg(provider_id), array_agg(month) INTO ids, months FROM (
      SELECT provider_id, date_trunc('month', date_of_service)::date AS month FROM new_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', paid_at AT TIME ZONE 'America/Edmonton')::date FROM new_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', date_of_service)::date FROM old_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', paid_at AT TIME ZONE 'America/Edmonton')::date FROM old_rows
    ) t;
  ELSE
    SELECT array_agg(provider_id), array_agg(month) INTO ids, months FROM (
      SELECT provider_id, date_trunc('month', date_of_service)::date AS month FROM old_rows
      UNION ALL
      SELECT provider_id, date_trunc('month', paid_at AT TIME ZONE 'America/Edmonton')::date FROM old_rows
    ) t;
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM analytics_note_claim_months(ids, months);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "claims_changed_on_insert" AFTER INSERT ON "claims"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_claims_changed();
--> statement-breakpoint
CREATE TRIGGER "claims_changed_on_update" AFTER UPDATE ON "claims"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_claims_changed();
--> statement-breakpoint
CREATE TRIGGER "claims_changed_on_delete" AFTER DELETE ON "claims"
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION analytics_claims_changed();
--> statement-breakpoint

-- The nightly job's one cross-provider read: provider ids with their data and cache versions,
-- a page at a time by id; counters only, no claim data. It runs as the owner (SECURITY
-- DEFINER), which under FORCEd row-level security needs a policy of its own to read these
-- four tables; a superuser owner bypasses them anyway.
CREATE POLICY "providers_owner_lists" ON "providers" FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint
CREATE POLICY "analytics_dirty_months_owner_lists" ON "analytics_dirty_months" FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint
CREATE POLICY "provider_data_versions_owner_lists" ON "provider_data_versions" FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint
CREATE POLICY "analytics_refresh_state_owner_lists" ON "analytics_refresh_state" FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint
CREATE FUNCTION analytics_refresh_candidates(p_after uuid, p_limit integer)
RETURNS TABLE (provider_id uuid, data_version bigint, cache_version bigint, has_dirty_months boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT p.id, coalesce(v.version, 0), s.source_version,
         EXISTS (SELECT 1 FROM analytics_dirty_months d WHERE d.provider_id = p.id)
  FROM providers p
  LEFT JOIN provider_data_versions v ON v.provider_id = p.id
  LEFT JOIN analytics_refresh_state s ON s.provider_id = p.id
  WHERE p_after IS NULL OR p.id > p_after
  ORDER BY p.id
  LIMIT least(greatest(p_limit, 1), 1000)
$$;
--> statement-breakpoint
CREATE FUNCTION analytics_provider_count() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT count(*) FROM providers
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION analytics_refresh_candidates(uuid, integer) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION analytics_provider_count() FROM PUBLIC;
--> statement-breakpoint
-- Only the jobs role may list providers: an application connection serving one physician's
-- request must not learn of the others, not even their ids or activity counters.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'meritum_jobs') THEN
    CREATE ROLE meritum_jobs NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
  IF current_setting('server_version_num')::int >= 160000 THEN
    IF NOT pg_has_role(current_user, 'meritum_jobs', 'SET') THEN
      EXECUTE format('GRANT meritum_jobs TO %I WITH SET TRUE', current_user);
    END IF;
  ELSIF NOT pg_has_role(current_user, 'meritum_jobs', 'MEMBER') THEN
    EXECUTE format('GRANT meritum_jobs TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO meritum_jobs;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION analytics_refresh_candidates(uuid, integer) TO meritum_jobs;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION analytics_provider_count() TO meritum_jobs;
