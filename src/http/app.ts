/** The HTTP app: every route group under /api, errors mapped once, OpenAPI at /api/openapi, the web UI at /. */
import { findJob } from '../projections/index.ts';
import { Elysia } from 'elysia';
import { openapi } from '@elysiajs/openapi';
import type { System } from '../system.ts';
import { adminRoutes } from './admin-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { toErrorResponse } from './errors.ts';
import { createGuard, securityHeaders, uploadOriginsOf } from './guard.ts';
import { keysRoutes } from './keys-routes.ts';
import { responses } from './openapi-responses.ts';
import pkg from '../../package.json' with { type: 'json' };
import { usersRoutes } from './users-routes.ts';
import { assetsRoutes } from './assets-routes.ts';
import { eventsRoutes } from './events-routes.ts';
import { jobsRoutes } from './jobs-routes.ts';
import { outputsPaths, outputsRoutes } from './outputs-routes.ts';
import { presetsRoutes } from './presets-routes.ts';
import { componentSchemas } from './schemas.ts';
import { systemRoutes } from './system-routes.ts';
import { workersRoutes } from './workers-routes.ts';
import { workRoutes } from './work-routes.ts';
import { defaultUiAssets, type UiAssets } from './ui-assets.ts';
import { uiRoutes } from './ui-routes.ts';
import { uploadsRoutes } from './uploads-routes.ts';
import { detectSetupRoutes } from './detect-setup-routes.ts';
import { detectRunRoutes } from './detect-run-routes.ts';
import { detectOverlayRoutes } from './detect-overlay-routes.ts';
import { detectSourceRoutes } from './detect-source-routes.ts';
import { detectAiringRoutes } from './detect-airing-routes.ts';
import { detectMediaRoutes } from './detect-media-routes.ts';
import { sourceFilesRoutes } from './source-files.ts';

export const createApp = (s: System, ui: UiAssets = defaultUiAssets()) => {
  const guard = createGuard(s.auth, {
    allowedHosts: s.config.allowedHosts,
    apiRatePerMinute: s.config.rateLimitPerMinute,
    apiBurst: Math.max(10, Math.round(s.config.rateLimitPerMinute / 4)),
  });
  const secureCookies = s.config.publicUrl?.startsWith('https:') ?? false;
  const headers = securityHeaders(uploadOriginsOf(s.config));
  return (
    new Elysia()
      // First, for every request, matched or not: the headers every answer carries, then the guard.
      .onRequest(async ({ request, set }) => {
        Object.assign(set.headers, headers);
        const refused = await guard(request);
        if (refused) {
          for (const [k, v] of Object.entries(headers)) refused.headers.set(k, v);
          return refused;
        }
      })
      .use(
        openapi({
          path: '/api/openapi',
          documentation: {
            info: {
              title: 'MPR API',
              version: '0.1.0',
              description: 'Errors answer { "error": { "code", "message" } } (#/components/schemas/Error) with the status of their code.',
            },
            components: { schemas: componentSchemas() },
            paths: outputsPaths,
          },
        }),
      )
      .onError(({ code, error, set }) => {
        const { status, body } = toErrorResponse(error, code);
        if (status >= 500) s.logger.error('request failed', { error: error instanceof Error ? error.stack : String(error) });
        set.status = status;
        if (status === 401) set.headers['www-authenticate'] = 'Bearer';
        if (status === 429) {
          const ms = (error as { cause?: { retryAfterMs?: number } }).cause?.retryAfterMs;
          if (ms !== undefined) set.headers['retry-after'] = String(Math.max(1, Math.ceil(ms / 1000)));
        }
        return body;
      })
      .group('/api', (api) =>
        api
          .get('/health', () => ({ ok: true, version: pkg.version }), {
            detail: {
              summary: 'Up: open to anyone, for health checks',
              tags: ['system'],
              responses: responses({
                200: {
                  description: 'Up',
                  content: { 'application/json': { schema: { type: 'object', properties: { ok: { type: 'boolean' }, version: { type: 'string' } } } } },
                },
              }),
            },
          })
          .use(authRoutes({ db: s.db, auth: s.auth, secureCookies, trustProxy: s.config.trustProxy }))
          .use(usersRoutes({ db: s.db, auth: s.auth }))
          .use(keysRoutes({ db: s.db, auth: s.auth }))
          .use(adminRoutes({ auth: s.auth, logger: s.logger, keepOldSeconds: Math.max(6 * 3600, s.config.uploadTtlSeconds) }))
          .use(systemRoutes(s))
          .use(workersRoutes({ registry: s.workerRegistry }))
          .use(workRoutes(s))
          .use(eventsRoutes(s))
          .use(assetsRoutes(s))
          .use(presetsRoutes(s))
          .use(jobsRoutes(s))
          .use(uploadsRoutes({ db: s.db, uploads: s.uploads }))
          .use(detectSetupRoutes(s))
          .use(detectRunRoutes(s))
          .use(detectOverlayRoutes(s))
          .use(detectSourceRoutes(s))
          .use(detectMediaRoutes(s))
          .use(detectAiringRoutes(s))
          .use(
            outputsRoutes({
              storage: s.storage,
              corsOrigins: s.config.corsOrigins,
              outputsDeletedAt: (jobId) => findJob(s.db, jobId)?.outputs_deleted_at ?? null,
            }),
          )
          .use(sourceFilesRoutes(s)),
      )
      // After /api, outside it: the UI's wildcard only answers what no API route matched.
      .use(uiRoutes(ui))
  );
};

export type App = ReturnType<typeof createApp>;
