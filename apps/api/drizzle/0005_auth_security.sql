-- Users and sessions: provider-scoped under forced row-level security, like all provider data.
-- Two lookups come before the provider is known (a user by email at login, a session by id on
-- every request): narrow SECURITY DEFINER functions, each returning one row for an exact key.

GRANT SELECT, INSERT ON TABLE "users" TO meritum_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE "sessions" TO meritum_app;
--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "users" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "users_own_row" ON "users"
  USING ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid))
  WITH CHECK ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint
ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "sessions" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY "sessions_own_rows" ON "sessions"
  USING ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid))
  WITH CHECK ("provider_id" = (SELECT NULLIF(current_setting('app.provider_id', true), '')::uuid));
--> statement-breakpoint
CREATE POLICY "users_owner_reads" ON "users" FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint
CREATE POLICY "sessions_owner_reads" ON "sessions" FOR SELECT TO CURRENT_USER USING (true);
--> statement-breakpoint
CREATE FUNCTION auth_user_by_email(p_email text)
RETURNS TABLE (user_id uuid, provider_id uuid, password_hash text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT u.id, u.provider_id, u.password_hash FROM users u WHERE u.email = lower(p_email)
$$;
--> statement-breakpoint
CREATE FUNCTION auth_session_by_id(p_id text)
RETURNS TABLE (provider_id uuid, user_id uuid, secret_hash text, expires_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT s.provider_id, s.user_id, s.secret_hash, s.expires_at FROM sessions s WHERE s.id = p_id
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION auth_user_by_email(text) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION auth_session_by_id(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION auth_user_by_email(text) TO meritum_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION auth_session_by_id(text) TO meritum_app;
