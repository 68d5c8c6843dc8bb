-- Sessions that end on their own (idle, absolute lifetime) or on request (sign out everywhere,
-- password change), and the shared table of login, sign-up and expensive-route limits.

-- Sessions opened under the old 30-day sliding rule keep at most the new absolute lifetime's
-- default (12 hours from when they began). The owner steps out of FORCEd RLS for this one update.
ALTER TABLE "sessions" NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
UPDATE "sessions" SET "expires_at" = LEAST("expires_at", "created_at" + interval '12 hours');
--> statement-breakpoint
ALTER TABLE "sessions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- A password change writes the hash, and nothing else of a user.
GRANT UPDATE ("password_hash") ON TABLE "users" TO meritum_app;
--> statement-breakpoint
-- Not provider data (keys are hashed emails, addresses and provider ids), so no row-level
-- security: every instance reads and writes every key, which is the point of sharing them.
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "rate_limits" TO meritum_app;
--> statement-breakpoint
-- The session lookup now says when the session was last used and whether it was ended.
DROP FUNCTION auth_session_by_id(text);
--> statement-breakpoint
CREATE FUNCTION auth_session_by_id(p_id text)
RETURNS TABLE (provider_id uuid, user_id uuid, secret_hash text, expires_at timestamptz,
               last_active_at timestamptz, end_reason text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT s.provider_id, s.user_id, s.secret_hash, s.expires_at, s.last_active_at, s.end_reason
  FROM sessions s WHERE s.id = p_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION auth_session_by_id(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION auth_session_by_id(text) TO meritum_app;
