/**
 * `/api/detect/overlays`: a frame of a detect job with one stage's findings
 * drawn over it, and optionally other stages of the run over those
 * (`layers`; src/work/detect/overlays.ts). POST renders it (again) and
 * answers where it is; GET answers the PNG, rendering it first if needed.
 */
import { Elysia, t } from 'elysia';
import type { System } from '../system.ts';
import { anId, stageParams } from './route-kit.ts';
import { strict } from './input.ts';
import { OverlayInput } from './detect-run-schemas.ts';
import { json, requestBody, responses } from './openapi-responses.ts';

export type DetectOverlayRoutesDeps = Pick<System, 'detectOverlays'>;

const overlayParams = t.Object({
  timelineId: anId('timeline id'),
  jobId: anId('detect job id'),
  stage: stageParams.properties.stage,
  seq: t.String({ pattern: '^[0-9]{1,9}$', description: 'the frame number on the timeline' }),
});
const overlayQuery = t.Object({
  layers: t.Optional(t.String({ maxLength: 200, description: "other stages of the run drawn over it, after `stage`'s: a,b" })),
});

export const detectOverlayRoutes = (s: DetectOverlayRoutesDeps) =>
  new Elysia({ prefix: '/detect', detail: { tags: ['detect'] } })
    .post(
      '/overlays',
      async ({ body, set }) => {
        const made = await s.detectOverlays.render(body);
        set.status = 201;
        return made;
      },
      {
        transform: strict({ body: OverlayInput, validate: true }),
        detail: {
          summary: "Draw a stage's findings (boxes, text, lines, the field mask) on one frame of a run, as PNG; answers its URL",
          requestBody: requestBody('OverlayInput'),
          responses: responses({ 201: json('OverlayMade', 'Where the overlay is, and what it shows') }, 400, 401, 403, 404, 409),
        },
      },
    )
    .get(
      '/overlays/:timelineId/:jobId/:stage/:seq',
      async ({ params, query }) => {
        const png = await s.detectOverlays.png(params.timelineId, { jobId: params.jobId, stage: params.stage, seq: Number(params.seq), layers: query.layers });
        return new Response(png, { headers: { 'content-type': 'image/png', 'cache-control': 'private, no-cache' } });
      },
      {
        params: overlayParams,
        query: overlayQuery,
        transform: strict({ body: false, query: overlayQuery }),
        detail: {
          summary: "The overlay of a run's stage on one frame (PNG), drawn first when it is not kept yet",
          responses: responses(
            { 200: { description: 'The picture', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } } },
            400,
            401,
            404,
            409,
          ),
        },
      },
    );
