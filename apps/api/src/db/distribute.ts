import pg from 'pg';
import { APP_ROLE, JOBS_ROLE, PINNED_SETTINGS } from './client';

/**
 * The Citus plan (docs/scaling.md): small tables read on every request copied to every node,
 * provider data sharded by provider_id and co-located, the limits table sharded by its own key.
 * Order matters: a table's foreign keys must point at tables already distributed.
 */
export const REFERENCE_TABLES = ['providers', 'users', 'sessions'] as const;
export const PROVIDER_TABLES = [
  'claims',
  'claim_events',
  'analytics_cache',
  'analytics_dashboard_figures',
  'provider_data_versions',
  'analytics_dirty_months',
  'analytics_refresh_state',
  'claim_month_versions',
  'analytics_statements',
  'analytics_statement_exports',
] as const;
export const KEYED_TABLES = [{ table: 'rate_limits', column: 'key' }] as const;

/**
 * Functions the workers run themselves: the policies' scope, and the claims triggers with the
 * bookkeeping and history they write on the shard of the statement that fired them.
 */
const WORKER_FUNCTIONS = [
  'app_provider_id()',
  'analytics_note_months(uuid, date[])',
  'analytics_note_counted(uuid, bigint, date[], claim_type[], boolean[], integer[])',
  'analytics_claims_changed()',
  'claims_append_events(uuid, boolean, uuid[], claim_state[], claim_state[], numeric[], numeric[], text[], timestamptz[])',
  'claims_record_events()',
];

export interface DistributeReport {
  citusVersion: string;
  workers: number;
  /** Tables distributed by this run; those already distributed are left as they are. */
  distributed: string[];
}

/**
 * Distributes a migrated database on a Citus coordinator, as its owner. Safe to run again: a
 * table already distributed is left alone. Triggers on distributed tables are "unsafe" to Citus
 * because it cannot tell where they write; the claims trigger writes only the rows of the one
 * provider whose claims changed (it refuses a statement that changes two, migration 0012), all
 * on that provider's co-located shards, so the setting is on for this step only.
 */
export async function distribute(ownerUrl: string): Promise<DistributeReport> {
  const client = new pg.Client({
    connectionString: ownerUrl,
    application_name: 'meritum-distribute',
    options: `-c statement_timeout=0 ${PINNED_SETTINGS}`,
  });
  await client.connect();
  try {
    const { rows: citus } = await client.query<{ version: string }>(
      `select extversion as version from pg_extension where extname = 'citus'`,
    );
    const version = citus[0]?.version;
    if (!version) {
      throw new Error(
        'this database has no citus extension: as a superuser, CREATE EXTENSION citus and add ' +
          'the workers (citus_add_node) first',
      );
    }
    const { rows: nodes } = await client.query<{ n: number }>(
      'select count(*)::int as n from citus_get_active_worker_nodes()',
    );
    const { rows: done } = await client.query<{ table: string }>(
      'select logicalrelid::regclass::text as table from pg_dist_partition',
    );
    const already = new Set(done.map((r) => r.table));
    const distributed: string[] = [];
    const once = async (table: string, statement: string, params: unknown[] = []) => {
      if (already.has(table)) return;
      await client.query(statement, params);
      distributed.push(table);
    };

    // Row-level security on the workers reads app.provider_id: the API's SET LOCAL must reach
    // them. New connections to this database get the setting.
    await client.query(
      `do $$ begin execute format('alter database %I set citus.propagate_set_commands = %L', current_database(), 'local'); end $$`,
    );
    // Citus opens its connections to the workers as the current role, meritum_app or
    // meritum_jobs: they must be able to log in there (credentials: docs/scaling.md).
    for (const role of [APP_ROLE, JOBS_ROLE]) {
      await client.query(`alter role ${client.escapeIdentifier(role)} login`);
    }
    for (const signature of WORKER_FUNCTIONS) {
      await client.query('select create_distributed_function($1)', [signature]);
    }

    // Citus refuses to distribute a table that a local table still references (claim_events
    // -> claims): foreign keys between provider tables are dropped for the step and added back
    // once both sides are co-located shards, where Citus enforces them shard by shard.
    const { rows: links } = await client.query<{ table: string; name: string; definition: string }>(
      `select conrelid::regclass::text as table, conname as name,
              pg_get_constraintdef(oid) as definition
         from pg_constraint
        where contype = 'f' and conrelid::regclass::text = any($1)
          and confrelid::regclass::text = any($1) and not (conrelid::regclass::text = any($2))`,
      [PROVIDER_TABLES, [...already]],
    );
    for (const link of links) {
      await client.query(
        `alter table ${client.escapeIdentifier(link.table)} drop constraint ${client.escapeIdentifier(link.name)}`,
      );
    }

    await client.query('set citus.enable_unsafe_triggers = on');
    try {
      for (const table of REFERENCE_TABLES) {
        await once(table, 'select create_reference_table($1)', [table]);
      }
      const [first, ...rest] = PROVIDER_TABLES;
      await once(first, `select create_distributed_table($1, 'provider_id')`, [first]);
      for (const table of rest) {
        await once(
          table,
          `select create_distributed_table($1, 'provider_id', colocate_with => $2)`,
          [table, first],
        );
      }
      for (const { table, column } of KEYED_TABLES) {
        await once(table, `select create_distributed_table($1, $2, colocate_with => 'none')`, [
          table,
          column,
        ]);
      }
      for (const link of links) {
        await client.query(
          `alter table ${client.escapeIdentifier(link.table)} add constraint ${client.escapeIdentifier(link.name)} ${link.definition}`,
        );
      }
    } finally {
      await client.query('reset citus.enable_unsafe_triggers');
    }
    return { citusVersion: version, workers: nodes[0]?.n ?? 0, distributed };
  } finally {
    await client.end();
  }
}
