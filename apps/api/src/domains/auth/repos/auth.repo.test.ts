import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import { ownerQuery } from '../../../../test/factories';
import { newSessionToken } from '../session-token';
import { AuthRepo } from './auth.repo';

const ctx = useTestDatabase();

/** A physician with one open session, made through the repository. */
async function physicianWithSession(repo: AuthRepo) {
  const providerId = randomUUID();
  const { userId } = await repo.createProviderWithUser({
    providerId,
    name: 'Dr. Repo',
    billingNumber: `RP-${providerId.slice(0, 8)}`,
    email: `repo.${providerId}@example.ca`,
    passwordHash: 'the old hash',
  });
  const { id, secretHash } = newSessionToken();
  const now = new Date();
  await repo.insertSession({
    id,
    providerId,
    userId,
    secretHash,
    expiresAt: new Date(now.getTime() + 3_600_000),
    lastActiveAt: now,
  });
  return { providerId, userId, sessionId: id };
}

const newSession = () => {
  const { id, secretHash } = newSessionToken();
  const now = new Date();
  return { id, secretHash, expiresAt: new Date(now.getTime() + 3_600_000), lastActiveAt: now };
};

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

describe('changePassword', () => {
  // The database opens in beforeAll: each test makes its repository.
  const repo = () => new AuthRepo(ctx.db);

  it('writes nothing when the hash is no longer the one the current password was checked against', async () => {
    const { providerId, userId, sessionId } = await physicianWithSession(repo());
    const before = await stateOf(providerId);

    const outcome = await repo().changePassword(providerId, userId, {
      fromHash: 'a hash changed meanwhile',
      toHash: 'the new hash',
      bySessionId: sessionId,
      newSession: newSession(),
    });

    expect(outcome).toBe('password-changed');
    expect(await stateOf(providerId)).toEqual(before);
  });

  it('writes nothing when the session asking was ended meanwhile', async () => {
    const { providerId, userId, sessionId } = await physicianWithSession(repo());
    await repo().endSessions(providerId, userId, {
      reason: 'signed_out_everywhere',
      at: new Date(),
    });
    const before = await stateOf(providerId);

    const outcome = await repo().changePassword(providerId, userId, {
      fromHash: 'the old hash',
      toHash: 'the new hash',
      bySessionId: sessionId,
      newSession: newSession(),
    });

    expect(outcome).toBe('session-ended');
    expect(await stateOf(providerId)).toEqual(before);
  });

  it('otherwise sets the hash, ends every session and opens the new one', async () => {
    const { providerId, userId, sessionId } = await physicianWithSession(repo());
    const fresh = newSession();

    const outcome = await repo().changePassword(providerId, userId, {
      fromHash: 'the old hash',
      toHash: 'the new hash',
      bySessionId: sessionId,
      newSession: fresh,
    });

    expect(outcome).toBe('changed');
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
});
