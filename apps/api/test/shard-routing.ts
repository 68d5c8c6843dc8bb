import { parse } from 'libpg-query';
import * as PLAN from '../src/db/distribute';

/**
 * How each statement the application sends would route under the Citus plan (docs/scaling.md):
 * the provider tables distributed and co-located by provider_id, `providers` a reference table.
 * A statement goes to one shard when every distributed table it reads or writes is pinned to a
 * provider id by an equality (or a one-value IN / = any), or through a co-located join on
 * provider_id, and all those pins name the same one provider: Citus's router planner then sends
 * it whole to the one worker holding that provider's shards.
 *
 * SQL is parsed by PostgreSQL's own parser (libpg-query); bind parameters are resolved to the
 * values actually sent, so `provider_id = any($1)` counts as single only when $1 held one id.
 */

/**
 * Distributed by provider_id and co-located, in the plan; `users` and `sessions` too, here. The
 * deployed plan (src/db/distribute.ts) makes those two reference tables, copied to every node;
 * checking them as if sharded is the stricter rule: every statement on them must still pin one
 * provider, except the two lookups by email and by session id that come before any provider is
 * known.
 */
export const DISTRIBUTED_TABLES: ReadonlySet<string> = new Set([
  ...PLAN.PROVIDER_TABLES,
  'users',
  'sessions',
]);

/** Replicated to every node: read where the statement runs; a write goes to every node. */
export const REFERENCE_TABLES: ReadonlySet<string> = new Set(['providers']);

/**
 * Tables outside the provider plan, distributed by a column of their own, never joined to
 * provider data: every statement the application sends them names one value of that column.
 */
export const KEYED_TABLES: ReadonlyMap<string, string> = new Map(
  // rate-limiter-flexible's store: each statement names one key (a limit and a hashed email,
  // an address or a provider id); its hourly sweep of expired rows is the one that does not.
  PLAN.KEYED_TABLES.map(({ table, column }) => [table, column]),
);

const DISTRIBUTION_COLUMN = 'provider_id';

export type FunctionRouting =
  /** Reads provider tables by something other than provider_id: every shard is asked. */
  | { routing: 'all-shards'; reason: string }
  /** Reads only reference tables: answered by whichever node runs it. */
  | { routing: 'reference'; reason: string }
  /** Runs inside a trigger on the rows' own shard; never called by the application itself. */
  | { routing: 'trigger-only'; reason: string };

/**
 * Every function of the schema, and how a call to it routes. The application reaches provider
 * rows without a provider id only through the 'all-shards' ones: those are the named exceptions.
 */
export const SCHEMA_FUNCTIONS: Readonly<Record<string, FunctionRouting>> = {
  analytics_refresh_candidates: {
    routing: 'all-shards',
    reason:
      "the nightly job's listing of every provider with its data and cache versions: cross-provider by purpose, once a night, a page of ids at a time",
  },
  analytics_provider_count: {
    routing: 'reference',
    reason: 'count(*) of providers, the reference table: any one node answers',
  },
  auth_user_by_email: {
    routing: 'all-shards',
    reason:
      'login looks the user up by email before any provider is known: answered by the node serving the request, users being a reference table (were it sharded by provider_id, every shard would be asked)',
  },
  auth_session_by_id: {
    routing: 'all-shards',
    reason:
      'every authenticated request looks its session up by session id before any provider is known: answered by the node serving the request, sessions being a reference table (were it sharded by provider_id, every shard would be asked)',
  },
  analytics_claims_changed: {
    routing: 'trigger-only',
    reason:
      'statement trigger on claims: refuses a statement that changes two providers’ claims, and passes the one provider on, so it stays on the shard of the statement that fired it',
  },
  claims_record_events: {
    routing: 'trigger-only',
    reason:
      'statement trigger on claims: refuses a statement that changes two providers’ claims, and passes the one provider’s changed claims on, so it stays on the shard of the statement that fired it',
  },
  claims_append_events: {
    routing: 'trigger-only',
    reason:
      'called by claims_record_events with the one provider whose claims changed: appends to that provider’s claim history',
  },
  analytics_note_months: {
    routing: 'trigger-only',
    reason:
      'called by analytics_claims_changed with the one provider whose claims changed: writes that provider’s version and dirty months',
  },
  analytics_note_counted: {
    routing: 'trigger-only',
    reason:
      'called by analytics_claims_changed with the one provider whose claims changed: writes that provider’s month versions',
  },
  app_provider_id: {
    routing: 'reference',
    reason:
      'the provider the transaction is scoped to (SET LOCAL app.provider_id), read by every row-level security policy; it reads no table',
  },
};

