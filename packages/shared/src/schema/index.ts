export * from './analytics-cache';
export * from './analytics-dashboard';
export * from './analytics-freshness';
export * from './analytics-statements';
export * from './auth';
export * from './claims';
export * from './providers';
