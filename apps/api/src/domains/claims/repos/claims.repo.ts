import { type Claim, type ClaimState, claims } from '@meritum/shared';
import { and, eq } from 'drizzle-orm';
import type { ProviderTx } from '../../../db/provider-scope';

export type NewClaimRow = Omit<typeof claims.$inferInsert, 'providerId'>;
export type ClaimPatch = Partial<
  Pick<Claim, 'state' | 'feeAssessed' | 'submittedAt' | 'assessedAt' | 'paidAt'>
>;

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
}