export type Routing =
  /** No provider table and no schema function: BEGIN, set_config, advisory locks, select 1. */
  | { kind: 'no-provider-data' }
  /** Distributed tables, all pinned to this one provider (reference tables may join in). */
  | { kind: 'single-shard'; providerId: string; tables: string[] }
  /** Reference tables only: a read runs on any node, a write on every node. */
  | { kind: 'reference'; write: boolean; tables: string[] }
  /** A call of an 'all-shards' function: allowed only when the test names it. */
  | { kind: 'all-shards-function'; function: string }
  /** What the plan forbids: a statement that needs more than one shard. */
  | { kind: 'multi-shard'; reason: string };

export interface Catalog {
  functions: Readonly<Record<string, FunctionRouting>>;
}

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const child = (node: unknown, key: string): Node | undefined => {
  const value = isNode(node) ? node[key] : undefined;
  return isNode(value) ? value : undefined;
};
const list = (node: unknown, key: string): unknown[] => {
  const value = isNode(node) ? node[key] : undefined;
  return Array.isArray(value) ? value : [];
};
const str = (node: unknown): string | undefined => {
  const s = child(node, 'String');
  return typeof s?.sval === 'string' ? s.sval : undefined;
};

/** Classifies one statement text with the parameter values it was sent with. */
export async function classify(
  text: string,
  params: readonly unknown[],
  catalog: Catalog = { functions: SCHEMA_FUNCTIONS },
): Promise<Routing> {
  const tree = await parsed(text);
  const routings = (tree.stmts ?? []).map((s) => classifyStatement(s.stmt, params, catalog));
  return routings.find((r) => r.kind === 'multi-shard') ?? combine(routings);
}

const trees = new Map<string, Promise<{ stmts?: Array<{ stmt: Node }> }>>();

/** Parses each distinct text once: a workload repeats the same few statements many times. */
function parsed(text: string) {
  let tree = trees.get(text);
  if (!tree) {
    tree = parse(text) as Promise<{ stmts?: Array<{ stmt: Node }> }>;
    trees.set(text, tree);
  }
  return tree;
}

function combine(routings: Routing[]): Routing {
  if (routings.length === 1) return routings[0] as Routing;
  const interesting = routings.filter((r) => r.kind !== 'no-provider-data');
  if (interesting.length <= 1) return interesting[0] ?? { kind: 'no-provider-data' };
  return { kind: 'multi-shard', reason: 'several statements touching provider data in one text' };
}

interface Relation {
  table: string;
  /** What columns are qualified with: the alias, else the table name. */
  name: string;
  location: number;
}

interface Scope {
  relations: Relation[];
  /** Relation names (aliases) joined on provider_id: one class, one shard. */
  parent: Map<string, string>;
  /** Provider ids pinned on each class root. */
  pins: Map<string, Set<string>>;
}

interface Walk {
  params: readonly unknown[];
  catalog: Catalog;
  /** Locations of every provider-table reference in the statement. */
  references: Map<number, string>;
  /** Locations accounted for by a scope that checked them. */
  checked: Set<number>;
  unpinned: string[];
  providerIds: Set<string>;
  referenceWrite: boolean;
  functions: Set<string>;
}

