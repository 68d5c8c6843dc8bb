import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { edmontonDateString, systemClock } from '@meritum/shared';
import type pg from 'pg';
import { SESSION_COOKIE } from '../src/plugins/sessions';
import { dashboardFromClaims, topCodesFromClaims } from '../test/dashboard-reference';
import { type Benchmark, type Measurement, round, timed } from './harness';
import {
  installRefreshLog,
  type RefreshLogSummary,
  refreshLogMark,
  summariseRefreshLog,
} from './refresh-log';
import { seedClaimsOf } from './synthetic-claims';

/** Per phase: physicians, claims each takes through the state machine, concurrency. */
const SIZES = {
  small: { physicians: 4, claimsEach: 10, workers: 8, readers: 4 },
  large: { physicians: 8, claimsEach: 50, workers: 16, readers: 8 },
} as const;
/** Claims each physician has before the load, over 24 months. */
const SEEDED_CLAIMS = 2_000;
const DASHBOARD = '/api/v1/analytics/dashboard?period=last_12_months';
/** What happens to each new claim after it is created, in turn. */
const SCRIPTS: ReadonlyArray<
  ReadonlyArray<{ to: string; feeAssessed?: string; explanatoryCodes?: string[] }>
> = [
  [{ to: 'submitted' }, { to: 'paid' }],
  [{ to: 'submitted' }, { to: 'adjusted', feeAssessed: '35.46', explanatoryCodes: ['21'] }],
  [
    { to: 'submitted' },
    { to: 'rejected', explanatoryCodes: ['05'] },
    { to: 'submitted' },
    { to: 'paid' },
  ],
  [{ to: 'submitted' }, { to: 'rejected', explanatoryCodes: ['05'] }, { to: 'written_off' }],
];

const child = fileURLToPath(new URL('./api-instance-process.ts', import.meta.url));
const fmt = (n: number) => n.toLocaleString('en-CA');

interface Instance {
  name: string;
  origin: string;
  /** SIGTERM, then the exit code. */
  stop: () => Promise<number | null>;
}

/** What the load generator saw of one instance. */
interface Tally {
  requests: number;
  creates: number;
  transitions: number;
  dashboards: number;
  /** Connection failures and 5xx responses. */
  errors: number;
  /** 4xx responses: none is expected. */
  refused: number;
  states: Record<string, number>;
}

interface Physician {
  providerId: string;
  cookie: string;
}

const newTally = (): Tally => ({
  requests: 0,
  creates: 0,
  transitions: 0,
  dashboards: 0,
  errors: 0,
  refused: 0,
  states: {},
});

/** Starts the real app in a process of its own and waits for the port it listens on. */
function startInstance(url: string, name: string): Promise<Instance> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...process.execArgv, child, url, name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((done) => proc.once('exit', done));
    let out = '';
    let started = false;
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (started || !out.includes('\n')) return;
      started = true;
      const { port } = JSON.parse(out.slice(0, out.indexOf('\n'))) as { port: number };
      resolve({
        name,
        origin: `http://127.0.0.1:${port}`,
        stop: async () => {
          proc.kill('SIGTERM');
          return exited;
        },
      });
    });
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (!started) reject(new Error(`instance ${name} exited with ${code} before listening`));
    });
  });
}

/** The first failed requests are shown as they happen; all are counted. */
let reported = 0;
function report(failure: string) {
  if (reported++ < 5) process.stderr.write(`  ${failure}\n`);
  else if (reported === 6) process.stderr.write('  (further failures counted, not shown)\n');
}

/** One request; failures are counted, never thrown, so the load goes on. */
async function call(
  instance: Instance,
  tally: Tally,
  method: 'GET' | 'POST',
  path: string,
  cookie?: string,
  body?: unknown,
): Promise<{ status: number; body: unknown; headers?: Headers }> {
  tally.requests++;
  try {
    const response = await fetch(`${instance.origin}${path}`, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status >= 500) tally.errors++;
    else if (response.status >= 400) tally.refused++;
    if (response.status >= 400)
      report(`${instance.name} ${method} ${path}: ${response.status} ${text}`);
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as unknown) : null,
      headers: response.headers,
    };
  } catch (error) {
    tally.errors++;
    report(`${instance.name} ${method} ${path}: ${String(error)}`);
    return { status: 0, body: null };
  }
}

/** Runs `jobs` with at most `workers` at once. */
async function pool<T>(jobs: T[], workers: number, work: (job: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < jobs.length) await work(jobs[next++] as T);
    }),
  );
}

