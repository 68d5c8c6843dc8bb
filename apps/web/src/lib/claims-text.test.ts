import { describe, expect, it } from 'vitest';
import { codeMeaning, filterConditions, filterTitle } from './claims-text';

const Q3 = { serviceFrom: '2026-07-01', serviceTo: '2026-09-30' };

describe('what a list of claims is called', () => {
  it('names a refusal code, the claim type and the months', () => {
    expect(
      filterTitle({
        ...Q3,
        claimType: 'AHCIP',
        state: ['rejected', 'written_off'],
        explanatoryCode: '05',
      }),
    ).toBe('Refused for code 05 · AHCIP · Jul–Sep 2026');
    expect(
      filterTitle({ ...Q3, state: ['written_off', 'rejected'], explanatoryCode: 'none' }),
    ).toBe('Refused without a code · Jul–Sep 2026');
  });

  it('names the figure a set of states stands for', () => {
    const billed = ['submitted', 'paid', 'adjusted', 'rejected', 'written_off'] as const;
    expect(filterTitle({ ...Q3, state: [...billed] })).toBe('Claims billed · Jul–Sep 2026');
    expect(filterTitle({ ...Q3, state: [...billed], healthServiceCode: '03.03A' })).toBe(
      'Claims billed under 03.03A · Jul–Sep 2026',
    );
    expect(
      filterTitle({ paidFrom: '2026-08-01', paidTo: '2026-08-31', state: ['paid', 'adjusted'] }),
    ).toBe('Claims paid · paid Aug 2026');
    expect(
      filterTitle({
        paidFrom: '2026-08-01',
        paidTo: '2026-08-31',
        state: ['adjusted'],
        explanatoryCode: '21',
      }),
    ).toBe('Adjusted for code 21 · paid Aug 2026');
    expect(filterTitle({ state: ['draft', 'paid'] })).toBe('Claims draft or paid');
    expect(filterTitle({})).toBe('All claims');
  });

  it('names an outstanding bucket without a period', () => {
    expect(filterTitle({ outstanding: '90+', claimType: 'WCB' })).toBe(
      'Outstanding over 90 days · WCB',
    );
  });

  it('writes ranges that are not whole months day by day', () => {
    expect(filterTitle({ serviceFrom: '2026-07-03', serviceTo: '2026-09-12' })).toBe(
      'All claims · Jul 3–Sep 12, 2026',
    );
    expect(filterTitle({ serviceFrom: '2026-07-03' })).toBe('All claims · from Jul 3, 2026');
  });

  it('lists every condition exactly under the title', () => {
    expect(
      filterConditions({ ...Q3, state: ['rejected', 'written_off'], explanatoryCode: '05' }),
    ).toEqual([
      'Date of service Jul 1–Sep 30, 2026',
      'State Rejected or Written off',
      'Code 05: Personal health number not effective for the dates of service',
    ]);
  });
});

describe('what an explanatory code means', () => {
  it('takes the API’s words, else the table’s, else says there is none on file', () => {
    expect(codeMeaning('05', 'From the API')).toBe('From the API');
    expect(codeMeaning('37')).toMatch(/^Business arrangement/);
    expect(codeMeaning('WR12')).toBe('No description on file');
    expect(codeMeaning('none')).toBe('Refused without an explanatory code');
  });
});
