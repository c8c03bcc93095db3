/**
 * `/api/detect`: what detection runs are set up from. Profiles and their
 * stages (`/config/...`), timelines of picked source video, brand lists.
 * The detect kind checks every body and names the field; these routes only
 * carry requests to it (through the System it was wired into).
 */
import { Elysia, t } from 'elysia';
import type { System } from '../system.ts';
import type { BrandList, ProfileDto, Timeline } from '../types/detect-setup.ts';
import { by, none, page, pageQuery, stageParams } from './route-kit.ts';
import { strict } from './input.ts';
import { json, requestBody, responses } from './openapi-responses.ts';
import { BrandListInput, DuplicateProfileInput, ProfileInput, TimelineInput } from './detect-schemas.ts';
import { idParams } from './schemas.ts';
import { DetectSettingsInput } from './detect-source-schemas.ts';
import { TimelineUpdateInput } from './detect-media-schemas.ts';

export type DetectSetupRoutesDeps = Pick<System, 'detect' | 'detectMedia'>;

const nameParams = t.Object({ name: t.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]*$', description: 'profile name' }) });

export const detectSetupRoutes = (s: DetectSetupRoutesDeps) =>
  new Elysia({ prefix: '/detect', detail: { tags: ['detect'] } })
    .get('/config', () => s.detect.settings.get(), {
      transform: none,
      detail: {
        summary: 'Detection settings: the profile and brand list a run uses when it names none',
        responses: responses({ 200: json('DetectSettings', 'The settings') }, 401),
      },
    })
    .put('/config', ({ body, request }) => s.detect.settings.set(by(request), body), {
      transform: strict({ body: DetectSettingsInput, validate: true }),
      detail: {
        summary: 'Change detection settings (a profile or brand list that does not exist is a 400 naming the field)',
        requestBody: requestBody('DetectSettingsInput'),
        responses: responses({ 200: json('DetectSettings', 'The settings') }, 400, 401, 403),
      },
    })
    .get('/config/profiles', (): ProfileDto[] => s.detect.profiles.list(), {
      transform: none,
      detail: { summary: 'Every profile: the built-ins, then yours', responses: responses({ 200: json('ProfileList', 'Profiles') }, 401) },
    })
    .post(
      '/config/profiles',
      async ({ body, request, set }) => {
        const made = await s.detect.profiles.create(by(request), body);
        set.status = 201;
        return made;
      },
      {
        transform: strict({ body: ProfileInput }),
        detail: {
          summary: 'A new profile (a bad stage, edge or setting is a 400 naming it)',
          requestBody: requestBody('ProfileInput'),
          responses: responses({ 201: json('Profile', 'The profile') }, 400, 401, 403, 409),
        },
      },
    )
    .get('/config/profiles/:name', ({ params }) => s.detect.profiles.get(params.name), {
      params: nameParams,
      transform: none,
      detail: { summary: 'One profile', responses: responses({ 200: json('Profile', 'The profile') }, 401, 404) },
    })
    .put('/config/profiles/:name', ({ params, body, request }) => s.detect.profiles.update(by(request), params.name, body), {
      params: nameParams,
      transform: strict({ body: ProfileInput }),
      detail: {
        summary: 'Replace a profile (built-ins are read-only: 409)',
        requestBody: requestBody('ProfileInput'),
        responses: responses({ 200: json('Profile', 'The profile') }, 400, 401, 403, 404, 409),
      },
    })
    .delete(
      '/config/profiles/:name',
      async ({ params, request, set }) => {
        await s.detect.profiles.remove(by(request), params.name);
        set.status = 204;
      },
      {
        params: nameParams,
        transform: none,
        detail: { summary: 'Delete a profile (built-ins: 409)', responses: responses({ 204: { description: 'Deleted' } }, 401, 403, 404, 409) },
      },
    )
    .post(
      '/config/profiles/:name/duplicate',
      async ({ params, body, request, set }) => {
        const made = await s.detect.profiles.duplicate(by(request), params.name, body);
        set.status = 201;
        return made;
      },
      {
        params: nameParams,
        transform: strict({ body: DuplicateProfileInput }),
        detail: {
          summary: 'Copy a profile under a new name, to tweak it',
          requestBody: requestBody('DuplicateProfileInput'),
          responses: responses({ 201: json('Profile', 'The copy') }, 400, 401, 403, 404, 409),
        },
      },
    )
    .get('/config/profiles/:name/pipeline', ({ params }) => s.detect.profiles.pipeline(params.name), {
      params: nameParams,
      transform: none,
      detail: {
        summary: 'The stages in the order they run, each with its whole config',
        responses: responses({ 200: json('ResolvedPipeline', 'The pipeline') }, 401, 404),
      },
    })
    .get('/config/stages', () => s.detect.stages.list(), {
      transform: none,
      detail: { summary: 'Every stage with its settings (schema and defaults)', responses: responses({ 200: json('StageList', 'Stages') }, 401) },
    })
    .get('/config/stages/:stage', ({ params }) => s.detect.stages.get(params.stage), {
      params: stageParams,
      transform: none,
      detail: { summary: "One stage's settings: schema and defaults", responses: responses({ 200: json('StageInfo', 'The stage') }, 401, 404) },
    })
    .get('/timeline', ({ query }) => s.detect.timelines.list(page(query)), {
      query: pageQuery,
      transform: strict({ body: false, query: pageQuery }),
      detail: { summary: 'Timelines, newest first', responses: responses({ 200: json('TimelineList', 'Timelines') }, 400, 401) },
    })
    .post(
      '/timeline',
      async ({ body, request, set }): Promise<Timeline> => {
        const made = await s.detect.timelines.create(by(request), body);
        set.status = 201;
        return made;
      },
      {
        transform: strict({ body: TimelineInput }),
        detail: {
          summary: 'A timeline of picks (each pick: a ready video asset, inside its duration)',
          requestBody: requestBody('TimelineInput'),
          responses: responses({ 201: json('Timeline', 'The timeline') }, 400, 401, 403),
        },
      },
    )
    .get('/timeline/:id', ({ params }) => s.detect.timelines.get(params.id), {
      params: idParams('timeline'),
      transform: none,
      detail: { summary: 'One timeline', responses: responses({ 200: json('Timeline', 'The timeline') }, 401, 404) },
    })
    .put('/timeline/:id', ({ params, body, request }): Promise<Timeline> => s.detect.timelines.update(by(request), params.id, body), {
      params: idParams('timeline'),
      // Checked by the detect kind as a new timeline is (the same messages), so no `validate` here.
      transform: strict({ body: TimelineUpdateInput }),
      detail: {
        summary: 'Change a timeline: a field left out keeps its value; picks are checked as for a new one',
        requestBody: requestBody('TimelineUpdateInput'),
        responses: responses({ 200: json('Timeline', 'The timeline') }, 400, 401, 403, 404),
      },
    })
    .delete(
      '/timeline/:id',
      async ({ params, request, set }) => {
        await s.detect.timelines.remove(by(request), params.id);
        set.status = 204;
      },
      {
        params: idParams('timeline'),
        transform: none,
        detail: { summary: 'Delete a timeline and its frame cache', responses: responses({ 204: { description: 'Deleted' } }, 401, 403, 404) },
      },
    )
    .get('/timeline/:id/cache', ({ params }) => s.detectMedia.frameCache(params.id), {
      params: idParams('timeline'),
      transform: none,
      detail: {
        summary: "What a timeline's frame cache holds, by extraction (fps and size): frames and bytes",
        responses: responses({ 200: json('FrameCache', 'The cache') }, 401, 404),
      },
    })
    .delete('/timeline/:id/cache', ({ params, request }) => s.detect.timelines.clearCache(by(request), params.id), {
      params: idParams('timeline'),
      transform: none,
      detail: {
        summary: "Drop the timeline's frame cache (the next run extracts again)",
        responses: responses({ 200: json('CacheCleared', 'Dropped') }, 401, 403, 404),
      },
    })
    .get('/brands', ({ query }) => s.detect.brandLists.list(page(query)), {
      query: pageQuery,
      transform: strict({ body: false, query: pageQuery }),
      detail: { summary: 'Brand lists, by name', responses: responses({ 200: json('BrandListList', 'Brand lists') }, 400, 401) },
    })
    .post(
      '/brands',
      async ({ body, request, set }): Promise<BrandList> => {
        const made = await s.detect.brandLists.create(by(request), body);
        set.status = 201;
        return made;
      },
      {
        transform: strict({ body: BrandListInput }),
        detail: {
          summary: 'A new brand list',
          requestBody: requestBody('BrandListInput'),
          responses: responses({ 201: json('BrandList', 'The brand list') }, 400, 401, 403),
        },
      },
    )
    .get('/brands/:id', ({ params }) => s.detect.brandLists.get(params.id), {
      params: idParams('brand list'),
      transform: none,
      detail: { summary: 'One brand list', responses: responses({ 200: json('BrandList', 'The brand list') }, 401, 404) },
    })
    .put('/brands/:id', ({ params, body, request }) => s.detect.brandLists.update(by(request), params.id, body), {
      params: idParams('brand list'),
      transform: strict({ body: BrandListInput }),
      detail: {
        summary: 'Change a brand list',
        requestBody: requestBody('BrandListInput'),
        responses: responses({ 200: json('BrandList', 'The brand list') }, 400, 401, 403, 404),
      },
    })
    .delete(
      '/brands/:id',
      async ({ params, request, set }) => {
        await s.detect.brandLists.remove(by(request), params.id);
        set.status = 204;
      },
      {
        params: idParams('brand list'),
        transform: none,
        detail: { summary: 'Delete a brand list', responses: responses({ 204: { description: 'Deleted' } }, 401, 403, 404) },
      },
    );
