export * from './analytics/cache-entry';
export * from './analytics/dimensions';
export * from './analytics/metric-keys';
export * from './constants/time';
export * from './dates/business-dates';
export * from './dates/periods';
export * from './schema/index';
export * from './validation/primitives';
