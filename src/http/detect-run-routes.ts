/**
 * `/api/detect`: detection runs. Start one, control it (stop, pause,
 * resume, step, pause after a stage, clear), read its status stage by
 * stage, follow it live (SSE: the job's own events and telemetry, the same
 * machinery as /api/events), list runs, replay a stage or fork from an
 * event, and walk a timeline's checkpoint tree. The work is in
 * src/work/detect/runs.ts; these routes carry requests to it.
 */
import { Elysia, type Static, t } from 'elysia';
import { findJob, queryJobs } from '../projections/index.ts';
import type { System } from '../system.ts';
import { jobDto } from './dto.ts';
import { anId, by, none, page, pageQuery, stageParams } from './route-kit.ts';
import { strict } from './input.ts';
import { json, requestBody, responses } from './openapi-responses.ts';
import { DetectRunInput, PauseAfterInput, ReplayInput, ReplayStageInput } from './detect-run-schemas.ts';
import { queryInteger } from './schema-kinds.ts';
import { idParams } from './schemas.ts';
import { parseEventFilter, parseResumePosition, type SseDeps, sseResponse, startAfter } from './sse/index.ts';
import { presentResult } from '../actors/job-kind.ts';
import { AppError } from '../errors.ts';

export type DetectRunRoutesDeps = Pick<System, 'detectRuns' | 'db' | 'kinds' | 'log'> & SseDeps;

const jobParams = t.Object({ jobId: anId('detect job id') });
const timelineParams = t.Object({ timelineId: anId('timeline id') });
const timelineStageParams = t.Composite([timelineParams, stageParams]);
const streamQuery = t.Object({ after: queryInteger('start after this log position (default: the job’s first event)', { minimum: 0 }) });
const STATUS = { 200: json('DetectStatus', 'The run, stage by stage') };

