import { z } from 'zod';

/** A provider id: a UUID, lower-cased so that one provider is always one string. */
export const ProviderId = z
  .uuid({ message: 'provider id must be a UUID' })
  .transform((id) => id.toLowerCase());

/**
 * A calendar date 'YYYY-MM-DD' between 1900 and 2999; impossible dates such as 2026-02-30 are
 * refused (and PostgreSQL has no year 0000).
 */
export const IsoDate = z.iso
  .date({ message: 'dates are calendar dates written YYYY-MM-DD' })
  .refine((date) => date >= '1900-01-01' && date <= '2999-12-31', {
    message: 'dates lie between 1900-01-01 and 2999-12-31',
  });

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

/**
 * An instant on the wire: an ISO 8601 timestamp with its offset; a Date in the code on either
 * side. Responses encode the Date, clients decode the text.
 */
export const Instant = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});
