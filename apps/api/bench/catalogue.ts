import { bulkUpsertVsCopy } from './bulk-upsert-vs-copy.bench';
import { dashboardBeforeWindow } from './dashboard-before-window.bench';
import { dashboardCachedVsLive } from './dashboard-cached-vs-live.bench';
import { dashboardThroughput } from './dashboard-throughput.bench';
import { freshnessLatency } from './freshness-latency.bench';
import type { Benchmark } from './harness';
import { multiInstance } from './multi-instance.bench';
import { nightlyRefresh } from './nightly.bench';
import { nightlyScaling } from './nightly-scaling.bench';
import { policyForms } from './policy-forms.bench';
import { refreshAssembly } from './refresh-assembly.bench';
import { roundTrips } from './round-trips.bench';
import { statements } from './statements.bench';
import { vsMaterializedView } from './vs-materialized-view.bench';

/** Every benchmark of the project, in the order the report lists them. */
export const BENCHMARKS: Benchmark[] = [
  bulkUpsertVsCopy,
  policyForms,
  freshnessLatency,
  vsMaterializedView,
  dashboardThroughput,
  roundTrips,
  dashboardCachedVsLive,
  refreshAssembly,
  dashboardBeforeWindow,
  statements,
  nightlyRefresh,
  nightlyScaling,
  multiInstance,
];
