import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { NewStatement } from '../repos/statement.repo';

/** What a statement asserts: everything its SHA-256 covers. */
export type StatementContent = Omit<NewStatement, 'contentSha256'> & { providerId: string };

/** Names the content's layout, so that a later layout never hashes alike by accident. */
const CONTENT_KIND = 'meritum.statement.v1';

export const sha256Hex = (bytes: string | Uint8Array) =>
  createHash('sha256').update(bytes).digest('hex');

/**
 * SHA-256 of the statement's canonical JSON (RFC 8785: keys sorted, numbers and strings in one
 * form), so the same content always hashes alike, however it was stored or read back.
 */
export function statementSha256(content: StatementContent): string {
  const canonical = canonicalize({
    kind: CONTENT_KIND,
    providerId: content.providerId,
    periodStart: content.periodStart,
    periodEnd: content.periodEnd,
    claimType: content.claimType,
    figures: content.figures,
    dataVersion: content.dataVersion,
    claimsCount: content.claimsCount,
    generatedAt: content.generatedAt.toISOString(),
  });
  if (canonical === undefined) throw new Error('a statement has no canonical form');
  return sha256Hex(canonical);
}
