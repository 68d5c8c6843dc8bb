// Everything: what a browser needs (./client) and what only the server uses (Drizzle tables,
// cache entries, dimensions, metric keys).
export * from './analytics/cache-api';
export * from './analytics/cache-entry';
export * from './analytics/dimensions';
export * from './analytics/metric-keys';
export * from './client';
export * from './schema/index';
