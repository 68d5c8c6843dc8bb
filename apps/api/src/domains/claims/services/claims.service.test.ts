import { CLAIM_STATES } from '@meritum/shared';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../../../test/db';
import { createProvider, ownerQuery } from '../../../../test/factories';
import { InvalidTransitionError, NotFoundError, ValidationError } from '../../../lib/errors';
import { EventBus } from '../../../lib/events';
import { ClaimsRepo } from '../repos/claims.repo';
import { createClaimsService } from './claims.service';

const ctx = useTestDatabase();

function setup(now = new Date('2026-11-21T18:00:00Z')) {
  const events = new EventBus();
  const clock = { now: () => now, set: (at: Date) => (now = at) };
  const service = createClaimsService({
    db: ctx.db,
    claims: (tx) => new ClaimsRepo(tx),
    events,
    clock,
  });
  return { service, events, clock };
}

const newClaim = {
  claimType: 'AHCIP' as const,
  healthServiceCode: '03.03A',
  dateOfService: '2026-11-02',
  feeSubmitted: '85.50',
};

async function versionOf(providerId: string) {
  const { rows } = await ownerQuery(
    ctx.admin,
    providerId,
    'select version::text from provider_data_versions where provider_id = $1',
    [providerId],
  );
  return rows[0]?.version ?? '0';
}

async function dirtyMonthsOf(providerId: string) {
  const { rows } = await ownerQuery(
    ctx.admin,
    providerId,
    `select month::text, dirty_version::text from analytics_dirty_months
      where provider_id = $1 order by month`,
    [providerId],
  );
  return rows.map((r) => [r.month, r.dirty_version]);
}

