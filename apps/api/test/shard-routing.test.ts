import { describe, expect, it } from 'vitest';
import { classify } from './shard-routing';

const A = '0b5c1f4e-8f0e-4a43-9d4e-3a1e1c2b7a01';
const B = '7d2e9c55-1c3b-4f1a-8e2d-5b6a7c8d9e02';

describe('shard routing of a statement under the Citus plan', () => {
  it.each([
    [
      'a filter on provider_id',
      'select * from claims where provider_id = $1 and id = $2',
      [A, 'x'],
    ],
    ['a qualified filter', 'select c.id from claims c where c.provider_id = $1::uuid', [A]],
    ['a literal', `delete from analytics_cache where provider_id = '${A}'::uuid`, []],
    ['= any of one id', 'select 1 from sessions where provider_id = any($1)', [[A]]],
    [
      'IN of one id twice',
      'select 1 from users where provider_id in ($1, $2)',
      [A, A.toUpperCase()],
    ],
    [
      'a co-located join',
      'select 1 from claims c join analytics_cache a on a.provider_id = c.provider_id where c.provider_id = $1',
      [A],
    ],
    [
      "an outer join's nullable side pinned in ON",
      'select 1 from (select 1) one left join analytics_refresh_state s on s.provider_id = $1',
      [A],
    ],
    [
      'subqueries and CTEs of one provider',
      'with v as (select version from provider_data_versions where provider_id = $1) select (select count(*) from analytics_dirty_months d where d.provider_id = $1), v.version from v',
      [A],
    ],
    [
      'an insert of one provider',
      'insert into claims (id, provider_id) values ($1, $2), ($3, $2)',
      ['1', A, '2'],
    ],
    [
      'an insert ... select of a constant provider',
      'insert into analytics_cache (provider_id, value) select $1::uuid, r.v from jsonb_to_recordset($2::jsonb) as r(v numeric)',
      [A, '[]'],
    ],
    [
      'an insert ... select from the same provider',
      'insert into analytics_cache (provider_id, value) select c.provider_id, 1 from claims c where c.provider_id = $1',
      [A],
    ],
    [
      'a reference table joined to a pinned one',
      'select u.email, p.name from users u join providers p on p.id = u.provider_id where u.provider_id = $1',
      [A],
    ],
  ])('routes %s to one shard', async (_, text, params) => {
    const routing = await classify(text, params);
    expect(routing).toMatchObject({ kind: 'single-shard', providerId: A });
  });

  it.each([
    ['no filter at all', 'select count(*) from claims', []],
    ['a filter on another key', 'delete from sessions where id = $1', ['s']],
    ['an update by id alone', 'update claims set state = $1 where id = $2', ['paid', 'x']],
    ['= any of two ids', 'select 1 from claims where provider_id = any($1)', [[A, B]]],
    ['IN of two ids', 'select 1 from claims where provider_id in ($1, $2)', [A, B]],
    ['an OR of two ids', 'select 1 from claims where provider_id = $1 or provider_id = $2', [A, B]],
    [
      'two subqueries of two providers',
      'select (select count(*) from claims where provider_id = $1), (select count(*) from claims where provider_id = $2)',
      [A, B],
    ],
    [
      'a join not on provider_id',
      'select 1 from claims c join analytics_cache a on a.metric_key = c.health_service_code where c.provider_id = $1',
      [A],
    ],
    [
      "an outer join's preserved side pinned only in ON",
      'select 1 from claims c left join analytics_cache a on c.provider_id = $1',
      [A],
    ],
    [
      'a correlated subquery over every provider',
      'select p.id from providers p where exists (select 1 from claims c where c.provider_id = p.id)',
      [],
    ],
    [
      'an insert of two providers',
      'insert into claims (id, provider_id) values ($1, $2), ($3, $4)',
      ['1', A, '2', B],
    ],
    ['an insert without a column list', 'insert into sessions select * from sessions_import', []],
    [
      'an insert ... select of every provider',
      'insert into analytics_cache (provider_id, value) select c.provider_id, 1 from claims c',
      [],
    ],
    ['a statement form it cannot route', 'truncate claims', []],
    [
      'a trigger function called directly',
      'select analytics_note_months($1, $2)',
      [A, ['2026-01-01']],
    ],
  ])('finds %s multi-shard', async (_, text, params) => {
    expect(await classify(text, params)).toMatchObject({ kind: 'multi-shard' });
  });

  it('names a call of a function that asks every shard', async () => {
    expect(await classify('select * from auth_session_by_id($1)', ['s'])).toEqual({
      kind: 'all-shards-function',
      function: 'auth_session_by_id',
    });
  });

  it('tells reference-table reads and writes apart', async () => {
    expect(await classify('select analytics_provider_count()', [])).toMatchObject({
      kind: 'reference',
      write: false,
    });
    expect(await classify('insert into providers (id) values ($1)', [A])).toMatchObject({
      kind: 'reference',
      write: true,
    });
  });

  it('leaves statements without provider data alone, a CTE shadowing a table name included', async () => {
    for (const text of [
      'begin',
      "select set_config('app.provider_id', $1, true)",
      'select pg_try_advisory_xact_lock($1, hashtext($2))',
      'with claims as (select 1 as provider_id) select * from claims',
    ]) {
      expect(await classify(text, [A, A]), text).toEqual({ kind: 'no-provider-data' });
    }
  });
});
