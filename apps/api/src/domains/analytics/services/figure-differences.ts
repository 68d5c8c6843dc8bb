import type { DashboardMetrics, FigureDifference, PeriodFigures } from '@meritum/shared';

type Value = string | number | null;

/** Every figure of a period under a path: totals, each month, each top code by rank. */
function flatten(figures: PeriodFigures): Map<string, Value> {
  const out = new Map<string, Value>();
  const put = (prefix: string, metrics: DashboardMetrics) => {
    for (const [key, value] of Object.entries(metrics)) out.set(`${prefix}.${key}`, value);
  };
  put('metrics', figures.metrics);
  for (const { month, ...metrics } of figures.monthly) put(`monthly.${month}`, metrics);
  figures.topHealthServiceCodes.forEach((code, i) => {
    for (const [key, value] of Object.entries(code)) {
      out.set(`topHealthServiceCodes.${i + 1}.${key}`, value);
    }
  });
  return out;
}

/** The figures on which a statement and a recomputation of its period disagree, exactly. */
export function figureDifferences(
  statement: PeriodFigures,
  recomputed: PeriodFigures,
): FigureDifference[] {
  const stored = flatten(statement);
  const fresh = flatten(recomputed);
  const differences: FigureDifference[] = [];
  for (const figure of new Set([...stored.keys(), ...fresh.keys()])) {
    const a = stored.get(figure) ?? null;
    const b = fresh.get(figure) ?? null;
    if (a !== b) differences.push({ figure, statement: a, claims: b });
  }
  return differences;
}
