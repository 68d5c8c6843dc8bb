import {
  BUSINESS_TIME_ZONE,
  type Claim,
  type ClaimEvent,
  type ClaimListFilter,
  type ClaimState,
  claimEvents,
  claims,
  NO_EXPLANATORY_CODE,
  OUTSTANDING_BUCKET_MAX_DAYS,
  OUTSTANDING_BUCKETS,
  OUTSTANDING_STATES,
  type OutstandingBucket,
} from '@meritum/shared';
import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { ProviderTx } from '../../../db/provider-scope';

export type NewClaimRow = Omit<typeof claims.$inferInsert, 'providerId'>;
export type ClaimPatch = Partial<
  Pick<
    Claim,
    'state' | 'feeAssessed' | 'submittedAt' | 'assessedAt' | 'paidAt' | 'explanatoryCodes'
  >
>;

/** What a list of claims filters on, with the Edmonton day its outstanding buckets age to. */
export type ClaimSelection = Omit<ClaimListFilter, 'limit' | 'cursor'> & { today: string };

export interface ClaimTotalsRow {
  count: number;
  feeSubmitted: string;
  feeAssessed: string;
}

/** Claims of the scope's provider. SQL only: the state machine lives in the service. */
export class ClaimsRepo {
  constructor(private readonly tx: ProviderTx) {}

  async insertMany(rows: NewClaimRow[]): Promise<Claim[]> {
    if (rows.length === 0) return [];
    const { providerId } = this.tx;
    return this.tx.db
      .insert(claims)
      .values(rows.map((row) => ({ ...row, providerId })))
      .returning();
  }

  async findById(id: string): Promise<Claim | undefined> {
    const [claim] = await this.tx.db
      .select()
      .from(claims)
      .where(and(eq(claims.providerId, this.tx.providerId), eq(claims.id, id)));
    return claim;
  }

  /** A claim's history, oldest first. */
  async history(id: string): Promise<ClaimEvent[]> {
    return this.tx.db
      .select()
      .from(claimEvents)
      .where(and(eq(claimEvents.providerId, this.tx.providerId), eq(claimEvents.claimId, id)))
      .orderBy(asc(claimEvents.seq));
  }

  /**
   * One page of the selected claims, newest date of service first (ties by id), after the
   * cursor's claim: a keyset, so a claim added meanwhile moves no other across pages.
   */
  async page(
    selection: ClaimSelection,
    limit: number,
    after?: { dateOfService: string; id: string },
  ): Promise<Claim[]> {
    const where = this.conditions(selection);
    if (after) {
      where.push(
        sql`(${claims.dateOfService}, ${claims.id}) < (${after.dateOfService}::date, ${after.id}::uuid)`,
      );
    }
    return this.tx.db
      .select()
      .from(claims)
      .where(and(...where))
      .orderBy(desc(claims.dateOfService), desc(claims.id))
      .limit(limit);
  }

  /** Count and sums of the whole selection, summed exactly in SQL. */
  async totals(selection: ClaimSelection): Promise<ClaimTotalsRow> {
    const [row] = await this.tx.db
      .select({
        count: sql<number>`count(*)::int`,
        feeSubmitted: sql<string>`coalesce(sum(${claims.feeSubmitted}), 0.00)::numeric(14,2)::text`,
        feeAssessed: sql<string>`coalesce(sum(${claims.feeAssessed}), 0.00)::numeric(14,2)::text`,
      })
      .from(claims)
      .where(and(...this.conditions(selection)));
    return row ?? { count: 0, feeSubmitted: '0.00', feeAssessed: '0.00' };
  }

  /**
   * Applies a patch only if the claim is still in state `from`: of two racing transitions,
   * exactly one matches. Returns the updated claim, or undefined when it had moved on.
   */
  async updateIfInState(
    id: string,
    from: ClaimState,
    patch: ClaimPatch,
    at: Date,
  ): Promise<Claim | undefined> {
    const [claim] = await this.tx.db
      .update(claims)
      .set({ ...patch, updatedAt: at })
      .where(
        and(eq(claims.providerId, this.tx.providerId), eq(claims.id, id), eq(claims.state, from)),
      )
      .returning();
    return claim;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.tx.db
      .delete(claims)
      .where(and(eq(claims.providerId, this.tx.providerId), eq(claims.id, id)));
    return (result.rowCount ?? 0) > 0;
  }

  private conditions(s: ClaimSelection): SQL[] {
    const where: SQL[] = [eq(claims.providerId, this.tx.providerId)];
    if (s.serviceFrom) where.push(sql`${claims.dateOfService} >= ${s.serviceFrom}::date`);
    if (s.serviceTo) where.push(sql`${claims.dateOfService} <= ${s.serviceTo}::date`);
    if (s.paidFrom)
      where.push(sql`${claims.paidAt} >= ${edmontonMidnight(sql`${s.paidFrom}::date`)}`);
    if (s.paidTo) {
      where.push(sql`${claims.paidAt} < ${edmontonMidnight(sql`${s.paidTo}::date + 1`)}`);
    }
    if (s.claimType) where.push(eq(claims.claimType, s.claimType));
    if (s.state) where.push(inArray(claims.state, s.state));
    if (s.healthServiceCode) where.push(eq(claims.healthServiceCode, s.healthServiceCode));
    if (s.explanatoryCode === NO_EXPLANATORY_CODE) {
      where.push(sql`cardinality(${claims.explanatoryCodes}) = 0`);
    } else if (s.explanatoryCode) {
      where.push(sql`${claims.explanatoryCodes} @> array[${s.explanatoryCode}]::text[]`);
    }
    if (s.outstanding) where.push(...outstandingConditions(s.outstanding, s.today));
    return where;
  }
}

/** The instant an Edmonton calendar date begins. */
function edmontonMidnight(date: SQL): SQL {
  return sql`((${date})::timestamp at time zone ${BUSINESS_TIME_ZONE})`;
}

/**
 * Outstanding claims `bucket` old on `today`: age is today minus the Edmonton date of
 * submission, in days. As bounds on submitted_at, so that the partial index serves them.
 */
function outstandingConditions(bucket: OutstandingBucket, today: string): SQL[] {
  const index = OUTSTANDING_BUCKETS.indexOf(bucket);
  const previous = OUTSTANDING_BUCKETS[index - 1];
  const oldest = OUTSTANDING_BUCKET_MAX_DAYS[bucket];
  const youngest = previous === undefined ? null : (OUTSTANDING_BUCKET_MAX_DAYS[previous] ?? 0) + 1;
  const where: SQL[] = [inArray(claims.state, [...OUTSTANDING_STATES])];
  // Age <= oldest: submitted on or after today - oldest.
  if (oldest !== null) {
    where.push(
      sql`${claims.submittedAt} >= ${edmontonMidnight(sql`${today}::date - ${oldest}::int`)}`,
    );
  }
  // Age >= youngest: submitted before the day after today - youngest.
  if (youngest !== null) {
    where.push(
      sql`${claims.submittedAt} < ${edmontonMidnight(sql`${today}::date - ${youngest - 1}::int`)}`,
    );
  }
  return where;
}
