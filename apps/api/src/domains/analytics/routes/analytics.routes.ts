import {
  DashboardQuery,
  DashboardResponse,
  Dimensions,
  IsoDate,
  MetricKey,
  MetricsResponse,
  RefreshResponse,
  spanIssue,
  ValidationResponse,
  withinMaxSpan,
} from '@meritum/shared';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RequestLimit } from '../../../lib/rate-limit';
import { errorResponses as errors } from '../../../lib/responses';
import { NoBody, NoQuery } from '../../../lib/validate';
import { perPhysician } from '../../../plugins/limits';
import { providerOf } from '../../../plugins/sessions';
import type { Analytics } from '../analytics.module';
import { retentionWindow } from '../services/retention';
import type { ValidationService } from '../services/validation.service';

const MetricsQuery = z
  .strictObject({
    keys: z
      .string()
      .max(500)
      .transform((keys) => keys.split(','))
      .pipe(z.array(MetricKey).min(1).max(16)),
    start: IsoDate,
    end: IsoDate,
    dimensions: z
      .string()
      .max(1024)
      .transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'dimensions must be a JSON object' });
          return z.NEVER;
        }
      })
      .pipe(Dimensions)
      .optional(),
  })
  .refine(withinMaxSpan, { ...spanIssue });

const RangeQuery = z
  .strictObject({ start: IsoDate, end: IsoDate })
  .refine(withinMaxSpan, { ...spanIssue });

export interface AnalyticsRoutesOptions {
  analytics: Analytics;
  validation: ValidationService;
  /** Per physician: the routes that recompute from the claims. */
  limits: { refresh: RequestLimit; validation: RequestLimit };
}

/** The dashboard a physician opens, its cached figures, an on-demand refresh and a consistency check. */
export const analyticsRoutes: FastifyPluginAsyncZod<AnalyticsRoutesOptions> = async (
  app,
  options,
) => {
  const { analytics, validation, limits } = options;
  // Before the body is read or validated: without a session, every request is a 401.
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/dashboard',
    {
      schema: {
        tags: ['analytics'],
        querystring: DashboardQuery,
        response: { 200: DashboardResponse, ...errors },
      },
    },
    async (request) => {
      const { claimType, ...period } = request.query;
      return analytics.dashboard.getDashboard(providerOf(request), period, { claimType });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['analytics'],
        querystring: MetricsQuery,
        response: { 200: MetricsResponse, ...errors },
      },
    },
    async (request) => {
      return analytics.figures.figures(providerOf(request), request.query);
    },
  );

  app.post(
    '/refresh',
    {
      schema: {
        tags: ['analytics'],
        querystring: NoQuery,
        body: NoBody,
        response: { 200: RefreshResponse, ...errors },
      },
      preHandler: perPhysician(limits.refresh),
    },
    async (request) =>
      analytics.refresher.refreshProvider(providerOf(request), {
        months: retentionWindow(analytics.clock),
        joinRunning: true,
      }),
  );

  app.get(
    '/validation',
    {
      schema: {
        tags: ['analytics'],
        querystring: RangeQuery,
        response: { 200: ValidationResponse, ...errors },
      },
      preHandler: perPhysician(limits.validation),
    },
    async (request) =>
      validation.validate(providerOf(request), request.query.start, request.query.end),
  );
};
