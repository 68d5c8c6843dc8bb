import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** 256 random bits as URL-safe text: usable in a connection string as it is. */
export function randomPassword(): string {
  return randomBytes(32).toString('base64url');
}

const ITERATIONS = 4096;

/**
 * What PostgreSQL stores for a SCRAM-SHA-256 password (RFC 5802, 7677), computed here so that a
 * `CREATE ROLE ... PASSWORD` statement never carries the password itself, as psql's `\password`
 * does: a statement can end up in the server's log, a verifier is no use to whoever reads it.
 * The passwords made here are printable ASCII, which SASLprep leaves as they are.
 */
export function scramSha256Verifier(password: string, salt = randomBytes(16)): string {
  if (!/^[\x21-\x7e]+$/.test(password)) throw new Error('passwords here are printable ASCII');
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}
