import {
  type ClaimType,
  type Clock,
  monthsBetween,
  type PeriodFigures,
  type PeriodOption,
  ProviderId,
  resolvePeriod,
  type Statement,
  type StatementListItem,
} from '@meritum/shared';
import type { Database } from '../../../db/client';
import { type ProviderTx, withProviderScope } from '../../../db/provider-scope';
import { AnalyticsBusyError, StatementNotFoundError } from '../../../lib/errors';
import type { DashboardRepo } from '../repos/dashboard.repo';
import type { StatementKey, StatementRepo, StatementRow } from '../repos/statement.repo';
import { summarise } from './dashboard-figures';
import type { RefreshService } from './refresh.service';
import { monthsBeforeWindow, retentionWindow } from './retention';
import { checkStatement, statementMaxAgeMs } from './statement-check';
import { statementSha256 } from './statement-content';
import { toListItem, toStatement } from './statement-views';

export interface StatementReads {
  statements: Pick<
    StatementRepo,
    'save' | 'getByPeriod' | 'getById' | 'list' | 'delete' | 'drift' | 'claimsCount'
  >;
  dashboard: Pick<DashboardRepo, 'read'>;
}

export interface StatementServiceDeps {
  db: Database;
  /** The repositories, on one unit of work. */
  repos: (tx: ProviderTx) => StatementReads;
  refresher: Pick<RefreshService, 'refreshProvider'>;
  clock: Clock;
  maxAgeHours?: number;
}

export interface StatementPeriod {
  period: PeriodOption;
  start?: string | undefined;
  end?: string | undefined;
  claimType?: ClaimType | undefined;
}

/** Refreshes and reads before giving up on a provider whose claims keep changing. */
const FREEZE_ATTEMPTS = 20;
const BUSY_WAIT_MS = 100;
const DEFAULT_LIST_LIMIT = 50;

/**
 * Statements: a period's dashboard figures frozen at one moment. Creating one brings the cache's
 * months up to date first; reading one never recomputes anything (a hit), and says whether the
 * claims behind it still match (checkStatement).
 */
export function createStatementService(deps: StatementServiceDeps) {
  const { db, repos, refresher, clock } = deps;
  const maxAgeMs = statementMaxAgeMs(deps.maxAgeHours);

  const keyOf = (query: StatementPeriod): StatementKey => {
    const { start, end } = resolvePeriod(query.period, clock, query);
    return { start, end, claimType: query.claimType ?? 'all' };
  };

  /** Each statement with where it stands now, read in one statement for them all. */
  async function checked(statements: StatementReads['statements'], rows: StatementRow[]) {
    const drift = await statements.drift(rows.map((r) => r.id));
    const now = clock.now();
    return rows.map((row) => {
      return { row, check: checkStatement(row, drift.get(row.id), now, maxAgeMs) };
    });
  }

  /** One statement, read and checked in one unit of work. */
  async function one(
    providerId: string,
    find: (statements: StatementReads['statements']) => Promise<StatementRow | null>,
  ): Promise<Statement> {
    const viewed = await withProviderScope(db, providerId, async (tx) => {
      const { statements } = repos(tx);
      const row = await find(statements);
      return row ? (await checked(statements, [row]))[0] : undefined;
    });
    if (!viewed) throw new StatementNotFoundError();
    return toStatement(viewed.row, viewed.check);
  }

  /**
   * The period's figures from the cache, once no claim change is left unrefreshed and no month
   * of it is missing: the cache rows, the missing months before the window, the data version and
   * a direct count of the period's claims, read in one snapshot. A month before the window is
   * computed the first time it is missing, and read from the cache after that.
   */
  async function freeze(
    providerId: string,
    key: StatementKey,
  ): Promise<{ figures: PeriodFigures; dataVersion: string; claimsCount: number }> {
    const months = monthsBetween(key.start, key.end);
    const window = retentionWindow(clock);
    const earlier = monthsBeforeWindow(window, months);
    const claimType = key.claimType === 'all' ? undefined : key.claimType;
    let recompute: string[] = [];
    for (let attempt = 0; attempt < FREEZE_ATTEMPTS; attempt++) {
      const outcome = await refresher.refreshProvider(providerId, {
        months: recompute,
        joinRunning: false,
      });
      if (outcome.status === 'busy') {
        await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS));
        continue;
      }
      const { read, claimsCount } = await withProviderScope(
        db,
        providerId,
        async (tx) => {
          const r = repos(tx);
          return {
            read: await r.dashboard.read({ ...key, claimType }, earlier),
            claimsCount: await r.statements.claimsCount(key),
          };
        },
        { isolation: 'repeatable read', readOnly: true },
      );
      if (read.status.cacheVersion === null) {
        recompute = [...window, ...read.missingMonths];
        continue;
      }
      // Months never computed (or whose rows were deleted): compute them, then read again.
      if (read.missingMonths.length > 0) {
        recompute = read.missingMonths;
        continue;
      }
      // A claim changed after the refresh read the claims: refresh again.
      if (read.status.dirtyMonths > 0) continue;
      const figures = summarise(read.rows, months, claimType);
      // The cache disagrees with the claims it was computed from: recompute the whole period.
      if (figures.metrics.claimsCount !== claimsCount) {
        recompute = months;
        continue;
      }
      return { figures, dataVersion: read.status.dataVersion, claimsCount };
    }
    throw new AnalyticsBusyError();
  }

  return {
    /** Creates the period's statement, or re-runs it (the same id, new figures). */
    async create(sessionProviderId: string, query: StatementPeriod): Promise<Statement> {
      // The hash covers the provider id: in its one spelling, as PostgreSQL gives it back.
      const providerId = ProviderId.parse(sessionProviderId);
      const key = keyOf(query);
      const frozen = await freeze(providerId, key);
      const content = {
        providerId,
        periodStart: key.start,
        periodEnd: key.end,
        claimType: key.claimType,
        ...frozen,
        generatedAt: clock.now(),
      };
      const contentSha256 = statementSha256(content);
      return one(providerId, (statements) => statements.save({ ...content, contentSha256 }));
    },

    /** The stored statement of a period: read, never recomputed. */
    async getByPeriod(providerId: string, query: StatementPeriod): Promise<Statement> {
      const key = keyOf(query);
      return one(providerId, (statements) => statements.getByPeriod(key));
    },

    async get(providerId: string, id: string): Promise<Statement> {
      return one(providerId, (statements) => statements.getById(id));
    },

    /** The physician's statements, newest first, each with its totals and state. */
    async list(providerId: string, limit = DEFAULT_LIST_LIMIT): Promise<StatementListItem[]> {
      const listed = await withProviderScope(db, providerId, async (tx) => {
        const { statements } = repos(tx);
        return checked(statements, await statements.list(limit));
      });
      return listed.map(({ row, check }) => toListItem(row, check));
    },

    /** Deletes a statement; the record of its exports stays. */
    async remove(providerId: string, id: string): Promise<void> {
      const deleted = await withProviderScope(db, providerId, (tx) =>
        repos(tx).statements.delete(id),
      );
      if (!deleted) throw new StatementNotFoundError();
    },
  };
}

export type StatementService = ReturnType<typeof createStatementService>;