function classifyStatement(stmt: Node, params: readonly unknown[], catalog: Catalog): Routing {
  const walk: Walk = {
    params,
    catalog,
    references: new Map(),
    checked: new Set(),
    unpinned: [],
    providerIds: new Set(),
    referenceWrite: false,
    functions: new Set(),
  };
  visit(stmt, new Set(), walk);

  const distributed = [...new Set(walk.references.values())].filter((t) =>
    DISTRIBUTED_TABLES.has(t),
  );
  const reference = [...new Set(walk.references.values())].filter((t) => REFERENCE_TABLES.has(t));
  const unknownKind = [...walk.references.entries()].filter(
    ([location, table]) => DISTRIBUTED_TABLES.has(table) && !walk.checked.has(location),
  );
  const functions = [...walk.functions];
  const direct = functions.filter((f) => catalog.functions[f]?.routing === 'trigger-only');
  if (direct.length > 0) {
    return { kind: 'multi-shard', reason: `calls trigger function ${direct.join(', ')} directly` };
  }
  if (unknownKind.length > 0) {
    const tables = unknownKind.map(([, t]) => t).join(', ');
    return { kind: 'multi-shard', reason: `${tables} in a statement form this test cannot route` };
  }
  if (walk.unpinned.length > 0) {
    return {
      kind: 'multi-shard',
      reason: `no single provider_id pins ${[...new Set(walk.unpinned)].join(', ')}`,
    };
  }
  if (walk.providerIds.size > 1) {
    return {
      kind: 'multi-shard',
      reason: `pins several providers: ${[...walk.providerIds].sort().join(', ')}`,
    };
  }
  const allShards = functions.filter((f) => catalog.functions[f]?.routing === 'all-shards');
  if (allShards.length > 1) {
    return { kind: 'multi-shard', reason: `calls ${allShards.join(' and ')} together` };
  }
  if (allShards[0] !== undefined) return { kind: 'all-shards-function', function: allShards[0] };
  const [providerId] = walk.providerIds;
  if (distributed.length > 0 && providerId !== undefined) {
    return { kind: 'single-shard', providerId, tables: [...distributed, ...reference].sort() };
  }
  const referenceFunctions = functions.filter((f) => catalog.functions[f]?.routing === 'reference');
  if (reference.length > 0 || referenceFunctions.length > 0) {
    return {
      kind: 'reference',
      write: walk.referenceWrite,
      tables: [...reference, ...referenceFunctions.map((f) => `${f}()`)].sort(),
    };
  }
  return { kind: 'no-provider-data' };
}

const STATEMENTS = ['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt'] as const;

/** Walks the whole tree: every query level is checked as a scope of its own. */
function visit(node: unknown, ctes: ReadonlySet<string>, walk: Walk): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, ctes, walk);
    return;
  }
  if (!isNode(node)) return;
  let inner = ctes;
  for (const kind of STATEMENTS) {
    const stmt = child(node, kind);
    if (!stmt) continue;
    const names = list(child(stmt, 'withClause'), 'ctes')
      .map((cte) => child(cte, 'CommonTableExpr')?.ctename)
      .filter((name): name is string => typeof name === 'string');
    inner = new Set([...ctes, ...names]);
    checkScope(kind, stmt, inner, walk);
  }
  // A RangeVar, wrapped in a list of FROM items or bare as a statement's target relation.
  if (typeof node.relname === 'string') {
    const table = tableOf(node, ctes);
    if (table) walk.references.set(Number(node.location), table);
  }
  const call = child(node, 'FuncCall');
  if (call) {
    const name = str(list(call, 'funcname').at(-1));
    if (name && name in walk.catalog.functions) walk.functions.add(name);
  }
  for (const value of Object.values(node)) visit(value, inner, walk);
}

/** The provider table a RangeVar names, if any (a CTE of that name shadows it). */
function tableOf(range: Node, ctes: ReadonlySet<string>): string | undefined {
  const name = String(range.relname);
  const schema = range.schemaname;
  if (schema !== undefined && schema !== 'public') return undefined;
  if (schema === undefined && ctes.has(name)) return undefined;
  return DISTRIBUTED_TABLES.has(name) || REFERENCE_TABLES.has(name) ? name : undefined;
}

function checkScope(
  kind: (typeof STATEMENTS)[number],
  stmt: Node,
  ctes: ReadonlySet<string>,
  walk: Walk,
) {
  const scope: Scope = { relations: [], parent: new Map(), pins: new Map() };
  const quals: Array<{ expr: unknown; pins: ReadonlySet<string> | 'all' }> = [];
  const target = child(stmt, 'relation');
  if (target && kind !== 'SelectStmt') addRelation(scope, target, ctes);
  if (kind === 'InsertStmt') {
    if (target && REFERENCE_TABLES.has(String(target.relname))) walk.referenceWrite = true;
    checkInsert(stmt, scope, ctes, walk);
  }
  if (kind === 'UpdateStmt' || kind === 'DeleteStmt') {
    if (target && REFERENCE_TABLES.has(String(target.relname))) walk.referenceWrite = true;
  }
  const from = kind === 'DeleteStmt' ? list(stmt, 'usingClause') : list(stmt, 'fromClause');
  for (const item of from) collectFrom(item, scope, ctes, quals);
  quals.push({ expr: stmt.whereClause, pins: 'all' });

  for (const { expr, pins } of quals) {
    for (const conjunct of conjuncts(expr)) applyConjunct(conjunct, scope, pins, walk.params);
  }
  for (const relation of scope.relations) {
    walk.checked.add(relation.location);
    if (!DISTRIBUTED_TABLES.has(relation.table)) continue;
    const values = scope.pins.get(root(scope, relation.name));
    if (!values || values.size === 0) walk.unpinned.push(relation.table);
    else for (const value of values) walk.providerIds.add(value);
  }
}

