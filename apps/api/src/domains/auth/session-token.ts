import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

/** 20 random bytes (160 bits) in lower-case base32: one half of a session token. */
function randomPart(): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(20)));
}

const hashSecret = (secret: string) => sha256(new TextEncoder().encode(secret));

/** A new session token, `<id>.<secret>`, and what is stored of it: the id and SHA-256(secret). */
export function newSessionToken(): { token: string; id: string; secretHash: string } {
  const id = randomPart();
  const secret = randomPart();
  return { token: `${id}.${secret}`, id, secretHash: encodeHexLowerCase(hashSecret(secret)) };
}

/** Splits a presented token; anything not of the form `<id>.<secret>` is refused. */
export function parseSessionToken(token: string): { id: string; secret: string } | null {
  const match = /^([a-z2-7]{32})\.([a-z2-7]{32})$/.exec(token);
  return match ? { id: match[1] as string, secret: match[2] as string } : null;
}

/** Whether `secret` hashes to the stored hex hash, compared in constant time. */
export function secretMatches(secret: string, storedHexHash: string): boolean {
  const stored = Buffer.from(storedHexHash, 'hex');
  const presented = hashSecret(secret);
  return stored.length === presented.length && constantTimeEqual(presented, new Uint8Array(stored));
}