const daysBefore = (date: string, days: number) =>
  new Date(Date.parse(`${date}T12:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

interface PhaseResult {
  tallies: Map<string, Tally>;
  ms: number;
  refreshes: RefreshLogSummary;
  /** Refreshes counted in analytics_refresh_state during the load. */
  refreshCount: number;
  checked: number;
  failures: string[];
}

/**
 * Physicians sign up, get seeded claims and a warm cache; then their new claims go through the
 * state machine, each request to the next of `targets` in turn, while readers open dashboards
 * on every target. Afterwards, with every refresh finished, each target's dashboard of each
 * physician must be fresh and equal the claims.
 */
async function runPhase(
  admin: pg.Pool,
  size: (typeof SIZES)[keyof typeof SIZES],
  targets: Instance[],
  tag: string,
): Promise<PhaseResult> {
  const tallies = new Map(targets.map((t) => [t.name, newTally()]));
  let turn = 0;
  const next = () => {
    const target = targets[turn++ % targets.length] as Instance;
    return { target, tally: tallies.get(target.name) as Tally };
  };
  const today = edmontonDateString(systemClock.now());

  const physicians: Physician[] = [];
  for (let i = 0; i < size.physicians; i++) {
    const { target, tally } = next();
    const credentials = {
      email: `instance.${tag}.${i}.${process.pid}@example.ca`,
      password: 'correct horse battery staple',
    };
    const signup = await call(target, tally, 'POST', '/api/v1/auth/signup', undefined, {
      ...credentials,
      name: `Dr. Instance ${tag} ${i}`,
      billingNumber: `MI-${tag}-${i}-${process.pid}`.slice(0, 20),
    });
    if (signup.status !== 202) throw new Error(`signup: ${signup.status}`);
    const response = await call(
      target,
      tally,
      'POST',
      '/api/v1/auth/login',
      undefined,
      credentials,
    );
    const cookie = response.headers
      ?.getSetCookie()
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.split(';')[0];
    const providerId = (response.body as { providerId?: string } | null)?.providerId;
    if (response.status !== 200 || !cookie || !providerId)
      throw new Error(`login: ${response.status}`);
    physicians.push({ providerId, cookie });
  }
  const providers = physicians.map((p) => p.providerId);
  await seedClaimsOf(admin, providers, {
    claimsPerProvider: SEEDED_CLAIMS,
    until: today,
    seed: 7, // both phases' physicians get the same claims
  });
  await admin.query('analyze claims');
  for (const p of physicians) {
    const { target, tally } = next();
    const warm = await call(target, tally, 'GET', DASHBOARD, p.cookie);
    if (warm.status !== 200) throw new Error(`warm-up dashboard: ${warm.status}`);
  }
  const countsBefore = await refreshCounts(admin, providers);
  const mark = await refreshLogMark(admin);
  for (const tally of tallies.values()) Object.assign(tally, newTally());

  const jobs = physicians.flatMap((physician) =>
    Array.from({ length: size.claimsEach }, (_, k) => ({ physician, k })),
  );
  let loading = true;
  const reader = async (r: number) => {
    for (let i = r; loading; i++) {
      const physician = physicians[i % physicians.length] as Physician;
      const { target, tally } = next();
      const response = await call(target, tally, 'GET', DASHBOARD, physician.cookie);
      tally.dashboards++;
      const state = (response.body as { freshness?: { state: string } } | null)?.freshness?.state;
      if (state) tally.states[state] = (tally.states[state] ?? 0) + 1;
    }
  };
  const load = await timed(async () => {
    const readers = Array.from({ length: size.readers }, (_, r) => reader(r));
    await pool(jobs, size.workers, async ({ physician, k }) => {
      const created = next();
      const claim = await call(
        created.target,
        created.tally,
        'POST',
        '/api/v1/claims',
        physician.cookie,
        {
          claimType: k % 5 === 4 ? 'WCB' : 'AHCIP',
          healthServiceCode: k % 5 === 4 ? 'C570' : '03.03A',
          dateOfService: daysBefore(today, k % 28),
          feeSubmitted: '41.72',
        },
      );
      const id = (claim.body as { id?: string } | null)?.id;
      if (claim.status !== 201 || !id) return;
      created.tally.creates++;
      for (const step of SCRIPTS[k % SCRIPTS.length] ?? []) {
        const { target, tally } = next();
        const moved = await call(
          target,
          tally,
          'POST',
          `/api/v1/claims/${id}/transitions`,
          physician.cookie,
          step,
        );
        if (moved.status !== 200) return;
        tally.transitions++;
      }
    });
    loading = false;
    await Promise.all(readers);
  });

  // Every refresh asked for, on every instance, has run: what the dashboards show now is final.
  for (let pass = 0; pass < 2; pass++) {
    for (const target of targets) {
      const idle = await fetch(`${target.origin}/bench/idle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ providers }),
      });
      if (idle.status !== 200) throw new Error(`${target.name} /bench/idle: ${idle.status}`);
    }
  }
  const refreshes = await summariseRefreshLog(admin, providers, mark);
  const countsAfter = await refreshCounts(admin, providers);

  const failures: string[] = [];
  let checked = 0;
  const check = newTally(); // the checks' own requests, out of the load's figures
  for (const [i, p] of physicians.entries()) {
    for (const target of targets) {
      const tally = check;
      const response = await call(target, tally, 'GET', DASHBOARD, p.cookie);
      const dashboard = response.body as {
        period: { start: string; end: string };
        metrics: unknown;
        topHealthServiceCodes: unknown;
        freshness: { state: string };
      };
      const where = `physician ${i} on ${target.name}`;
      if (response.status !== 200) {
        failures.push(`${where}: ${response.status}`);
        continue;
      }
      if (dashboard.freshness.state !== 'fresh')
        failures.push(`${where}: the dashboard is ${dashboard.freshness.state}`);
      const metrics = await dashboardFromClaims(admin, p.providerId, dashboard.period);
      if (!isDeepStrictEqual(dashboard.metrics, metrics))
        failures.push(
          `${where}: ${JSON.stringify(dashboard.metrics)} ≠ ${JSON.stringify(metrics)}`,
        );
      const codes = await topCodesFromClaims(admin, p.providerId, dashboard.period);
      if (!isDeepStrictEqual(dashboard.topHealthServiceCodes, codes))
        failures.push(`${where}: top codes differ from the claims`);
      const { start, end } = dashboard.period;
      const validation = await call(
        target,
        tally,
        'GET',
        `/api/v1/analytics/validation?start=${start}&end=${end}`,
        p.cookie,
      );
      if (!(validation.body as { consistent?: boolean } | null)?.consistent)
        failures.push(`${where}: the validation endpoint finds the cache inconsistent`);
      checked++;
    }
  }
  if (check.errors + check.refused > 0)
    failures.push(`${check.errors + check.refused} of the checks' requests failed`);
  return {
    tallies,
    ms: load.ms,
    refreshes,
    refreshCount: countsAfter - countsBefore,
    checked,
    failures,
  };
}

