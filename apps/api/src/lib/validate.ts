import { z } from 'zod';
import { ValidationError } from './errors';

/** Parses input with a Zod schema, turning failure into a ValidationError (a 400). */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw ValidationError.fromZod(result.error, what);
  return result.data;
}

/** The query of a route that takes none: an unknown parameter is a 400, not silently ignored. */
export const NoQuery = z.strictObject({});

/** The body of a route that takes none: absent (Fastify says null), or an empty JSON object. */
export const NoBody = z.strictObject({}).nullish();
