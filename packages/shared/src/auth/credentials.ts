import { z } from 'zod';

const Email = z
  .email({ message: 'a valid email address is required' })
  .max(254)
  .transform((email) => email.toLowerCase());

/** A password a physician chooses: at sign-up, or as a new one. */
const NewPassword = z
  .string()
  .min(12, 'passwords have at least 12 characters')
  .max(256, 'passwords have at most 256 characters');

/** POST /auth/signup */
export const SignupRequest = z.strictObject({
  email: Email,
  password: NewPassword,
  name: z.string().trim().min(1, 'a name is required').max(200),
  billingNumber: z
    .string()
    .regex(/^[0-9A-Za-z-]{3,20}$/, 'billing numbers are 3-20 letters, digits or dashes'),
});
export type SignupRequest = z.input<typeof SignupRequest>;

/** POST /auth/login */
export const LoginRequest = z.strictObject({
  email: Email,
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.input<typeof LoginRequest>;

/**
 * The answer to every well-formed sign-up, whether or not the account was created: it never
 * says that an email or billing number is taken. The page signs in next, with the same email
 * and password.
 */
export const SignupAccepted = z.object({
  status: z.literal('accepted'),
  message: z.string(),
});
export type SignupAccepted = z.infer<typeof SignupAccepted>;

/** POST /auth/password: the signed-in physician's new password; their other sessions end. */
export const PasswordChange = z.strictObject({
  currentPassword: z.string().min(1).max(256),
  newPassword: NewPassword,
});
export type PasswordChange = z.input<typeof PasswordChange>;

/**
 * Why the API refused a session (401 codes): the page says so on its way back to sign-in.
 * UNAUTHENTICATED: no session, or one the API does not know.
 */
export const SESSION_END_CODES = {
  SESSION_IDLE: 'You were signed out after a spell without activity.',
  SESSION_EXPIRED: 'Your session reached its time limit. Sign in again to go on.',
  SESSION_SIGNED_OUT_EVERYWHERE: 'You were signed out on every device.',
  SESSION_PASSWORD_CHANGED: 'Your password was changed, so this session ended.',
} as const;
export type SessionEndCode = keyof typeof SESSION_END_CODES;

/**
 * A request the page sends on its own (polling, refetch on focus) carries this header, so that
 * it does not count as activity: an unattended browser still reaches the idle timeout.
 */
export const BACKGROUND_REQUEST_HEADER = 'x-meritum-background';

/** GET /auth/me, and the body of a successful login. */
export const Profile = z.object({
  userId: z.uuid(),
  email: z.string(),
  providerId: z.uuid(),
  name: z.string(),
  billingNumber: z.string(),
});
export type Profile = z.infer<typeof Profile>;

/** The API's session cookie: HttpOnly, so pages can only tell whether one was sent. */
export const SESSION_COOKIE = 'meritum_session';
