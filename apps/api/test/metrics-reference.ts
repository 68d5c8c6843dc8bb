import { type Claim, edmontonDateString, formatCents, toCents } from '@meritum/shared';

/**
 * The metrics computed in plain TypeScript, straight from docs/metrics.md, sharing nothing
 * with the SQL calculator: the property tests hold the two against each other.
 * Returns `metric|period start|dimensions-json` -> value, for the months asked, and with
 * `asOf` the outstanding figures of that Edmonton day.
 */
export function referenceMetrics(
  claims: readonly Claim[],
  months: readonly string[],
  asOf?: string,
): Map<string, string> {
  const wanted = new Set(months);
  const sums = new Map<string, bigint>();
  const put = (metric: string, period: string, dims: Record<string, string>, amount: bigint) => {
    const key = `${metric}|${period}|${JSON.stringify(dims)}`;
    sums.set(key, (sums.get(key) ?? 0n) + amount);
  };
  const add = (metric: string, month: string, dims: Record<string, string>, amount: bigint) => {
    if (wanted.has(month)) put(metric, month, dims, amount);
  };
  const cents = new Set([
    'billed_amount',
    'pending_amount',
    'paid_amount',
    'rejected_amount',
    'adjustment_loss',
    'outstanding_amount',
  ]);
  // A claim counts under each of its codes, or under "none".
  const reasonsOf = (c: Claim) =>
    (c.explanatoryCodes.length === 0 ? ['none'] : c.explanatoryCodes).map((code) => ({
      claim_type: c.claimType,
      explanatory_code: code,
    }));

  for (const c of claims) {
    const byType = { claim_type: c.claimType };
    const byCode = { claim_type: c.claimType, health_service_code: c.healthServiceCode };
    if (c.state !== 'draft') {
      const month = `${c.dateOfService.slice(0, 7)}-01`;
      const fee = toCents(c.feeSubmitted);
      const refused = c.state === 'rejected' || c.state === 'written_off';
      const rejected = refused ? 1n : 0n;
      const assessed = c.state === 'submitted' ? 0n : 1n;
      const pending = c.state === 'submitted' ? fee : 0n;
      for (const dims of [{}, byType, byCode]) {
        add('claims_count', month, dims, 1n);
        add('billed_amount', month, dims, fee);
      }
      for (const dims of [{}, byType]) {
        add('rejected_count', month, dims, rejected);
        add('rejected_amount', month, dims, refused ? fee : 0n);
        add('assessed_count', month, dims, assessed);
        add('pending_amount', month, dims, pending);
      }
      if (refused) {
        for (const dims of reasonsOf(c)) {
          add('rejected_count', month, dims, 1n);
          add('rejected_amount', month, dims, fee);
        }
      }
    }
    if (asOf && (c.state === 'submitted' || c.state === 'rejected') && c.submittedAt) {
      const age = (Date.parse(asOf) - Date.parse(edmontonDateString(c.submittedAt))) / 86_400_000;
      const bucket = age <= 30 ? '0-30' : age <= 60 ? '31-60' : age <= 90 ? '61-90' : '90+';
      for (const dims of [{ age_bucket: bucket }, { age_bucket: bucket, ...byType }]) {
        put('outstanding_count', asOf, dims, 1n);
        put('outstanding_amount', asOf, dims, toCents(c.feeSubmitted));
      }
    }
    if (
      (c.state === 'paid' || c.state === 'adjusted') &&
      c.paidAt &&
      c.submittedAt &&
      c.feeAssessed
    ) {
      const paidDate = edmontonDateString(c.paidAt);
      const days =
        (Date.parse(paidDate) - Date.parse(edmontonDateString(c.submittedAt))) / 86_400_000;
      const month = `${paidDate.slice(0, 7)}-01`;
      const lost = c.state === 'adjusted' ? toCents(c.feeSubmitted) - toCents(c.feeAssessed) : 0n;
      for (const dims of [{}, byType]) {
        add('paid_count', month, dims, 1n);
        add('paid_amount', month, dims, toCents(c.feeAssessed));
        add('days_to_payment_sum', month, dims, BigInt(days));
        add('adjustment_loss', month, dims, lost);
      }
      if (c.state === 'adjusted') {
        for (const dims of reasonsOf(c)) add('adjustment_loss', month, dims, lost);
      }
    }
  }
  return new Map(
    [...sums].map(([key, value]) => [
      key,
      cents.has(key.split('|')[0] ?? '') ? formatCents(value) : String(value),
    ]),
  );
}

/** Cache entries (or computed rows) in the reference's shape. */
export function asMetricMap(
  entries: ReadonlyArray<{
    metricKey: string;
    periodStart: string;
    dimensions?: object | undefined;
    value: string | number;
  }>,
): Map<string, string> {
  return new Map(
    entries.map((e) => [
      `${e.metricKey}|${e.periodStart}|${JSON.stringify(e.dimensions ?? {})}`,
      String(e.value),
    ]),
  );
}