/** Refreshes finished so far for these providers, by analytics_refresh_state (all instances). */
async function refreshCounts(admin: pg.Pool, providers: string[]): Promise<number> {
  let total = 0;
  for (const p of providers) {
    const client = await admin.connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('app.provider_id', $1, true)`, [p]);
      const { rows } = await client.query<{ n: number }>(
        'select coalesce(sum(refresh_count), 0)::int as n from analytics_refresh_state where provider_id = $1',
        [p],
      );
      await client.query('commit');
      total += rows[0]?.n ?? 0;
    } finally {
      client.release();
    }
  }
  return total;
}

/**
 * Two API processes on one database: claim transitions of several physicians sent alternately
 * to each, while dashboards are read from both; beside it, the same load on one instance.
 */
export const multiInstance: Benchmark = {
  id: 'multi-instance',
  async run(ctx) {
    const size = SIZES[ctx.size];
    await installRefreshLog(ctx.admin);
    const [a, b] = await Promise.all([startInstance(ctx.url, 'A'), startInstance(ctx.url, 'B')]);
    const instances = [a, b] as Instance[];
    let one: PhaseResult;
    let two: PhaseResult;
    const stats: Record<
      string,
      { peakRssMiB: number; loggedErrors: number; responses: Record<string, number> }
    > = {};
    const exits: Record<string, number | null> = {};
    try {
      ctx.log('  one instance (baseline)');
      one = await runPhase(ctx.admin, size, [a as Instance], 'one');
      ctx.log('  two instances');
      two = await runPhase(ctx.admin, size, instances, 'two');
      for (const instance of instances) {
        const response = await fetch(`${instance.origin}/bench/stats`);
        stats[instance.name] = (await response.json()) as (typeof stats)[string];
      }
    } finally {
      for (const instance of instances) exits[instance.name] = await instance.stop();
    }

    const row = (label: string, phase: PhaseResult, names: string[]): Measurement => {
      const tallies = names.map((n) => phase.tallies.get(n) as Tally);
      const sum = (f: (t: Tally) => number) => tallies.reduce((total, t) => total + f(t), 0);
      const refreshes = names.reduce((total, n) => total + (phase.refreshes.byInstance[n] ?? 0), 0);
      return {
        label,
        figures: {
          requests: sum((t) => t.requests),
          'claims created': sum((t) => t.creates),
          transitions: sum((t) => t.transitions),
          'dashboard reads': sum((t) => t.dashboards),
          'req/s': round(sum((t) => t.requests) / (phase.ms / 1000)),
          refreshes,
          'errors (5xx, failed)': sum((t) => t.errors),
          '4xx': sum((t) => t.refused),
        },
      };
    };
    const bothNames = instances.map((i) => i.name);
    const measurements = [
      row('two instances: A', two, ['A']),
      row('two instances: B', two, ['B']),
      row('two instances: both', two, bothNames),
      row('one instance, the same load (baseline)', one, ['A']),
    ];
    const transitions = (phase: PhaseResult) =>
      [...phase.tallies.values()].reduce((total, t) => total + t.transitions, 0);
    const errors = (phase: PhaseResult) =>
      [...phase.tallies.values()].reduce((total, t) => total + t.errors + t.refused, 0);
    const loggedErrors = Object.values(stats).reduce((total, s) => total + s.loggedErrors, 0);
    const serverErrors = Object.values(stats).reduce(
      (total, s) =>
        total +
        Object.entries(s.responses)
          .filter(([status]) => Number(status) >= 500)
          .reduce((n, [, count]) => n + count, 0),
      0,
    );
    const failures = [...one.failures, ...two.failures];
    const overlaps = one.refreshes.overlaps + two.refreshes.overlaps;
    const counted = (phase: PhaseResult) => phase.refreshes.total === phase.refreshCount;
    const states = (phase: PhaseResult) => {
      const all: Record<string, number> = {};
      for (const t of phase.tallies.values())
        for (const [state, n] of Object.entries(t.states)) all[state] = (all[state] ?? 0) + n;
      return Object.entries(all)
        .map(([state, n]) => `${fmt(n)} ${state}`)
        .join(', ');
    };
    if (failures.length > 0) ctx.log(failures.slice(0, 10).join('\n'));

    return {
      id: this.id,
      title: 'Two API instances on one database',
      description:
        `Two processes each run the real app (createServices + buildApp) on the same database. ` +
        `${size.physicians} physicians sign up, each with ${fmt(SEEDED_CLAIMS)} seeded claims and a ` +
        `warm cache; then ${size.claimsEach} new claims each go through the state machine (paid, ` +
        'adjusted, rejected and resubmitted, written off), ' +
        `${size.workers} claims at a time, every request sent to the next instance in turn, while ` +
        `${size.readers} readers open the last_12_months dashboard on both. Afterwards, with every ` +
        'refresh finished, each physician’s dashboard on each instance must be fresh and equal an ' +
        'independent computation from the claims (test/dashboard-reference.ts), and the validation ' +
        'endpoint must find the cache consistent. Refreshes are logged by the database (triggers ' +
        'added by the benchmark: a refresh’s first cache write and its analytics_refresh_state ' +
        'update, with the instance’s application_name), both inside the refresh’s advisory lock. ' +
        'Baseline: the same load, other physicians, all sent to instance A.',
      measurements,
      ratio: {
        label: 'refreshes with two instances ÷ with one, for the same transitions',
        value: round(two.refreshes.total / Math.max(1, one.refreshes.total), 2),
      },
      goals: [
        {
          goal: 'every change reached the dashboard, on both instances',
          measured: `${two.checked + one.checked - failures.length} of ${two.checked + one.checked} dashboards equal the claims`,
          met: failures.length === 0,
        },
        {
          goal: 'refreshes single-flight across instances: no two of one provider overlap',
          measured: `${overlaps} overlapping of ${fmt(two.refreshes.total + one.refreshes.total)}`,
          met: overlaps === 0,
        },
        {
          goal: 'every refresh counted (log = analytics_refresh_state)',
          measured: `${two.refreshes.total} = ${two.refreshCount}, ${one.refreshes.total} = ${one.refreshCount}`,
          met: counted(one) && counted(two),
        },
        {
          goal: 'no errors',
          measured:
            `${errors(one) + errors(two)} failed or non-2xx requests, ${serverErrors} 5xx sent, ` +
            `${loggedErrors} errors logged, exits ${Object.values(exits).join(' ')}`,
          met:
            errors(one) + errors(two) + serverErrors + loggedErrors === 0 &&
            Object.values(exits).every((code) => code === 0),
        },
      ],
      notes: [
        `Two instances: ${fmt(transitions(two))} transitions in ${round(two.ms / 1000, 2)} s; ` +
          `${two.refreshes.handovers} times the next refresh of a provider ran on the other ` +
          `instance; dashboards served ${states(two)}.`,
        `One instance: ${fmt(transitions(one))} transitions in ${round(one.ms / 1000, 2)} s; ` +
          `dashboards served ${states(one)}.`,
        `Peak RSS: ${Object.entries(stats)
          .map(([name, s]) => `${name} ${s.peakRssMiB} MiB`)
          .join(', ')}.`,
        'Each instance coalesces the changes it commits itself, so two instances may refresh a ' +
          'provider more often than one; the advisory lock keeps those refreshes one at a time.',
      ],
    };
  },
};
