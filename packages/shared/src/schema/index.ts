export * from './analytics-cache';
export * from './providers';
