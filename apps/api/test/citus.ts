import { distribute } from '../src/db/distribute';
import { runMigrations } from '../src/db/migrate';
import { type DatabaseKind, databaseUrl, onDatabase } from './throwaway-server';

/**
 * Databases on a Citus cluster for the Citus test run (`pnpm test:citus`, CITUS_URL): created
 * on every node (CREATE DATABASE propagation), the citus extension in each, the coordinator's
 * database told of the workers the maintenance database knows, then migrated and distributed as
 * `pnpm --filter api db:distribute` does it.
 */
export async function createCitusDatabase(serverUrl: string, name: string): Promise<void> {
  const workers = await onDatabase(serverUrl, async (client) => {
    await client.query('set citus.enable_create_database_propagation = on');
    await client.query(`create database ${client.escapeIdentifier(name)}`);
    const { rows } = await client.query<{ host: string; port: number }>(
      'select node_name as host, node_port as port from citus_get_active_worker_nodes() order by 1, 2',
    );
    return rows;
  });
  // citus_add_node does not create the extension on a worker: each needs it first.
  for (const worker of workers) {
    await onDatabase(nodeUrl(databaseUrl(serverUrl, name), worker), (client) =>
      client.query('create extension if not exists citus'),
    );
  }
  const coordinator = new URL(serverUrl);
  await onDatabase(databaseUrl(serverUrl, name), async (client) => {
    await client.query('create extension if not exists citus');
    await client.query('select citus_set_coordinator_host($1, $2)', [
      coordinator.hostname,
      Number(coordinator.port || 5432),
    ]);
    for (const worker of workers) {
      await client.query('select citus_add_node($1, $2)', [worker.host, worker.port]);
    }
  });
}

/** A new database on the cluster, migrated and distributed. */
export async function createDistributedDatabase(serverUrl: string, name: string): Promise<void> {
  await createCitusDatabase(serverUrl, name);
  const ownerUrl = databaseUrl(serverUrl, name);
  await runMigrations(ownerUrl);
  await distribute(ownerUrl);
}

/** Drops a database on every node. */
export async function dropCitusDatabase(serverUrl: string, name: string): Promise<void> {
  await onDatabase(serverUrl, async (client) => {
    await client.query('set citus.enable_create_database_propagation = on');
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  });
}

function nodeUrl(url: string, node: { host: string; port: number }): string {
  const parsed = new URL(url);
  parsed.hostname = node.host;
  parsed.port = String(node.port);
  return parsed.toString();
}

/** Databases of a Citus test run, for openThrowawayServer. */
export const CITUS_DATABASES: DatabaseKind = {
  createMigrated: createDistributedDatabase,
  drop: dropCitusDatabase,
};

/**
 * What the cluster says of a run, printed before its databases go: statements executed on one
 * shard and on several, by Citus's own counters (citus.enable_stat_counters) on the coordinator
 * and on each worker (where the claims trigger's writes start), and the shards each worker holds.
 */
export async function reportCitusRun(serverUrl: string, prefix: string): Promise<string> {
  const lines: string[] = [];
  const nodes = await onDatabase(serverUrl, async (client) => {
    const { rows } = await client.query<{ host: string; port: number }>(
      'select node_name as host, node_port as port from citus_get_active_worker_nodes() order by 1, 2',
    );
    const { rows: version } = await client.query<{ v: string }>(
      `select extversion as v from pg_extension where extname = 'citus'`,
    );
    lines.push(`Citus ${version[0]?.v}, ${rows.length} workers`);
    return [
      { label: 'coordinator', url: serverUrl },
      ...rows.map((w) => ({
        label: `worker ${w.host}:${w.port}`,
        url: nodeUrl(serverUrl, w),
      })),
    ];
  });
  for (const node of nodes) {
    await onDatabase(node.url, async (client) => {
      const { rows: enabled } = await client.query<{ on: string }>(
        `select current_setting('citus.enable_stat_counters') as on`,
      );
      const { rows } = await client.query<{ single: string; multi: string }>(
        `select coalesce(sum(query_execution_single_shard), 0)::text as single,
                coalesce(sum(query_execution_multi_shard), 0)::text as multi
           from citus_stat_counters where starts_with(name, $1)`,
        [prefix],
      );
      lines.push(
        enabled[0]?.on === 'on'
          ? `${node.label}: ${rows[0]?.single} single-shard, ${rows[0]?.multi} multi-shard executions`
          : `${node.label}: citus.enable_stat_counters is off, no counts`,
      );
    });
  }
  await onDatabase(databaseUrl(serverUrl, `${prefix}_template`), async (client) => {
    const { rows } = await client.query<{ node: string; shards: number; tables: number }>(
      `select nodename || ':' || nodeport as node, count(*)::int as shards,
              count(distinct table_name)::int as tables
         from citus_shards group by 1 order by 1`,
    );
    for (const r of rows) lines.push(`shards on ${r.node}: ${r.shards} (of ${r.tables} tables)`);
  });
  return lines.join('\n');
}
