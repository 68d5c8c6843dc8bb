import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import { ownerQuery } from '../../../../test/factories';
import { scopedRepo } from '../../../../test/scoped';
import { withProviderScope } from '../../../db/provider-scope';
import { newSessionToken } from '../session-token';
import { AuthRepo } from './auth.repo';

const ctx = useTestDatabase();
const repo = (providerId: string) => scopedRepo(ctx.db, providerId, (tx) => new AuthRepo(tx));

const newSession = () => {
  const { id, secretHash } = newSessionToken();
  const now = new Date();
  return { id, secretHash, expiresAt: new Date(now.getTime() + 3_600_000), lastActiveAt: now };
};

/** A physician with one open session, made through the repository in one unit of work. */
async function physicianWithSession() {
  const providerId = randomUUID();
  return withProviderScope(ctx.db, providerId, async (tx) => {
    const auth = new AuthRepo(tx);
    const { userId } = await auth.createProviderWithUser({
      name: 'Dr. Repo',
      billingNumber: `RP-${providerId.slice(0, 8)}`,
      email: `repo.${providerId}@example.ca`,
      passwordHash: 'the old hash',
    });
    const session = newSession();
    await auth.insertSession({ ...session, userId });
    return { providerId, userId, sessionId: session.id };
  });
}

async function stateOf(providerId: string) {
  const users = await ownerQuery(
    ctx.admin,
    providerId,
    'select password_hash from users where provider_id = $1',
    [providerId],
  );
  const sessions = await ownerQuery(
    ctx.admin,
    providerId,
    'select id, end_reason from sessions where provider_id = $1 order by created_at, id',
    [providerId],
  );
  return { hash: users.rows[0]?.password_hash, sessions: sessions.rows };
}

describe('the writes of a password change', () => {
  it('replace nothing when the hash is no longer the one the current password was checked against', async () => {
    const { providerId, userId } = await physicianWithSession();
    const before = await stateOf(providerId);

    const replaced = await repo(providerId).replacePasswordHash(
      userId,
      'a hash changed meanwhile',
      'the new hash',
    );

    expect(replaced).toBe(false);
    expect(await stateOf(providerId)).toEqual(before);
  });

  it('find the asking session no longer open once it was ended meanwhile', async () => {
    const { providerId, userId, sessionId } = await physicianWithSession();
    expect(await repo(providerId).lockOpenSession(sessionId)).toBe(true);
    await repo(providerId).endSessions(userId, { reason: 'signed_out_everywhere', at: new Date() });
    const before = await stateOf(providerId);

    expect(await repo(providerId).lockOpenSession(sessionId)).toBe(false);
    expect(await stateOf(providerId)).toEqual(before);
  });

  it('otherwise set the hash, end every session and open the new one, in one unit of work', async () => {
    const { providerId, userId, sessionId } = await physicianWithSession();
    const fresh = newSession();

    await withProviderScope(ctx.db, providerId, async (tx) => {
      const auth = new AuthRepo(tx);
      expect(await auth.lockOpenSession(sessionId)).toBe(true);
      expect(await auth.replacePasswordHash(userId, 'the old hash', 'the new hash')).toBe(true);
      await auth.endSessions(userId, { reason: 'password_changed', at: fresh.lastActiveAt });
      await auth.insertSession({ ...fresh, userId });
    });

    const after = await stateOf(providerId);
    expect(after.hash).toBe('the new hash');
    expect(after.sessions).toEqual(
      expect.arrayContaining([
        { id: sessionId, end_reason: 'password_changed' },
        { id: fresh.id, end_reason: null },
      ]),
    );
    expect(after.sessions).toHaveLength(2);
  });

  it('neither see nor touch another provider’s user or session', async () => {
    const { providerId, userId, sessionId } = await physicianWithSession();
    const before = await stateOf(providerId);
    const other = repo(randomUUID());

    expect(await other.lockOpenSession(sessionId)).toBe(false);
    expect(await other.replacePasswordHash(userId, 'the old hash', 'the new hash')).toBe(false);
    await other.endSessions(userId, { reason: 'signed_out_everywhere', at: new Date() });

    expect(await stateOf(providerId)).toEqual(before);
  });
});
