-- Deleting a provider cascades to its claims, whose delete trigger used to record a new data
-- version for that provider, a row whose foreign key to the provider being deleted then failed:
-- an account with claims could not be closed. Claims deleted with their provider record nothing.
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
    ) t
    -- Claims deleted with their provider (an account closed): nothing of theirs is left to track.
    WHERE provider_id IN (SELECT id FROM providers);
  END IF;
  IF ids IS NOT NULL THEN
    PERFORM analytics_note_claim_months(ids, months);
    PERFORM analytics_note_counted_months(ids, months, types, counted, deltas);
  END IF;
  RETURN NULL;
END
$$;
