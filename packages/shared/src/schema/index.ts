export * from './analytics-cache';
export * from './analytics-freshness';
export * from './claims';
export * from './providers';
