import { z } from 'zod';

const Email = z
  .email({ message: 'a valid email address is required' })
  .max(254)
  .transform((email) => email.toLowerCase());

/** POST /auth/signup */
export const SignupRequest = z.strictObject({
  email: Email,
  password: z
    .string()
    .min(12, 'passwords have at least 12 characters')
    .max(256, 'passwords have at most 256 characters'),
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

/** GET /auth/me, and the body of a successful sign-up or login. */
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
