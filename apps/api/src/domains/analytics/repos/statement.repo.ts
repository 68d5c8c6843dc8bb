import {
  analyticsStatements,
  type PeriodFigures,
  providers,
  type StatementClaimType,
  type StatementRow,
} from '@meritum/shared';
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../../db/client';
import { assertProviderId, withProviderScope } from '../../../db/provider-scope';
import { StatementNotFoundError } from '../../../lib/errors';

export type { StatementRow };

/** A statement to store: the service has frozen its figures and hashed its content. */
export interface NewStatement {
  providerId: string;
  periodStart: string;
  periodEnd: string;
  claimType: StatementClaimType;
  figures: PeriodFigures;
  dataVersion: string;
  claimsCount: number;
  generatedAt: Date;
  contentSha256: string;
}

/** What identifies a statement within a provider: its period and claim-type filter. */
export interface StatementKey {
  start: string;
  end: string;
  claimType: StatementClaimType;
}

/** How the claims behind a statement stand now. */
export interface StatementDrift {
  /** Claims counted in its period (any state but draft, by service date) now. */
  claimsCountNow: number;
  /** Months of its period whose counted claims changed after its data version. */
  changedMonths: string[];
}

const t = analyticsStatements;
/** A malformed id names no statement: "not there", never a database error. */
const isUuid = (id: string) => z.uuid().safeParse(id).success;

/**
 * Statements: frozen figures, one per (provider, period, claim type). Every method is scoped to
 * one provider, by a WHERE clause on provider_id and by row-level security.
 */
export class StatementRepo {
  constructor(private readonly db: Database) {}

  /**
   * Stores a statement, replacing the one of the same period and claim type (its id stays). A
   * statement read at an older data version never replaces one read at a newer: the stored one
   * comes back instead.
   */
  async save(statement: NewStatement): Promise<StatementRow> {
    assertProviderId(statement.providerId);
    return withProviderScope(this.db, statement.providerId, async (tx) => {
      const [written] = await tx
        .insert(t)
        .values(statement)
        .onConflictDoUpdate({
          target: [t.providerId, t.periodStart, t.periodEnd, t.claimType],
          set: {
            figures: sql`excluded.figures`,
            dataVersion: sql`excluded.data_version`,
            claimsCount: sql`excluded.claims_count`,
            generatedAt: sql`excluded.generated_at`,
            contentSha256: sql`excluded.content_sha256`,
          },
          setWhere: sql`${t.dataVersion} <= excluded.data_version`,
        })
        .returning();
      if (written) return written;
      const [kept] = await tx
        .select()
        .from(t)
        .where(
          keyEquals(statement.providerId, {
            start: statement.periodStart,
            end: statement.periodEnd,
            claimType: statement.claimType,
          }),
        );
      if (!kept) throw new Error('analytics_statements row vanished during save');
      return kept;
    });
  }

  async getByPeriod(providerId: string, key: StatementKey): Promise<StatementRow | null> {
    assertProviderId(providerId);
    return withProviderScope(this.db, providerId, async (tx) => {
      const [row] = await tx.select().from(t).where(keyEquals(providerId, key));
      return row ?? null;
    });
  }

  async getById(providerId: string, id: string): Promise<StatementRow | null> {
    assertProviderId(providerId);
    if (!isUuid(id)) return null;
    return withProviderScope(this.db, providerId, async (tx) => {
      const [row] = await tx
        .select()
        .from(t)
        .where(and(eq(t.providerId, providerId), eq(t.id, id)));
      return row ?? null;
    });
  }

  /** The provider's statements, newest first. */
  async list(providerId: string, limit: number): Promise<StatementRow[]> {
    assertProviderId(providerId);
    return withProviderScope(this.db, providerId, (tx) =>
      tx
        .select()
        .from(t)
        .where(eq(t.providerId, providerId))
        .orderBy(desc(t.generatedAt), desc(t.id))
        .limit(limit),
    );
  }

  /** Deletes a statement of this provider; a missing one (or another's) is a not-found error. */
  async delete(providerId: string, id: string): Promise<void> {
    assertProviderId(providerId);
    if (!isUuid(id)) throw new StatementNotFoundError();
    const deleted = await withProviderScope(this.db, providerId, (tx) =>
      tx
        .delete(t)
        .where(and(eq(t.providerId, providerId), eq(t.id, id)))
        .returning({ id: t.id }),
    );
    if (deleted.length === 0) throw new StatementNotFoundError();
  }

  /**
   * How the claims behind each statement stand now, in one statement over the month versions
   * the claims triggers keep (a few rows a month, never the claims): the period's claim count,
   * and the months whose counted claims changed after the statement's data version.
   */
  async drift(providerId: string, ids: readonly string[]): Promise<Map<string, StatementDrift>> {
    assertProviderId(providerId);
    const wanted = ids.filter(isUuid);
    if (wanted.length === 0) return new Map();
    return withProviderScope(this.db, providerId, async (tx) => {
      const { rows } = await tx.execute<{
        id: string;
        claims_now: number;
        changed_months: string[];
      }>(sql`
        select s.id,
               (select coalesce(sum(v.claims_count), 0)::int from claim_month_versions v
                 where v.provider_id = ${providerId}
                   and v.month between s.period_start and s.period_end
                   and (s.claim_type = 'all' or v.claim_type::text = s.claim_type)) as claims_now,
               array(select distinct v.month::text from claim_month_versions v
                      where v.provider_id = ${providerId}
                        and v.month between s.period_start and s.period_end
                        and v.version > s.data_version
                        and (s.claim_type = 'all' or v.claim_type::text = s.claim_type)
                      order by 1) as changed_months
        from analytics_statements s
        where s.provider_id = ${providerId} and s.id = any(${sql.param(wanted)}::uuid[])`);
      return new Map(
        rows.map((r) => [r.id, { claimsCountNow: r.claims_now, changedMonths: r.changed_months }]),
      );
    });
  }

  /** Claims counted in a period now: any state but draft, by service date, of the claim type. */
  async claimsCount(providerId: string, key: StatementKey): Promise<number> {
    assertProviderId(providerId);
    return withProviderScope(this.db, providerId, async (tx) => {
      const { rows } = await tx.execute<{ n: number }>(sql`
        select count(*)::int as n from claims c
        where c.provider_id = ${providerId} and c.state <> 'draft'
          and c.date_of_service between ${key.start}::date and ${key.end}::date
          and (${key.claimType}::text = 'all' or c.claim_type::text = ${key.claimType})`);
      return rows[0]?.n ?? 0;
    });
  }

  /** The physician a statement is of, as its header names them. */
  async physician(providerId: string): Promise<{ name: string; billingNumber: string } | null> {
    assertProviderId(providerId);
    return withProviderScope(this.db, providerId, async (tx) => {
      const [row] = await tx
        .select({ name: providers.name, billingNumber: providers.billingNumber })
        .from(providers)
        .where(eq(providers.id, providerId));
      return row ?? null;
    });
  }
}

function keyEquals(providerId: string, key: StatementKey) {
  return and(
    eq(t.providerId, providerId),
    eq(t.periodStart, key.start),
    eq(t.periodEnd, key.end),
    eq(t.claimType, key.claimType),
  );
}
