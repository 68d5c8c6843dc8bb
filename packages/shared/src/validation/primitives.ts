import { z } from 'zod';

export const ProviderId = z.uuid({ message: 'provider id must be a UUID' });

/** A calendar date 'YYYY-MM-DD'; impossible dates such as 2026-02-30 are refused. */
export const IsoDate = z.iso.date({ message: 'dates are calendar dates written YYYY-MM-DD' });

const DECIMAL = /^-?(0|[1-9]\d{0,39})(\.\d{1,20})?$/;

/**
 * An exact decimal, carried as a string. Numbers are accepted and written out with
 * String(n), so a float that is not what the caller meant (1e21, NaN) is refused, not rounded.
 */
export const DecimalString = z
  .union([z.string(), z.number().transform((n) => String(n))])
  .pipe(z.string().regex(DECIMAL, 'value must be a finite decimal number, such as 12.50'));

const MAX_BIGINT = 9223372036854775807n;
const MAX_BIGINT_TEXT = MAX_BIGINT.toString();
const fitsBigint = (digits: string) =>
  digits.length < MAX_BIGINT_TEXT.length ||
  (digits.length === MAX_BIGINT_TEXT.length && digits <= MAX_BIGINT_TEXT);

/** A provider data version: a non-negative PostgreSQL bigint, as a decimal string. */
export const SourceVersion = z.union([
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).transform(String),
  z
    .string()
    .regex(/^(0|[1-9]\d{0,18})$/, 'source version must be a non-negative integer')
    .refine(fitsBigint, 'source version must fit a PostgreSQL bigint'),
  z
    .bigint()
    .nonnegative()
    .max(MAX_BIGINT, 'source version must fit a PostgreSQL bigint')
    .transform(String),
]);
