/**
 * Advisory lock namespace of analytics refreshes: the lock is (7270, hashtext(provider id)),
 * taken with pg_try_advisory_xact_lock by the refresh and looked for in pg_locks by the
 * dashboard's freshness check.
 */
export const REFRESH_LOCK_NAMESPACE = 7270;

/**
 * Advisory lock namespace of the assembling of a provider's kept dashboard figures after a
 * refresh: (7271, hashtext(provider id)), one at a time per provider across instances, so two
 * never write the same rows in different orders.
 */
export const FIGURES_LOCK_NAMESPACE = 7271;
