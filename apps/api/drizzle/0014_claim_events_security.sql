-- Claim history: the application appends and reads, never changes or removes; row-level security
-- like every provider table; and the claims triggers that append an event for every change of a
-- claim's state, in the transaction of the change.

GRANT SELECT, INSERT ON TABLE "claim_events" TO meritum_app;
--> statement-breakpoint
-- Policies for reading and appending only: with row-level security forced, an UPDATE or DELETE
-- finds no row even for a role that somehow held the privilege. ON DELETE CASCADE from claims
-- (a draft deleted, a provider deleted) is a referential action, not subject to either.
ALTER TABLE "claim_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "claim_events" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "claim_events_read_own" ON "claim_events" FOR SELECT
  USING ("provider_id" = app_provider_id());
--> statement-breakpoint
CREATE POLICY "claim_events_append_own" ON "claim_events" FOR INSERT
  WITH CHECK ("provider_id" = app_provider_id());
--> statement-breakpoint

-- The claims that exist already get their creation and, past draft, the state they are in: the
-- history starts where the application first saw them. As the owner, all providers at once.
ALTER TABLE "claims" NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "claim_events" NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
INSERT INTO "claim_events" (provider_id, claim_id, seq, from_state, to_state, fee_submitted,
                            fee_assessed, explanatory_codes, occurred_at)
SELECT provider_id, id, 1, NULL, state, fee_submitted, fee_assessed, explanatory_codes, updated_at
FROM "claims";
--> statement-breakpoint
ALTER TABLE "claim_events" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "claims" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint

