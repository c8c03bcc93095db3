/**
 * `/api/detect`: what a run is picked from. Sources (ready videos, each with
 * the jobs whose chunks are spans of it), a job's chunks as picks for a
 * timeline, and scenarios (the timeline + profile + brand list combinations
 * that were run). The work is in src/work/detect/sources.ts and setup.ts.
 */
import { Elysia, t } from 'elysia';
import type { System } from '../system.ts';
import { anId, none, page, pageQuery } from './route-kit.ts';
import { strict } from './input.ts';
import { json, responses } from './openapi-responses.ts';

export type DetectSourceRoutesDeps = Pick<System, 'detect' | 'detectSources'>;

export const detectSourceRoutes = (s: DetectSourceRoutesDeps) =>
  new Elysia({ prefix: '/detect', detail: { tags: ['detect'] } })
    .get('/sources', ({ query }) => s.detectSources.list(page(query)), {
      query: pageQuery,
      transform: strict({ body: false, query: pageQuery }),
      detail: {
        summary: 'Ready videos to pick a timeline from, newest first, each with the jobs whose chunks are spans of it',
        responses: responses({ 200: json('SourceList', 'Sources') }, 400, 401),
      },
    })
    // `:id`, not `:jobId`: the router takes one parameter name per place, and /sources/:id/filmstrip and /media (detect-media-routes.ts) name an asset there.
    .get('/sources/:id/chunks', ({ params }) => s.detectSources.chunks(params.id), {
      params: t.Object({ id: anId('a job of the source (GET /sources lists them)') }),
      transform: none,
      detail: {
        summary: "A job's chunks as spans of its source, with thumbnails, each ready to post as a timeline pick",
        responses: responses({ 200: json('SourceChunks', 'The chunks') }, 401, 404),
      },
    })
    .get('/scenarios', ({ query }) => s.detect.scenarios(page(query)), {
      query: pageQuery,
      transform: strict({ body: false, query: pageQuery }),
      detail: {
        summary: 'Every timeline + profile + brand list combination that was run: how often, the latest run and the latest completed one',
        responses: responses({ 200: json('ScenarioList', 'Scenarios') }, 400, 401),
      },
    });
