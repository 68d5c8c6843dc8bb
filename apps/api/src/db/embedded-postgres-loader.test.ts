import { mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureRelocated } from './embedded-postgres-loader';

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

/** A folder standing in for a checkout: a package to copy and one to link. */
async function checkout(label: string) {
  const root = await mkdtemp(join(tmpdir(), `meritum-relocate-${label}-`));
  folders.push(root);
  for (const name of ['library', 'pg']) {
    await mkdir(join(root, name), { recursive: true });
    await writeFile(join(root, name, 'package.json'), JSON.stringify({ name, from: label }));
  }
  return { root, copied: { library: join(root, 'library') }, linked: { pg: join(root, 'pg') } };
}

describe('ensureRelocated', () => {
  it('copies one package and links the other into the target', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'meritum-relocate-cache-'));
    folders.push(cache);
    const target = join(cache, 'embedded');
    const first = await checkout('first');

    await ensureRelocated(target, first.copied, first.linked);

    expect(await readlink(join(target, 'node_modules', 'pg'))).toBe(first.linked.pg);
    const copy = await readFile(join(target, 'node_modules', 'library', 'package.json'), 'utf8');
    expect(JSON.parse(copy)).toEqual({ name: 'library', from: 'first' });
  });

  it('makes the copy again once the checkout its links point into is deleted', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'meritum-relocate-cache-'));
    folders.push(cache);
    const target = join(cache, 'embedded');
    const first = await checkout('first');
    await ensureRelocated(target, first.copied, first.linked);
    await rm(first.root, { recursive: true, force: true });
    const second = await checkout('second');

    await ensureRelocated(target, second.copied, second.linked);

    expect(await readlink(join(target, 'node_modules', 'pg'))).toBe(second.linked.pg);
    const linked = await readFile(join(target, 'node_modules', 'pg', 'package.json'), 'utf8');
    expect(JSON.parse(linked)).toEqual({ name: 'pg', from: 'second' });
  });

  it('keeps a usable copy made from another checkout that still exists', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'meritum-relocate-cache-'));
    folders.push(cache);
    const target = join(cache, 'embedded');
    const first = await checkout('first');
    const second = await checkout('second');
    await ensureRelocated(target, first.copied, first.linked);

    await ensureRelocated(target, second.copied, second.linked);

    expect(await readlink(join(target, 'node_modules', 'pg'))).toBe(first.linked.pg);
  });
});