function addRelation(scope: Scope, range: Node, ctes: ReadonlySet<string>): Relation | undefined {
  const table = tableOf(range, ctes);
  if (!table) return undefined;
  const alias = child(range, 'alias')?.aliasname;
  const relation = {
    table,
    name: typeof alias === 'string' ? alias : table,
    location: Number(range.location),
  };
  scope.relations.push(relation);
  return relation;
}

/**
 * The FROM tree of one query level. An inner join's ON pins both sides; an outer join's ON pins
 * only its nullable side (PostgreSQL pushes it down to that side's scan); subqueries and
 * functions in FROM are query levels or sources of their own.
 */
function collectFrom(
  item: unknown,
  scope: Scope,
  ctes: ReadonlySet<string>,
  quals: Array<{ expr: unknown; pins: ReadonlySet<string> | 'all' }>,
): string[] {
  const range = child(item, 'RangeVar');
  if (range) {
    const relation = addRelation(scope, range, ctes);
    return relation ? [relation.name] : [];
  }
  const join = child(item, 'JoinExpr');
  if (!join) return [];
  const left = collectFrom(join.larg, scope, ctes, quals);
  const right = collectFrom(join.rarg, scope, ctes, quals);
  const pinned =
    join.jointype === 'JOIN_INNER'
      ? [...left, ...right]
      : join.jointype === 'JOIN_LEFT'
        ? right
        : join.jointype === 'JOIN_RIGHT'
          ? left
          : [];
  quals.push({ expr: join.quals, pins: new Set(pinned) });
  return [...left, ...right];
}

/** INSERT: the provider_id each row carries, from VALUES or from the SELECT's target list. */
function checkInsert(stmt: Node, scope: Scope, ctes: ReadonlySet<string>, walk: Walk) {
  const relation = scope.relations[0];
  if (!relation || !DISTRIBUTED_TABLES.has(relation.table)) return;
  const columns = list(stmt, 'cols').map((col) => child(col, 'ResTarget')?.name);
  const at = columns.indexOf(DISTRIBUTION_COLUMN);
  const select = child(child(stmt, 'selectStmt'), 'SelectStmt');
  const pin = (values: Set<string> | undefined) => {
    if (!values || values.size === 0) return false;
    join(scope, relation.name, values);
    return true;
  };
  // Without a provider_id column the row's shard is unknown: the relation stays unpinned.
  if (at < 0 || !select) return;
  const rows = list(select, 'valuesLists');
  if (rows.length > 0) {
    const values = new Set<string>();
    for (const row of rows) {
      const item = list(child(row, 'List'), 'items')[at];
      const found = valuesOf(item, walk.params);
      if (!found) return;
      for (const value of found) values.add(value);
    }
    pin(values);
    return;
  }
  // INSERT ... SELECT: a constant id, or the provider_id of a table pinned in that SELECT.
  const item = child(list(select, 'targetList')[at], 'ResTarget')?.val;
  if (pin(valuesOf(item, walk.params))) return;
  const column = providerColumnOf(item);
  if (column === undefined) return;
  const inner: Scope = { relations: [], parent: new Map(), pins: new Map() };
  const quals: Array<{ expr: unknown; pins: ReadonlySet<string> | 'all' }> = [];
  for (const from of list(select, 'fromClause')) collectFrom(from, inner, ctes, quals);
  quals.push({ expr: select.whereClause, pins: 'all' });
  for (const { expr, pins } of quals) {
    for (const conjunct of conjuncts(expr)) applyConjunct(conjunct, inner, pins, walk.params);
  }
  const source = column === '' ? inner.relations[0]?.name : column;
  if (source !== undefined) pin(inner.pins.get(root(inner, source)));
}