export const detectRunRoutes = (s: DetectRunRoutesDeps) => {
  const control = (path: string, summary: string, act: (who: string, jobId: string) => Promise<unknown>) =>
    new Elysia().post(path, ({ params, request }) => act(by(request), params.jobId), {
      params: jobParams,
      transform: none,
      detail: { summary, responses: responses(STATUS, 401, 403, 404, 409) },
    });
  const outputUrl = (key: string) => `/api/outputs/${key}`;

  return new Elysia({ prefix: '/detect', detail: { tags: ['detect'] } })
    .post(
      '/run',
      async ({ body, request, set }) => {
        const started = await s.detectRuns.run(by(request), body as Record<string, unknown>);
        set.status = 201;
        return started;
      },
      {
        transform: strict({ body: DetectRunInput, validate: true }),
        detail: {
          summary: 'Run a profile over a timeline with a brand list (a detect job); a bad setting is a 400 naming it',
          requestBody: requestBody('DetectRunInput'),
          responses: responses({ 201: json('DetectRunStarted', 'The job') }, 400, 401, 403, 404),
        },
      },
    )
    .use(control('/stop/:jobId', 'Stop: running work items are aborted, nothing more starts (the job ends CANCELLED)', (w, id) => s.detectRuns.stop(w, id)))
    .use(control('/pause/:jobId', 'Pause: running work items finish, no other starts and no stage begins', (w, id) => s.detectRuns.pause(w, id)))
    .use(control('/resume/:jobId', 'Resume a paused run', (w, id) => s.detectRuns.resume(w, id, false)))
    .use(control('/step/:jobId', 'Step: run until the current (or next) stage ends, then pause', (w, id) => s.detectRuns.resume(w, id, true)))
    .post(
      '/pause-after-stage/:jobId',
      ({ params, body, request }) => s.detectRuns.pauseAfterStage(by(request), params.jobId, (body as Static<typeof PauseAfterInput>).stage),
      {
        params: jobParams,
        transform: strict({ body: PauseAfterInput, validate: true }),
        detail: {
          summary: 'Pause once a named stage has finished (null: no such pause)',
          requestBody: requestBody('PauseAfterInput'),
          responses: responses(STATUS, 400, 401, 403, 404, 409),
        },
      },
    )
    .post('/clear/:jobId', ({ params, request }) => s.detectRuns.clear(by(request), params.jobId), {
      params: jobParams,
      transform: none,
      detail: {
        summary: "Delete an ended run's working outputs (stage items, crops, report); the frame cache and the record stay",
        responses: responses({ 200: json('OutputsCleared', 'What was removed') }, 401, 403, 404, 409),
      },
    })
    .get('/status/:jobId', ({ params }) => s.detectRuns.status(params.jobId), {
      params: jobParams,
      transform: none,
      detail: {
        summary: 'A run stage by stage: waiting, running with its items, done with timing and figures, skipped and why, failed',
        responses: responses(STATUS, 401, 404),
      },
    })
    .get(
      '/stream/:jobId',
      async ({ params, query, request }) => {
        const job = findJob(s.db, params.jobId);
        if (job?.kind !== 'detect') throw new AppError('not_found', `no detect job ${params.jobId}`);
        const first = (await s.log.readStream(`job:${params.jobId}`))[0];
        const resume = parseResumePosition(request.headers.get('last-event-id'), query.after);
        const after = await startAfter(s.log, resume, () => Math.max(0, (first?.position ?? 1) - 1));
        const filter = parseEventFilter({ job: params.jobId });
        return sseResponse(s, { after, filter, signal: request.signal });
      },
      {
        params: jobParams,
        query: streamQuery,
        transform: strict({ body: false, query: streamQuery, alsoQuery: ['ticket'] }),
        detail: {
          summary: "A run's events as Server-Sent Events from its start (resumable with Last-Event-ID): the job, its stages and items, and live progress",
          responses: responses(
            { 200: { description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } },
            400,
            401,
            404,
          ),
        },
      },
    )
    .get(
      '/jobs',
      ({ query }) => {
        const asked = page(query);
        const { rows, total } = queryJobs(s.db, { kind: 'detect' }, asked);
        return { items: rows.map((j) => jobDto(j, presentResult(s.kinds, j.kind, j.result, outputUrl))), total, limit: asked.limit, offset: asked.offset };
      },
      {
        query: pageQuery,
        transform: strict({ body: false, query: pageQuery }),
        detail: { summary: 'Detect jobs, newest first', responses: responses({ 200: json('JobList', 'Jobs') }, 400, 401) },
      },
    )
    .get(
      '/jobs/:id',
      ({ params }) => {
        const j = findJob(s.db, params.id);
        if (j?.kind !== 'detect') throw new AppError('not_found', `no detect job ${params.id}`);
        return jobDto(j, presentResult(s.kinds, j.kind, j.result, outputUrl));
      },
      {
        params: idParams('detect job'),
        transform: none,
        detail: { summary: 'One detect job, with its brand report once completed', responses: responses({ 200: json('Job', 'The job') }, 401, 404) },
      },
    )
    .post(
      '/replay-stage',
      async ({ body, request, set }) => {
        const made = await s.detectRuns.replayStage(by(request), body as Static<typeof ReplayStageInput>);
        set.status = 201;
        return made;
      },
      {
        transform: strict({ body: ReplayStageInput, validate: true }),
        detail: {
          summary:
            'Run one stage again with new settings (and with downstream, the stages after it), reusing the outputs before it: a new job under the old one',
          requestBody: requestBody('ReplayStageInput'),
          responses: responses({ 201: json('DetectRunStarted', 'The new job') }, 400, 401, 403, 404, 409),
        },
      },
    )
    .post(
      '/replay',
      async ({ body, request, set }) => {
        const made = await s.detectRuns.replay(by(request), body as Static<typeof ReplayInput>);
        set.status = 201;
        return made;
      },
      {
        transform: strict({ body: ReplayInput, validate: true }),
        detail: {
          summary: 'Fork a run from one of its log positions: stages finished by then and unchanged are reused, the rest run',
          requestBody: requestBody('ReplayInput'),
          responses: responses({ 201: json('DetectRunStarted', 'The new job') }, 400, 401, 403, 404, 409),
        },
      },
    )
    .get('/checkpoints/:timelineId', ({ params }) => s.detectRuns.checkpoints(params.timelineId), {
      params: timelineParams,
      transform: none,
      detail: { summary: "A timeline's checkpoint tree: every try at every stage", responses: responses({ 200: json('CheckpointList', 'Checkpoints') }, 401) },
    })
    .get('/checkpoints/:timelineId/:stage', ({ params }) => s.detectRuns.checkpoints(params.timelineId, params.stage), {
      params: timelineStageParams,
      transform: none,
      detail: { summary: "One stage's tries on a timeline", responses: responses({ 200: json('CheckpointList', 'Checkpoints') }, 401) },
    });
};
