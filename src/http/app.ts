/** The HTTP app: every route group under /api, errors mapped once, OpenAPI at /api/openapi, the web UI at /. */
import { Elysia } from 'elysia';
import { openapi } from '@elysiajs/openapi';
import type { System } from '../system.ts';
import { toErrorResponse } from './errors.ts';
import { assetsRoutes } from './assets-routes.ts';
import { eventsRoutes } from './events-routes.ts';
import { jobsRoutes } from './jobs-routes.ts';
import { outputsPaths, outputsRoutes } from './outputs-routes.ts';
import { presetsRoutes } from './presets-routes.ts';
import { componentSchemas } from './schemas.ts';
import { systemRoutes } from './system-routes.ts';
import { defaultUiAssets, type UiAssets } from './ui-assets.ts';
import { uiRoutes } from './ui-routes.ts';

export const createApp = (s: System, ui: UiAssets = defaultUiAssets()) =>
  new Elysia()
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
      return body;
    })
    .group('/api', (api) => api.use(systemRoutes(s)).use(eventsRoutes(s)).use(assetsRoutes(s)).use(presetsRoutes(s)).use(jobsRoutes(s)).use(outputsRoutes(s)))
    // After /api, outside it: the UI's wildcard only answers what no API route matched.
    .use(uiRoutes(ui));

export type App = ReturnType<typeof createApp>;
