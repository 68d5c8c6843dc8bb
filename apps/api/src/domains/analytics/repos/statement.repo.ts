import {
  analyticsStatements,
  type PeriodFigures,
  providers,
  type StatementClaimType,
  type StatementRow,
} from '@meritum/shared';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { ProviderTx } from '../../../db/provider-scope';

export type { StatementRow };

/** A statement to store: the service has frozen its figures and hashed its content. */
export interface NewStatement {
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

/**
 * Statements: frozen figures, one per (provider, period, claim type), of the scope's provider:
 * a WHERE clause on provider_id and row-level security both hold every statement to it. Ids are
 * UUIDs, checked at the boundary.
 */
export class StatementRepo {
  constructor(private readonly tx: ProviderTx) {}

  /**
   * Stores a statement, replacing the one of the same period and claim type (its id stays). A
   * statement read at an older data version never replaces one read at a newer: the stored one
   * comes back instead.
   */
  async save(statement: NewStatement): Promise<StatementRow> {
    const { db, providerId } = this.tx;
    const [written] = await db
      .insert(t)
      .values({ ...statement, providerId })
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
    const key = {
      start: statement.periodStart,
      end: statement.periodEnd,
      claimType: statement.claimType,
    };
    const [kept] = await db.select().from(t).where(keyEquals(providerId, key));
    if (!kept) throw new Error('analytics_statements row vanished during save');
    return kept;
  }

  async getByPeriod(key: StatementKey): Promise<StatementRow | null> {
    const [row] = await this.tx.db.select().from(t).where(keyEquals(this.tx.providerId, key));
    return row ?? null;
  }

  async getById(id: string): Promise<StatementRow | null> {
    const [row] = await this.tx.db
      .select()
      .from(t)
      .where(and(eq(t.providerId, this.tx.providerId), eq(t.id, id)));
    return row ?? null;
  }

  /** The provider's statements, newest first. */
  async list(limit: number): Promise<StatementRow[]> {
    return this.tx.db
      .select()
      .from(t)
      .where(eq(t.providerId, this.tx.providerId))
      .orderBy(desc(t.generatedAt), desc(t.id))
      .limit(limit);
  }

  /** Deletes a statement of this provider: whether there was one. */
  async delete(id: string): Promise<boolean> {
    const deleted = await this.tx.db
      .delete(t)
      .where(and(eq(t.providerId, this.tx.providerId), eq(t.id, id)))
      .returning({ id: t.id });
    return deleted.length > 0;
  }

  /**
   * How the claims behind each statement stand now, in one statement over the month versions
   * the claims triggers keep (a few rows a month, never the claims): the period's claim count,
   * and the months whose counted claims changed after the statement's data version.
   */
  async drift(ids: readonly string[]): Promise<Map<string, StatementDrift>> {
    if (ids.length === 0) return new Map();
    const { providerId } = this.tx;
    const { rows } = await this.tx.db.execute<{
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
      where s.provider_id = ${providerId} and s.id = any(${sql.param([...ids])}::uuid[])`);
    return new Map(
      rows.map((r) => [r.id, { claimsCountNow: r.claims_now, changedMonths: r.changed_months }]),
    );
  }

  /** Claims counted in a period now: any state but draft, by service date, of the claim type. */
  async claimsCount(key: StatementKey): Promise<number> {
    const { rows } = await this.tx.db.execute<{ n: number }>(sql`
      select count(*)::int as n from claims c
      where c.provider_id = ${this.tx.providerId} and c.state <> 'draft'
        and c.date_of_service between ${key.start}::date and ${key.end}::date
        and (${key.claimType}::text = 'all' or c.claim_type::text = ${key.claimType})`);
    return rows[0]?.n ?? 0;
  }

  /** The physician a statement is of, as its header names them. */
  async physician(): Promise<{ name: string; billingNumber: string } | null> {
    const [row] = await this.tx.db
      .select({ name: providers.name, billingNumber: providers.billingNumber })
      .from(providers)
      .where(eq(providers.id, this.tx.providerId));
    return row ?? null;
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
