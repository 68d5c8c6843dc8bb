import { BACKGROUND_REQUEST_HEADER } from '@meritum/shared/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './api';

/** The headers of every request the page sends, answered with `body`. */
function stubFetch(body: unknown, status = 200) {
  const sent: Record<string, string>[] = [];
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    sent.push({ ...(init.headers as Record<string, string>) });
    return new Response(status === 204 ? null : JSON.stringify(body), { status });
  });
  return sent;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

const STATEMENTS = { statements: [] };

describe('api', () => {
  it('marks a read the page sends on its own with the background header', async () => {
    const sent = stubFetch(STATEMENTS);

    await api.statements({ background: true });

    expect(sent).toEqual([{ [BACKGROUND_REQUEST_HEADER]: '1' }]);
  });

  it('sends the physician’s reads and every change unmarked', async () => {
    const sent = stubFetch(STATEMENTS);
    await api.statements();
    await api.statements({ background: false });
    const changes = stubFetch(null, 204);
    await api.changePassword({ currentPassword: 'old-password!', newPassword: 'new-password-12' });
    await api.signOutEverywhere();

    expect(sent).toEqual([{}, {}]);
    expect(changes).toEqual([{ 'content-type': 'application/json' }, {}]);
  });
});