-- Appends one event per claim of one provider: the next in each claim's sequence (1 for claims
-- just created, all in one INSERT from the arrays; a change, one claim at a time, reads its
-- claim's last). PL/pgSQL, one provider: statements Citus routes to that provider's shard (it
-- cannot plan the parameters of a SQL function there).
CREATE FUNCTION claims_append_events(
  p_provider_id uuid, p_created boolean, p_claim_ids uuid[], p_from claim_state[],
  p_to claim_state[], p_fee_submitted numeric[], p_fee_assessed numeric[], p_codes text[],
  p_at timestamptz[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  changed record;
  last_seq integer;
BEGIN
  IF p_created THEN
    INSERT INTO claim_events (provider_id, claim_id, seq, from_state, to_state, fee_submitted,
                              fee_assessed, explanatory_codes, occurred_at)
    SELECT p_provider_id, t.claim_id, 1, NULL, t.to_state, t.fee_submitted, t.fee_assessed,
           CASE WHEN t.codes = '' THEN '{}'::text[] ELSE string_to_array(t.codes, ',') END, t.at
    FROM unnest(p_claim_ids, p_to, p_fee_submitted, p_fee_assessed, p_codes, p_at)
           AS t(claim_id, to_state, fee_submitted, fee_assessed, codes, at)
    -- Never a conflict (a new claim has no event). On Citus it makes the insert go to the
    -- shard as an INSERT, which row-level security allows, not as a COPY.
    ON CONFLICT DO NOTHING;
    RETURN;
  END IF;
  FOR changed IN
    SELECT t.claim_id, t.from_state, t.to_state, t.fee_submitted, t.fee_assessed, t.codes, t.at
    FROM unnest(p_claim_ids, p_from, p_to, p_fee_submitted, p_fee_assessed, p_codes, p_at)
           AS t(claim_id, from_state, to_state, fee_submitted, fee_assessed, codes, at)
    ORDER BY t.claim_id
  LOOP
    SELECT max(e.seq) INTO last_seq FROM claim_events e
     WHERE e.provider_id = p_provider_id AND e.claim_id = changed.claim_id;
    INSERT INTO claim_events (provider_id, claim_id, seq, from_state, to_state, fee_submitted,
                              fee_assessed, explanatory_codes, occurred_at)
    VALUES (p_provider_id, changed.claim_id, coalesce(last_seq, 0) + 1, changed.from_state,
            changed.to_state, changed.fee_submitted, changed.fee_assessed,
            CASE WHEN changed.codes = '' THEN '{}'::text[] ELSE string_to_array(changed.codes, ',') END,
            changed.at);
  END LOOP;
END
$$;
--> statement-breakpoint

-- The claims' creation (at created_at) and each change of state (at updated_at, which the
-- claims service sets to the moment of the transition), with what the claim carries after it.
-- Codes travel joined by commas: the API's shape has none inside a code.
CREATE FUNCTION claims_record_events() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids uuid[]; claim_ids uuid[]; from_states claim_state[]; to_states claim_state[];
  submitted numeric[]; assessed numeric[]; codes text[]; ats timestamptz[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(n.provider_id), array_agg(n.id), array_agg(NULL::claim_state), array_agg(n.state),
           array_agg(n.fee_submitted), array_agg(n.fee_assessed),
           array_agg(array_to_string(n.explanatory_codes, ',')), array_agg(n.created_at)
      INTO ids, claim_ids, from_states, to_states, submitted, assessed, codes, ats
      FROM new_rows n;
  ELSE
    SELECT array_agg(n.provider_id), array_agg(n.id), array_agg(o.state), array_agg(n.state),
           array_agg(n.fee_submitted), array_agg(n.fee_assessed),
           array_agg(array_to_string(n.explanatory_codes, ',')), array_agg(n.updated_at)
      INTO ids, claim_ids, from_states, to_states, submitted, assessed, codes, ats
      FROM new_rows n JOIN old_rows o ON o.provider_id = n.provider_id AND o.id = n.id
     WHERE o.state IS DISTINCT FROM n.state;
  END IF;
  IF ids IS NULL THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(ids) AS i WHERE i IS DISTINCT FROM ids[1]) THEN
    RAISE EXCEPTION 'a statement on claims may change one provider''s claims only'
      USING HINT = 'Send one statement per provider.';
  END IF;
  PERFORM claims_append_events(ids[1], TG_OP = 'INSERT', claim_ids, from_states, to_states,
                               submitted, assessed, codes, ats);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "claims_history_on_insert" AFTER INSERT ON "claims"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION claims_record_events();
--> statement-breakpoint
CREATE TRIGGER "claims_history_on_update" AFTER UPDATE ON "claims"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION claims_record_events();
--> statement-breakpoint

-- The nightly listing also says the day each provider's outstanding figures were computed for:
-- they age without any claim changing, so a provider whose cache is current is still refreshed
-- when that day has passed. (A new result column: the function is dropped and created again.)
DROP FUNCTION analytics_refresh_candidates(uuid, integer);
--> statement-breakpoint
CREATE FUNCTION analytics_refresh_candidates(p_after uuid, p_limit integer)
RETURNS TABLE (provider_id uuid, data_version bigint, cache_version bigint, has_dirty_months boolean,
               outstanding_as_of date)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  page uuid[];
  version_ids uuid[];
  versions bigint[];
  state_ids uuid[];
  state_versions bigint[];
  state_days date[];
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
  SELECT array_agg(s.provider_id), array_agg(s.source_version), array_agg(s.outstanding_as_of)
    INTO state_ids, state_versions, state_days
  FROM analytics_refresh_state s WHERE s.provider_id = ANY (page);
  SELECT array_agg(DISTINCT d.provider_id) INTO dirty_ids
  FROM analytics_dirty_months d WHERE d.provider_id = ANY (page);
  RETURN QUERY
    SELECT p.id, coalesce(v.version, 0)::bigint, s.version, p.id = ANY (coalesce(dirty_ids, '{}')),
           s.day
    FROM unnest(page) AS p(id)
    LEFT JOIN unnest(version_ids, versions) AS v(id, version) ON v.id = p.id
    LEFT JOIN unnest(state_ids, state_versions, state_days) AS s(id, version, day) ON s.id = p.id
    ORDER BY p.id;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION analytics_refresh_candidates(uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION analytics_refresh_candidates(uuid, integer) TO meritum_jobs;
