-- A schema Citus can distribute, as fast on plain PostgreSQL (docs/decisions.md, docs/scaling.md):
-- policies without subqueries, bookkeeping and listing functions Citus can plan, and the claims
-- trigger's one-provider assumption enforced.

-- The provider a transaction is scoped to (SET LOCAL app.provider_id), NULL outside a scope.
-- NULLIF: once a transaction-local setting ends, the session sees '' rather than NULL. A SQL
-- function PostgreSQL inlines into each policy: Citus refuses subqueries in the policies of
-- distributed tables, and this form costs about as much as the scalar-subquery InitPlan it
-- replaces (measured on the 100,000-row upsert, docs/benchmarks.md).
CREATE FUNCTION app_provider_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid
$$;
--> statement-breakpoint
DROP POLICY "providers_own_row" ON "providers";
--> statement-breakpoint
CREATE POLICY "providers_own_row" ON "providers"
  USING ("id" = app_provider_id())
  WITH CHECK ("id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "analytics_cache_own_rows" ON "analytics_cache";
--> statement-breakpoint
CREATE POLICY "analytics_cache_own_rows" ON "analytics_cache"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "claims_own_rows" ON "claims";
--> statement-breakpoint
CREATE POLICY "claims_own_rows" ON "claims"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "provider_data_versions_own_row" ON "provider_data_versions";
--> statement-breakpoint
CREATE POLICY "provider_data_versions_own_row" ON "provider_data_versions"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "analytics_dirty_months_own_rows" ON "analytics_dirty_months";
--> statement-breakpoint
CREATE POLICY "analytics_dirty_months_own_rows" ON "analytics_dirty_months"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "analytics_refresh_state_own_row" ON "analytics_refresh_state";
--> statement-breakpoint
CREATE POLICY "analytics_refresh_state_own_row" ON "analytics_refresh_state"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "users_own_row" ON "users";
--> statement-breakpoint
CREATE POLICY "users_own_row" ON "users"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "sessions_own_rows" ON "sessions";
--> statement-breakpoint
CREATE POLICY "sessions_own_rows" ON "sessions"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "analytics_statements_own_rows" ON "analytics_statements";
--> statement-breakpoint
CREATE POLICY "analytics_statements_own_rows" ON "analytics_statements"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "claim_month_versions_own_rows" ON "claim_month_versions";
--> statement-breakpoint
CREATE POLICY "claim_month_versions_own_rows" ON "claim_month_versions"
  USING ("provider_id" = app_provider_id())
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "analytics_statement_exports_read_own" ON "analytics_statement_exports";
--> statement-breakpoint
CREATE POLICY "analytics_statement_exports_read_own" ON "analytics_statement_exports" FOR SELECT
  USING ("provider_id" = app_provider_id());
--> statement-breakpoint
DROP POLICY "analytics_statement_exports_append_own" ON "analytics_statement_exports";
--> statement-breakpoint
CREATE POLICY "analytics_statement_exports_append_own" ON "analytics_statement_exports" FOR INSERT
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint

-- Bookkeeping for one provider (the trigger below refuses a statement that changes two), in
-- PL/pgSQL with one-row writes: Citus plans each statement of a PL/pgSQL function on its own,
-- and each is an insert pinned to one provider. Returns the provider's new data version.
CREATE FUNCTION analytics_note_months(p_provider_id uuid, p_months date[]) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  new_version bigint;
  dirty date;
BEGIN
  INSERT INTO provider_data_versions AS v (provider_id, version) VALUES (p_provider_id, 1)
  ON CONFLICT (provider_id) DO UPDATE SET version = v.version + 1
  RETURNING v.version INTO new_version;
  FOR dirty IN SELECT DISTINCT m FROM unnest(p_months) AS m WHERE m IS NOT NULL ORDER BY m LOOP
    INSERT INTO analytics_dirty_months AS d (provider_id, month, dirty_version)
    VALUES (p_provider_id, dirty, new_version)
    ON CONFLICT (provider_id, month)
      DO UPDATE SET dirty_version = greatest(d.dirty_version, excluded.dirty_version);
  END LOOP;
  RETURN new_version;
END
$$;
--> statement-breakpoint

-- Records, at the provider's new data version, each (month, claim type) whose counted claims
-- (any state but draft) a statement changed, adding each row's change to its month's count.
CREATE FUNCTION analytics_note_counted(
  p_provider_id uuid, p_version bigint, p_months date[], p_claim_types claim_type[],
  p_counted boolean[], p_deltas integer[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  changed record;
BEGIN
  FOR changed IN
    SELECT t.month, t.claim_type, sum(t.delta)::integer AS delta
    FROM unnest(p_months, p_claim_types, p_counted, p_deltas) AS t(month, claim_type, counted, delta)
    WHERE t.counted AND t.month IS NOT NULL
    GROUP BY t.month, t.claim_type
    ORDER BY t.month, t.claim_type
  LOOP
    INSERT INTO claim_month_versions AS m (provider_id, month, claim_type, version, claims_count)
    VALUES (p_provider_id, changed.month, changed.claim_type, p_version, changed.delta)
    ON CONFLICT (provider_id, month, claim_type) DO UPDATE
      SET version = greatest(m.version, excluded.version),
          claims_count = m.claims_count + excluded.claims_count;
  END LOOP;
END
$$;
--> statement-breakpoint

-- As in 0011, for one provider per statement: a statement on claims that changes two providers'
-- rows is refused (the application never sends one; on Citus the trigger runs per shard, where
-- only the statement's own provider is in reach). Claims deleted with their provider (an account
-- closed) record nothing.
CREATE OR REPLACE FUNCTION analytics_claims_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[];
  months date[];
  types claim_type[];
  counted boolean[];
  deltas integer[];
  provider uuid;
  new_version bigint;
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
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  provider := ids[1];
  IF EXISTS (SELECT 1 FROM unnest(ids) AS i WHERE i IS DISTINCT FROM provider) THEN
    RAISE EXCEPTION 'a statement on claims may change one provider''s claims only'
      USING HINT = 'Send one statement per provider.';
  END IF;
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM providers WHERE id = provider) THEN
    RETURN NULL;
  END IF;
  new_version := analytics_note_months(provider, months);
  PERFORM analytics_note_counted(provider, new_version, months, types, counted, deltas);
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP FUNCTION analytics_note_claim_months(uuid[], date[]);
--> statement-breakpoint
DROP FUNCTION analytics_note_counted_months(uuid[], date[], claim_type[], boolean[], integer[]);
--> statement-breakpoint

-- The nightly listing, in steps Citus can plan: a page of providers from the reference table,
-- then each distributed table read for that page on its own (no correlated subquery, no join of
-- a reference table to a distributed one), joined here.
CREATE OR REPLACE FUNCTION analytics_refresh_candidates(p_after uuid, p_limit integer)
RETURNS TABLE (provider_id uuid, data_version bigint, cache_version bigint, has_dirty_months boolean)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  page uuid[];
  version_ids uuid[];
  versions bigint[];
  state_ids uuid[];
  state_versions bigint[];
  dirty_ids uuid[];
BEGIN
  SELECT array_agg(p.id ORDER BY p.id) INTO page FROM (
    SELECT id FROM providers
    WHERE p_after IS NULL OR id > p_after
    ORDER BY id
    LIMIT least(greatest(p_limit, 1), 1000)
  ) p;
  IF page IS NULL THEN
    RETURN;
  END IF;
  SELECT array_agg(v.provider_id), array_agg(v.version) INTO version_ids, versions
  FROM provider_data_versions v WHERE v.provider_id = ANY (page);
  SELECT array_agg(s.provider_id), array_agg(s.source_version) INTO state_ids, state_versions
  FROM analytics_refresh_state s WHERE s.provider_id = ANY (page);
  SELECT array_agg(DISTINCT d.provider_id) INTO dirty_ids
  FROM analytics_dirty_months d WHERE d.provider_id = ANY (page);
  RETURN QUERY
    SELECT p.id, coalesce(v.version, 0)::bigint, s.version, p.id = ANY (coalesce(dirty_ids, '{}'))
    FROM unnest(page) AS p(id)
    LEFT JOIN unnest(version_ids, versions) AS v(id, version) ON v.id = p.id
    LEFT JOIN unnest(state_ids, state_versions) AS s(id, version) ON s.id = p.id
    ORDER BY p.id;
END
$$;
