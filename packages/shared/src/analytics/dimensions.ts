import { z } from 'zod';

export const MAX_DIMENSION_KEYS = 8;
/** Bytes of JSON; the database allows 1024 of its own (wider) text form, so this always fits. */
export const MAX_DIMENSIONS_BYTES = 512;
const utf8 = new TextEncoder();

const NAME_MESSAGE = 'dimension names are lower_snake_case, at most 63 characters';
const DimensionName = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, NAME_MESSAGE);

const DimensionValue = z.union([z.string().max(128), z.number(), z.boolean()], {
  error: 'dimension values are strings of at most 128 characters, numbers or booleans',
});

/** A flat object of scalar values, such as `{ "claim_type": "AHCIP" }`. */
export const Dimensions = z
  // A bad name is otherwise reported as "Invalid key in record".
  .record(DimensionName, DimensionValue, {
    error: (issue) => (issue.code === 'invalid_key' ? NAME_MESSAGE : undefined),
  })
  .refine((d) => Object.keys(d).length <= MAX_DIMENSION_KEYS, {
    message: `at most ${MAX_DIMENSION_KEYS} dimensions`,
  })
  .refine((d) => utf8.encode(JSON.stringify(d)).length <= MAX_DIMENSIONS_BYTES, {
    message: `dimensions take at most ${MAX_DIMENSIONS_BYTES} bytes as JSON`,
  });
export type Dimensions = z.infer<typeof Dimensions>;

/**
 * The same object with its keys sorted. PostgreSQL's jsonb ignores key order, so
 * `{a,b}` and `{b,a}` are one cache key; JSON.stringify of this is a faithful key in JS.
 */
export function canonicalDimensions(dimensions: Dimensions): Dimensions {
  const sorted: Dimensions = {};
  for (const key of Object.keys(dimensions).sort()) {
    sorted[key] = dimensions[key] as Dimensions[string];
  }
  return sorted;
}
