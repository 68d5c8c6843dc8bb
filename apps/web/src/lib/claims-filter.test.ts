import { describe, expect, it } from 'vitest';
import { claimsHref, filterFromSearch } from './claims-filter';

const read = (search: string) => filterFromSearch(new URLSearchParams(search));

describe('the claims page’s filter in its URL', () => {
  it('reads one state or several, and leaves out parameters it does not know', () => {
    expect(read('state=paid&utm_source=mail')).toEqual({ ok: true, filter: { state: ['paid'] } });
    expect(read('state=rejected&state=written_off&claimType=WCB')).toEqual({
      ok: true,
      filter: { claimType: 'WCB', state: ['rejected', 'written_off'] },
    });
  });

  it('ignores a page size or a cursor in the address: the list starts at its first page', () => {
    expect(read('limit=5&cursor=abc&serviceFrom=2026-01-01')).toEqual({
      ok: true,
      filter: { serviceFrom: '2026-01-01' },
    });
  });

  it('refuses what the API would refuse, saying why', () => {
    expect(read('state=lost')).toMatchObject({ ok: false });
    expect(read('serviceFrom=2026-09-01&serviceTo=2026-08-01')).toEqual({
      ok: false,
      problem: 'serviceFrom must not be after serviceTo',
    });
    // A plus written bare arrives as a space.
    expect(read('outstanding=90+')).toMatchObject({ ok: false });
  });

  it('is /claims alone for no filter at all', () => {
    expect(read('')).toEqual({ ok: true, filter: {} });
    expect(claimsHref({})).toBe('/claims');
  });
});
