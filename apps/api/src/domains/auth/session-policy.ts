/**
 * How long a session lives: it ends `idleMinutes` after the user's last request (background
 * polling does not count) and `maxHours` after sign-in, whichever comes first.
 */
export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

/** The defaults of SESSION_IDLE_MINUTES and SESSION_MAX_HOURS. */
export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMinutes: 30, maxHours: 12 };
