/**
 * Advisory lock namespace of analytics refreshes: the lock is (7270, hashtext(provider id)),
 * taken with pg_try_advisory_xact_lock by the refresh and looked for in pg_locks by the
 * dashboard's freshness check.
 */
export const REFRESH_LOCK_NAMESPACE = 7270;
