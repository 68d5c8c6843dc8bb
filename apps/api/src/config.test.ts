import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('loadConfig', () => {
  it('seeds demo data by default outside production, and not by default in production', () => {
    expect(loadConfig({}).DEMO_DATA).toBe('on');
    expect(loadConfig({ NODE_ENV: 'test' }).DEMO_DATA).toBe('on');
    expect(loadConfig({ NODE_ENV: 'production' }).DEMO_DATA).toBe('off');
    expect(loadConfig({ NODE_ENV: 'production', DEMO_DATA: 'off' }).DEMO_DATA).toBe('off');
    expect(loadConfig({ DEMO_DATA: 'off' }).DEMO_DATA).toBe('off');
  });

  it('seeds demo data into a server of one’s own (DATABASE_URL) only when asked', () => {
    const own = { DATABASE_URL: 'postgres://meritum_api@db.example.ca/meritum' };
    expect(loadConfig(own).DEMO_DATA).toBe('off');
    expect(loadConfig({ ...own, DEMO_DATA: 'on' }).DEMO_DATA).toBe('on');
  });

  it('refuses demo data in production as a configuration error', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DEMO_DATA: 'on' })).toThrow(
      'Invalid configuration:\n  DEMO_DATA: demo data (known passwords) is never seeded in production: unset DEMO_DATA',
    );
  });

  it('limits each statement to 15 s and an idle transaction to 60 s unless told otherwise', () => {
    const defaults = loadConfig({});
    expect([defaults.DB_STATEMENT_TIMEOUT_MS, defaults.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS]).toEqual([
      15_000, 60_000,
    ]);
    const set = loadConfig({
      DB_STATEMENT_TIMEOUT_MS: '2500',
      DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '10000',
    });
    expect([set.DB_STATEMENT_TIMEOUT_MS, set.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS]).toEqual([
      2_500, 10_000,
    ]);
    // 0 would mean no limit at all.
    expect(() => loadConfig({ DB_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/DB_STATEMENT_TIMEOUT_MS/);
    expect(() => loadConfig({ DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '-1' })).toThrow(
      /DB_IDLE_IN_TRANSACTION_TIMEOUT_MS/,
    );
  });

  it('logs readable lines by default outside production, and JSON lines in production', () => {
    expect(loadConfig({}).LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'test' }).LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ NODE_ENV: 'production' }).LOG_FORMAT).toBe('json');
    expect(loadConfig({ LOG_FORMAT: '' }).LOG_FORMAT).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    expect(loadConfig({ NODE_ENV: 'production', LOG_FORMAT: 'pretty' }).LOG_FORMAT).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
  });

  it('takes a migration URL of its own, or none', () => {
    const separate = loadConfig({
      DATABASE_URL: 'postgres://meritum_api:secret@db:5432/meritum',
      MIGRATION_DATABASE_URL: 'postgres://meritum_owner:secret@db:5432/meritum',
    });
    expect(separate.MIGRATION_DATABASE_URL).toBe('postgres://meritum_owner:secret@db:5432/meritum');
    expect(loadConfig({ MIGRATION_DATABASE_URL: '' }).MIGRATION_DATABASE_URL).toBeUndefined();
    expect(() => loadConfig({ MIGRATION_DATABASE_URL: 'mysql://db/meritum' })).toThrow(
      'MIGRATION_DATABASE_URL must be a postgres:// URL',
    );
  });
});
