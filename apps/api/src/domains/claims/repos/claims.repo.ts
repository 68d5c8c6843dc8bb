import { type Claim, type ClaimState, claims } from '@meritum/shared';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../../db/client';
import { withProviderScope } from '../../../db/provider-scope';

export type NewClaimRow = Omit<typeof claims.$inferInsert, 'providerId'>;
export type ClaimPatch = Partial<
  Pick<Claim, 'state' | 'feeAssessed' | 'submittedAt' | 'assessedAt' | 'paidAt'>
>;

/** Claims, always scoped to one provider. SQL only: the state machine lives in the service. */
export class ClaimsRepo {
  constructor(private readonly db: Database) {}

  async insertMany(providerId: string, rows: NewClaimRow[]): Promise<Claim[]> {
    if (rows.length === 0) return [];
    return withProviderScope(this.db, providerId, (tx) =>
      tx
        .insert(claims)
        .values(rows.map((row) => ({ ...row, providerId })))
        .returning(),
    );
  }

  async findById(providerId: string, id: string): Promise<Claim | undefined> {
    return withProviderScope(this.db, providerId, async (tx) => {
      const [claim] = await tx
        .select()
        .from(claims)
        .where(and(eq(claims.providerId, providerId), eq(claims.id, id)));
      return claim;
    });
  }

  /**
   * Applies a patch only if the claim is still in state `from`: of two racing transitions,
   * exactly one matches. Returns the updated claim, or undefined when it had moved on.
   */
  async updateIfInState(
    providerId: string,
    id: string,
    from: ClaimState,
    patch: ClaimPatch,
    at: Date,
  ): Promise<Claim | undefined> {
    return withProviderScope(this.db, providerId, async (tx) => {
      const [claim] = await tx
        .update(claims)
        .set({ ...patch, updatedAt: at })
        .where(and(eq(claims.providerId, providerId), eq(claims.id, id), eq(claims.state, from)))
        .returning();
      return claim;
    });
  }

  async delete(providerId: string, id: string): Promise<boolean> {
    return withProviderScope(this.db, providerId, async (tx) => {
      const result = await tx
        .delete(claims)
        .where(and(eq(claims.providerId, providerId), eq(claims.id, id)));
      return (result.rowCount ?? 0) > 0;
    });
  }
}
