export * from './analytics/cache-entry';
export * from './analytics/dimensions';
export * from './analytics/metric-keys';
export * from './constants/time';
export * from './schema/index';
export * from './validation/primitives';
