// What a browser client of the HTTP API needs: Zod schemas, types, dates and money.
// Nothing here imports Drizzle or Node, so a web bundle can take it whole.
export * from './analytics/dashboard';
export * from './analytics/statements';
export * from './auth/credentials';
export * from './claims/claim';
export * from './claims/claim-list';
export * from './claims/explanatory-code-text';
export * from './claims/outstanding';
export * from './constants/time';
export * from './dates/business-dates';
export * from './dates/periods';
export * from './format/display';
export * from './http/api-error';
export * from './money/cents';
export * from './validation/environment';
export * from './validation/primitives';