describe('claims state machine', () => {
  it('creates a claim as a draft', async () => {
    const p = await createProvider(ctx.admin);
    const claim = await setup().service.create(p, newClaim);
    expect(claim).toMatchObject({
      providerId: p,
      state: 'draft',
      feeSubmitted: '85.50',
      feeAssessed: null,
      dateOfService: '2026-11-02',
    });
  });

  it('walks draft -> submitted -> rejected -> submitted -> adjusted, stamping each step', async () => {
    const p = await createProvider(ctx.admin);
    const { service, clock } = setup(new Date('2026-11-02T16:00:00Z'));
    const claim = await service.create(p, newClaim);

    const submitted = await service.transition(p, claim.id, { to: 'submitted' });
    expect(submitted.submittedAt?.toISOString()).toBe('2026-11-02T16:00:00.000Z');
    clock.set(new Date('2026-11-10T16:00:00Z'));
    const rejected = await service.transition(p, claim.id, { to: 'rejected' });
    expect(rejected).toMatchObject({ state: 'rejected', paidAt: null, feeAssessed: null });
    expect(rejected.assessedAt?.toISOString()).toBe('2026-11-10T16:00:00.000Z');
    clock.set(new Date('2026-11-12T16:00:00Z'));
    const resubmitted = await service.transition(p, claim.id, { to: 'submitted' });
    expect(resubmitted).toMatchObject({ state: 'submitted', assessedAt: null });
    clock.set(new Date('2026-12-01T05:00:00Z'));
    const adjusted = await service.transition(p, claim.id, {
      to: 'adjusted',
      feeAssessed: '70.00',
    });
    expect(adjusted).toMatchObject({ state: 'adjusted', feeAssessed: '70.00' });
    expect(adjusted.paidAt?.toISOString()).toBe('2026-12-01T05:00:00.000Z');
  });

  it('pays the submitted amount when paid, and refuses a payment of another amount', async () => {
    const p = await createProvider(ctx.admin);
    const { service } = setup();
    const a = await service.create(p, newClaim);
    await service.transition(p, a.id, { to: 'submitted' });
    expect(await service.transition(p, a.id, { to: 'paid' })).toMatchObject({
      feeAssessed: '85.50',
    });

    const b = await service.create(p, newClaim);
    await service.transition(p, b.id, { to: 'submitted' });
    await expect(
      service.transition(p, b.id, { to: 'paid', feeAssessed: '80.00' }),
    ).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(service.transition(p, b.id, { to: 'adjusted' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(
      service.transition(p, b.id, { to: 'adjusted', feeAssessed: '85.5' }),
    ).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(
      service.transition(p, b.id, { to: 'rejected', feeAssessed: '1.00' }),
    ).rejects.toBeInstanceOf(ValidationError);
    expect((await service.get(p, b.id)).state).toBe('submitted');
  });

  it('refuses every transition the machine does not list with INVALID_TRANSITION', async () => {
    const p = await createProvider(ctx.admin);
    const { service } = setup();
    const claim = await service.create(p, newClaim);
    for (const to of ['draft', 'paid', 'adjusted', 'rejected', 'written_off'] as const) {
      await expect(
        service.transition(p, claim.id, { to, feeAssessed: undefined }),
      ).rejects.toMatchObject({
        code: 'INVALID_TRANSITION',
      });
    }
    await service.transition(p, claim.id, { to: 'submitted' });
    await service.transition(p, claim.id, { to: 'paid' });
    for (const to of CLAIM_STATES) {
      await expect(service.transition(p, claim.id, { to })).rejects.toMatchObject({
        code: 'INVALID_TRANSITION',
      });
    }
  });

  it('lets exactly one of two racing transitions win', async () => {
    const p = await createProvider(ctx.admin);
    const { service } = setup();
    for (let round = 0; round < 10; round++) {
      const claim = await service.create(p, newClaim);
      await service.transition(p, claim.id, { to: 'submitted' });
      const outcomes = await Promise.allSettled([
        service.transition(p, claim.id, { to: 'paid' }),
        service.transition(p, claim.id, { to: 'rejected' }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const [failure] = outcomes.filter((o) => o.status === 'rejected');
      expect((failure as PromiseRejectedResult).reason).toBeInstanceOf(InvalidTransitionError);
    }
  });

  it("answers NOT_FOUND for another provider's claim and leaves it unchanged", async () => {
    const mine = await createProvider(ctx.admin);
    const theirs = await createProvider(ctx.admin);
    const { service } = setup();
    const their = await service.create(theirs, newClaim);

    await expect(service.get(mine, their.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(service.transition(mine, their.id, { to: 'submitted' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(service.remove(mine, their.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await service.get(theirs, their.id)).state).toBe('draft');
  });
});

describe('dates of service', () => {
  // Still 30 November in Edmonton, at UTC-7 or at UTC-6 (Alberta's year-round time from
  // November 2026, in time zone data from 2026c on).
  const justAfterUtcMidnight = new Date('2026-12-01T05:30:00Z');

  it('accepts today in Edmonton and the first of the month ten years back', async () => {
    const p = await createProvider(ctx.admin);
    const { service } = setup(justAfterUtcMidnight);

    for (const dateOfService of ['2026-11-30', '2016-11-01']) {
      const claim = await service.create(p, { ...newClaim, dateOfService });
      expect(claim.dateOfService).toBe(dateOfService);
    }
  });

  it('refuses a date after today in Edmonton, or before ten years back, and writes nothing', async () => {
    const p = await createProvider(ctx.admin);
    const { service } = setup(justAfterUtcMidnight);

    for (const dateOfService of ['2026-12-01', '2999-01-01', '2016-10-31', '1900-01-01']) {
      const refused = service.create(p, { ...newClaim, dateOfService });
      await expect(refused, dateOfService).rejects.toBeInstanceOf(ValidationError);
      await expect(refused, dateOfService).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ path: 'dateOfService', message: expect.any(String) }],
      });
    }
    expect(await versionOf(p)).toBe('0');
  });
});

describe('claim changes tell the analytics cache, in the same transaction', () => {
  it('bumps the version and marks the service month dirty on insert', async () => {
    const p = await createProvider(ctx.admin);
    await setup().service.create(p, newClaim);
    expect(await versionOf(p)).toBe('1');
    expect(await dirtyMonthsOf(p)).toEqual([['2026-11-01', '1']]);
  });

  it('marks the payment month dirty as an Edmonton date, old and new', async () => {
    const p = await createProvider(ctx.admin);
    const { service, clock } = setup(new Date('2026-09-15T16:00:00Z'));
    const claim = await service.create(p, { ...newClaim, dateOfService: '2026-09-14' });
    await service.transition(p, claim.id, { to: 'submitted' });
    // 05:00 UTC on 1 December is 22:00 on 30 November in Edmonton: paid in November.
    clock.set(new Date('2026-12-01T05:00:00Z'));
    await service.transition(p, claim.id, { to: 'paid' });

    expect(await versionOf(p)).toBe('3');
    expect(await dirtyMonthsOf(p)).toEqual([
      ['2026-09-01', '3'],
      ['2026-11-01', '3'],
    ]);
  });

  it('marks old and new months when a claim moves, and its months when it is deleted', async () => {
    const p = await createProvider(ctx.admin);
    const { service } = setup();
    const claim = await service.create(p, newClaim);
    await ownerQuery(
      ctx.admin,
      p,
      `update claims set date_of_service = '2026-07-04' where id = $1`,
      [claim.id],
    );
    expect(await dirtyMonthsOf(p)).toEqual([
      ['2026-07-01', '2'],
      ['2026-11-01', '2'],
    ]);
    await service.remove(p, claim.id);
    expect(await versionOf(p)).toBe('3');
    expect(await dirtyMonthsOf(p)).toEqual([
      ['2026-07-01', '3'],
      ['2026-11-01', '2'],
    ]);
  });

  it('records nothing when the claims transaction rolls back', async () => {
    const p = await createProvider(ctx.admin);
    await expect(
      ownerQuery(
        ctx.admin,
        p,
        `insert into claims (provider_id, claim_type, health_service_code, date_of_service, fee_submitted)
         values ($1, 'AHCIP', '03.03A', '2026-11-02', 10);
         select 1/0;`,
        [p],
      ),
    ).rejects.toThrow();
    expect(await versionOf(p)).toBe('0');
    expect(await dirtyMonthsOf(p)).toEqual([]);
  });

  it('emits claims.changed only after the change is committed', async () => {
    const p = await createProvider(ctx.admin);
    const { service, events } = setup();
    // The listener looks from another connection: before the commit it would see no claim.
    const seenByListener: Array<Promise<number>> = [];
    events.on('claims.changed', ({ providerId }) => {
      seenByListener.push(
        ownerQuery(
          ctx.admin,
          providerId,
          'select count(*)::int as n from claims where provider_id = $1',
          [providerId],
        ).then((r) => r.rows[0].n),
      );
    });
    await service.create(p, newClaim);

    expect(await Promise.all(seenByListener)).toEqual([1]);
  });
});

describe('the claims behind an outstanding figure', () => {
  it('ages claims by whole Edmonton days since submission, on every bucket boundary and across a DST change', async () => {
    const p = await createProvider(ctx.admin);
    const { service, clock } = setup();
    // As of 15 April 2026 in Edmonton (MDT), claims submitted at 23:30 or 00:30 local time,
    // some before clocks went forward on 8 March (MST).
    const submissions: Array<[string, number]> = [
      ['2026-03-17T05:30:00Z', 30],
      ['2026-03-15T06:30:00Z', 31],
      ['2026-02-15T06:30:00Z', 60],
      ['2026-02-13T07:30:00Z', 61],
      ['2026-01-16T06:30:00Z', 90],
      ['2026-01-14T07:30:00Z', 91],
    ];
    const ages = new Map<string, number>();
    for (const [at, age] of submissions) {
      clock.set(new Date('2026-01-10T18:00:00Z'));
      const claim = await service.create(p, { ...newClaim, dateOfService: '2026-01-02' });
      clock.set(new Date(at));
      await service.transition(p, claim.id, { to: 'submitted' });
      if (age === 61)
        await service.transition(p, claim.id, { to: 'rejected', explanatoryCodes: ['05'] });
      ages.set(claim.id, age);
    }
    clock.set(new Date('2026-04-16T05:59:00Z')); // 23:59 on 15 April in Edmonton
    const listed = async (outstanding: '0-30' | '31-60' | '61-90' | '90+') => {
      const page = await service.list(p, { outstanding, limit: 50 });
      return page.claims.map((c) => ages.get(c.id)).sort();
    };
    expect(await listed('0-30')).toEqual([30]);
    expect(await listed('31-60')).toEqual([31, 60]);
    expect(await listed('61-90')).toEqual([61, 90]);
    expect(await listed('90+')).toEqual([91]);
    // An hour later it is 16 April in Edmonton: each claim a day older.
    clock.set(new Date('2026-04-16T06:00:00Z'));
    expect(await listed('0-30')).toEqual([]);
    expect(await listed('31-60')).toEqual([30, 31]);
    expect(await listed('61-90')).toEqual([60, 61]);
    expect(await listed('90+')).toEqual([90, 91]);
  });
});
