import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { z } from 'zod';
import { randomPassword } from './passwords';

/** The embedded server's passwords: its superuser's, and the API's login role's. */
export const EmbeddedCredentials = z.object({
  superuserPassword: z.string().min(32),
  apiPassword: z.string().min(32),
});
export type EmbeddedCredentials = z.infer<typeof EmbeddedCredentials>;

export function newCredentials(): EmbeddedCredentials {
  return { superuserPassword: randomPassword(), apiPassword: randomPassword() };
}

/**
 * Beside the data directory, not in it: as root, PostgreSQL runs as the `postgres` user, which
 * owns the data directory; this file stays the API's (root's), unreadable by that user.
 */
export function credentialsFileOf(dataDir: string): string {
  return `${dataDir.replace(/\/+$/, '')}.credentials.json`;
}

/**
 * The stored credentials, or undefined if there is no file. Refuses a file that someone else
 * owns or may read: its passwords could be known, or planted.
 */
export async function readCredentials(file: string): Promise<EmbeddedCredentials | undefined> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (info.uid !== userInfo().uid || (info.mode & 0o077) !== 0) {
    throw new Error(
      `${file} must be owned by this user and readable by no one else (chmod 600); ` +
        'it holds the embedded database’s passwords',
    );
  }
  return EmbeddedCredentials.parse(JSON.parse(await readFile(file, 'utf8')));
}

/**
 * Writes the file in one step, mode 0600 from its creation: a new file beside it (O_EXCL, so
 * not through a planted link), synced, then renamed over the old one. A reader sees the old
 * file or the new one, never a part.
 */
export async function writeCredentials(file: string, credentials: EmbeddedCredentials) {
  const staging = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(staging, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(staging, file);
  } catch (error) {
    await rm(staging, { force: true });
    throw error;
  }
}
