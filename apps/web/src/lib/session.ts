/** The API's session cookie (HttpOnly: the page never reads it, only checks that it exists). */
export const SESSION_COOKIE = 'meritum_session';