function conjuncts(expr: unknown): unknown[] {
  const bool = child(expr, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return list(bool, 'args').flatMap(conjuncts);
  return expr === undefined ? [] : [expr];
}

/** `x.provider_id` → 'x'; a bare `provider_id` → '' (the scope's one relation); else undefined. */
function providerColumnOf(expr: unknown): string | undefined {
  const cast = child(expr, 'TypeCast');
  if (cast) return providerColumnOf(cast.arg);
  const fields = list(child(expr, 'ColumnRef'), 'fields').map(str);
  if (fields.at(-1) !== DISTRIBUTION_COLUMN) return undefined;
  if (fields.length === 1) return '';
  return fields.length === 2 ? fields[0] : undefined;
}

/** The provider ids an expression stands for: a parameter, a literal, an ARRAY[...]; else none. */
function valuesOf(expr: unknown, params: readonly unknown[]): Set<string> | undefined {
  const cast = child(expr, 'TypeCast');
  if (cast) return valuesOf(cast.arg, params);
  const param = child(expr, 'ParamRef');
  if (param) {
    const value = params[Number(param.number) - 1];
    if (value === undefined || value === null) return undefined;
    const items = Array.isArray(value) ? value : [value];
    return new Set(items.map((v) => String(v).toLowerCase()));
  }
  const constant = child(expr, 'A_Const');
  if (constant) {
    const s = child(constant, 'sval')?.sval;
    return typeof s === 'string' ? new Set([s.toLowerCase()]) : undefined;
  }
  const array = child(expr, 'A_ArrayExpr');
  if (array) {
    const values = new Set<string>();
    for (const element of list(array, 'elements')) {
      const found = valuesOf(element, params);
      if (!found) return undefined;
      for (const value of found) values.add(value);
    }
    return values;
  }
  return undefined;
}

function relationNamed(scope: Scope, name: string): string | undefined {
  if (name !== '') return scope.relations.some((r) => r.name === name) ? name : undefined;
  const distributed = scope.relations.filter((r) => DISTRIBUTED_TABLES.has(r.table));
  return distributed.length === 1 ? distributed[0]?.name : undefined;
}

function applyConjunct(
  expr: unknown,
  scope: Scope,
  pins: ReadonlySet<string> | 'all',
  params: readonly unknown[],
): void {
  const op = child(expr, 'A_Expr');
  if (!op || str(list(op, 'name')[0]) !== '=') return;
  const may = (name: string) => pins === 'all' || pins.has(name);
  const sides: Array<[unknown, unknown]> = [
    [op.lexpr, op.rexpr],
    [op.rexpr, op.lexpr],
  ];
  for (const [columnSide, valueSide] of sides) {
    const qualifier = providerColumnOf(columnSide);
    if (qualifier === undefined) continue;
    const name = relationNamed(scope, qualifier);
    if (name === undefined || !may(name)) continue;
    if (op.kind === 'AEXPR_OP') {
      const other = providerColumnOf(valueSide);
      const otherName = other === undefined ? undefined : relationNamed(scope, other);
      // A co-located join: both sides on one shard, whichever provider pins either.
      if (otherName !== undefined && may(otherName)) union(scope, name, otherName);
      else join(scope, name, valuesOf(valueSide, params));
    } else if (op.kind === 'AEXPR_IN') {
      const values = new Set<string>();
      for (const item of list(child(valueSide, 'List'), 'items')) {
        const found = valuesOf(item, params);
        if (!found) return;
        for (const value of found) values.add(value);
      }
      join(scope, name, values);
    } else if (op.kind === 'AEXPR_OP_ANY') {
      join(scope, name, valuesOf(valueSide, params));
    }
    return;
  }
}

function root(scope: Scope, name: string): string {
  let at = name;
  while (scope.parent.has(at) && scope.parent.get(at) !== at) at = scope.parent.get(at) as string;
  return at;
}

function union(scope: Scope, a: string, b: string): void {
  const [ra, rb] = [root(scope, a), root(scope, b)];
  if (ra === rb) return;
  scope.parent.set(rb, ra);
  join(scope, ra, scope.pins.get(rb));
  scope.pins.delete(rb);
}

function join(scope: Scope, name: string, values: Set<string> | undefined): void {
  if (!values || values.size === 0) return;
  const at = root(scope, name);
  const pinned = scope.pins.get(at) ?? new Set<string>();
  for (const value of values) pinned.add(value);
  scope.pins.set(at, pinned);
}
