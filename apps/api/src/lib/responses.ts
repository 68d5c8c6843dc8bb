import { ApiErrorBody } from '@meritum/shared';
import { z } from 'zod';

/** Every route's error answers: the one error shape (src/plugins/errors.ts), for 4xx and 5xx. */
export const errorResponses = { '4xx': ApiErrorBody, '5xx': ApiErrorBody } as const;

/** A 204: no body. */
export const NoContent = z.null().meta({ description: 'No content' });
