/**
 * `/api/jobs`: create (asset + preset), list, cancel, retry, a job's events
 * (JSON, or SSE when asked for text/event-stream), its state at any log
 * position (time travel), re-run from an event (fork), and its chunks.
 * Every write waits for the read models to catch up with it, so the answer
 * shows what the request did.
 */
import { Elysia, t } from 'elysia';
import { forkJob, forkSummary, planFork, stateAt } from '../actors/replay.ts';
import { presentResult } from '../actors/job-kind.ts';
import { cancelJob, checkForkFits, prepareFork, retryJob, submitJob, submitRequest } from '../actors/submit.ts';
import { AppError } from '../errors.ts';
import { chunkStream } from '../events/chunk.ts';
import { jobStream } from '../events/job.ts';
import type { StoredEvent } from '../events/types.ts';
import { chunksOfJob, findJob, JOB_STATUSES, queryJobs, type JobQuery, type JobStatusView, type JobView } from '../projections/index.ts';
import type { System } from '../system.ts';
import { chunkDto, jobDto, objectBody, optionalPosition, outputUrl, parsePage } from './dto.ts';
import { liveProgressOf, withLiveProgress } from './live-progress.ts';
import { strict } from './input.ts';
import { json, ref, responses } from './openapi-responses.ts';
import { documented, int, queryInteger } from './schema-kinds.ts';
import { CreateJobBody, ForkBody, idParams } from './schemas.ts';
import { jobFilter, parseResumePosition, sseResponse, type SseDeps, startAfter } from './sse/index.ts';

/** What the jobs routes read and command. */
export type JobsRoutesDeps = SseDeps & Pick<System, 'db' | 'log' | 'bus' | 'kinds' | 'runtime' | 'projections' | 'now' | 'config' | 'auth'>;
type Deps = JobsRoutesDeps;

const STATUSES: readonly string[] = JOB_STATUSES;
type Query = Record<string, string | undefined>;

// Query values stay strings, bounded here and checked by hand (dto.ts), so
// a bad one answers a sentence naming it.
const idParam = idParams('job');
const listQuery = t.Object({
  status: t.Optional(t.String({ maxLength: 100, description: `comma-separated: ${STATUSES.join(', ')}` })),
  assetId: t.Optional(t.String({ maxLength: 64 })),
  presetId: t.Optional(t.String({ maxLength: 64 })),
  kind: t.Optional(t.String({ maxLength: 64, description: 'transcode, checksum, …' })),
  parent: t.Optional(t.String({ maxLength: 64, description: 'forks of this job' })),
  limit: queryInteger('page size', { minimum: 1, maximum: 500, default: 50 }),
  offset: queryInteger('items to skip', { minimum: 0, default: 0 }),
});
const stateQuery = t.Object({ at: queryInteger('a log position; default: the head', { minimum: 0 }) });
const chunksQuery = t.Object({
  attempt: t.Optional(documented(t.Union([int({ minimum: 1 }), t.Literal('all')], { description: 'an attempt number, or all; default: the current attempt' }))),
});
/** Read before routing: the guard takes a ticket in the query of an event stream (EventSource cannot send headers). */
const TICKET = ['ticket'] as const;

const loadJob = (s: Deps, id: string): JobView => {
  const j = findJob(s.db, id);
  if (!j) throw new AppError('not_found', `no job ${id}`);
  return j;
};

/**
 * The job as the API answers it: the read model plus the latest live
 * progress (SSE and REST agree), its output URLs signed for the job's folder
 * (so a player or an <img> on any page can fetch them without the token).
 */
const answer = async (s: Deps, j: JobView, granter?: (key: string) => string) => {
  const folder = `jobs/${j.id}/`;
  const grant = j.result ? (granter ? granter(folder) : await s.auth.outputs.grantFor(folder)) : '';
  const signed = (key: string) => (key.startsWith(folder) ? `${outputUrl(key)}?${grant}` : outputUrl(key));
  return jobDto(withLiveProgress(j, liveProgressOf(s.bus).percent(j.id, j.attempts)), presentResult(s.kinds, j.kind, j.result, signed));
};

/** Waits for the read models to apply `position`, then answers the job as it is now. */
const fresh = async (s: Deps, id: string, position: number) => {
  await s.projections.waitFor(position);
  return answer(s, loadJob(s, id));
};

/** `?attempt=N` (default: the job's current one) or `all`. */
const attemptFilter = (j: JobView, v: string | undefined): number | null => {
  if (v === 'all') return null;
  if (v === undefined || v === '') return j.attempts;
  if (!/^\d{1,9}$/.test(v) || Number(v) < 1)
    throw new AppError('validation', `attempt: a whole number from 1 (this job is on attempt ${j.attempts}), or "all"; got "${v}"`);
  return Number(v);
};

/** `?status=A,B` (any case), or undefined when absent. */
const parseStatuses = (v: string | undefined): JobStatusView[] | undefined => {
  if (!v) return undefined;
  const wanted = v.split(',').map((x) => x.trim().toUpperCase());
  const bad = wanted.filter((x) => !STATUSES.includes(x));
  if (bad.length) throw new AppError('validation', `status: one or more of ${STATUSES.join(', ')}, got "${bad.join(',')}"`);
  return wanted as JobStatusView[];
};

/** The list's filter from the query string; an empty parameter is no filter. */
const parseJobQuery = (q: Query): JobQuery => ({
  statuses: parseStatuses(q.status),
  assetId: q.assetId || undefined,
  presetId: q.presetId || undefined,
  kind: q.kind || undefined,
  parent: q.parent || undefined,
});

const listJobs = async (s: Deps, q: Query) => {
  const page = parsePage(q);
  const { rows, total } = queryJobs(s.db, parseJobQuery(q), page);
  const granter = await s.auth.outputs.granter();
  return { items: await Promise.all(rows.map((j) => answer(s, j, granter))), total };
};

/** The job's own stream and every chunk stream of every attempt, in log order. */
const jobEvents = async (s: Deps, id: string): Promise<StoredEvent[]> => {
  const own = await s.log.readStream(jobStream(id));
  if (own.length === 0) throw new AppError('not_found', `no job ${id}`);
  const chunks = chunksOfJob(s.db, id);
  const rest = await Promise.all(chunks.map((c) => s.log.readStream(chunkStream(c.job_id, c.n, c.attempt))));
  return [...own, ...rest.flat()].sort((a, b) => a.position - b.position);
};

export const jobsRoutes = (s: JobsRoutesDeps) => {
  liveProgressOf(s.bus); // listening from now: ticks heard before a job's first read count too
  return new Elysia({ prefix: '/jobs', detail: { tags: ['jobs'] } })
    .get('', ({ query }) => listJobs(s, query as Query), {
      query: listQuery,
      transform: strict({ body: false, query: listQuery }),
      detail: {
        summary: 'List jobs, newest first (filters: status, assetId, presetId, kind, parent; limit, offset)',
        responses: responses({ 200: json('JobList', 'A page of jobs') }, 400),
      },
    })
    .post(
      '',
      async ({ body, set }) => {
        const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
        const kind = typeof raw.kind === 'string' ? raw.kind : s.kinds.defaultKind;
        // A kind with request fields of its own (an asset and a preset) is asked in them; any other by { kind, params }.
        const fields = [...new Set(s.kinds.names().flatMap((k) => s.kinds.get(k)?.request?.fields ?? []))];
        const { kind: _kind, params, ...own } = objectBody(body, [...fields, 'kind', 'params']);
        const { jobId, position } = s.kinds.get(kind)?.request
          ? await submitRequest(s, { kind, fields: own })
          : await submitJob(s, { kind, params: (params ?? {}) as Record<string, unknown> });
        set.status = 201;
        return fresh(s, jobId, position);
      },
      {
        body: CreateJobBody,
        transform: strict({ body: CreateJobBody }),
        detail: {
          summary:
            'Create a job: { assetId, presetId, range? } for a transcode (range: { start, end } in seconds trims it), or { kind, params } (201 with the job)',
          responses: responses({ 201: json('Job', 'The job, as the read models show it now') }, 400, 404, 409, 503),
        },
      },
    )
    .get('/:id', ({ params }) => answer(s, loadJob(s, params.id)), {
      params: idParam,
      transform: strict({ body: false }),
      detail: { summary: 'One job', responses: responses({ 200: json('Job', 'The job') }, 404) },
    })
    .post(
      '/:id/cancel',
      async ({ params }) => {
        loadJob(s, params.id);
        const { position } = await cancelJob(s, params.id);
        return fresh(s, params.id, position);
      },
      {
        params: idParam,
        transform: strict({ body: false }),
        detail: {
          summary: 'Cancel a job: stops its ffmpeg processes and removes partial outputs (409 when already finished)',
          responses: responses({ 200: json('Job', 'The job, cancelled') }, 404, 409),
        },
      },
    )
    .post(
      '/:id/retry',
      async ({ params }) => {
        loadJob(s, params.id);
        const { position } = await retryJob(s, params.id, s.config.maxAttempts);
        return fresh(s, params.id, position);
      },
      {
        params: idParam,
        transform: strict({ body: false }),
        detail: {
          summary: 'Run a failed or cancelled job again as its next attempt (409 otherwise, or past MPR_MAX_ATTEMPTS)',
          responses: responses({ 200: json('Job', 'The job on its next attempt') }, 404, 409),
        },
      },
    )
    .get(
      '/:id/events',
      async ({ params, request }) => {
        if ((request.headers.get('accept') ?? '').includes('text/event-stream')) {
          loadJob(s, params.id);
          const after = await startAfter(s.log, parseResumePosition(request.headers.get('last-event-id'), undefined), () => 0);
          return sseResponse(s, { after, filter: jobFilter(params.id), signal: request.signal });
        }
        const items = await jobEvents(s, params.id);
        return { items, total: items.length };
      },
      {
        params: idParam,
        transform: strict({ body: false, alsoQuery: TICKET }),
        detail: {
          summary: "A job's events (its stream and its chunks'), in log order; SSE with Accept: text/event-stream",
          responses: responses(
            {
              200: {
                description: 'Its events as JSON, or as an endless event stream (Accept: text/event-stream; resumes from Last-Event-ID)',
                content: { 'application/json': { schema: ref('EventList') }, 'text/event-stream': { schema: { type: 'string' } } },
              },
            },
            404,
          ),
        },
      },
    )
    .get(
      '/:id/state',
      async ({ params, query }) => {
        loadJob(s, params.id);
        const at = optionalPosition('at', (query as Query).at) ?? (await s.log.head());
        return stateAt(s.log, jobStream(params.id), at);
      },
      {
        params: idParam,
        query: stateQuery,
        transform: strict({ body: false, query: stateQuery }),
        detail: {
          summary: "The job actor's state as of a log position (?at=POSITION; default: now)",
          responses: responses({ 200: json('StateAt', 'Its state then') }, 400, 404),
        },
      },
    )
    .post(
      '/:id/fork',
      async ({ params, body, set }) => {
        const b = objectBody(body, ['fromPosition', 'overrides', 'dryRun']);
        if (!Number.isInteger(b.fromPosition)) throw new AppError('validation', 'fromPosition: a log position (whole number) is required');
        const overrides = (b.overrides ?? {}) as Record<string, unknown>;
        if (typeof overrides !== 'object' || Array.isArray(overrides)) throw new AppError('validation', 'overrides: a JSON object of params to change');
        // Overrides are completed and checked like a new job's, dry run or not, so a preview shows the same 400 the fork would.
        const req = await prepareFork(s, { jobId: params.id, fromPosition: b.fromPosition as number, overrides });
        const plan = await planFork(s.log, req);
        await checkForkFits(s, plan);
        if (b.dryRun === true) return forkSummary(plan, req.overrides);
        const child = await forkJob(s.runtime, { ...req, at: s.now() });
        set.status = 201;
        return fresh(s, child, await s.log.head());
      },
      {
        params: idParam,
        body: ForkBody,
        transform: strict({ body: ForkBody }),
        detail: {
          summary: 'Re-run from an event: a new job that reuses the work recorded before fromPosition (dryRun: only say what it would do)',
          responses: responses({ 200: json('ForkSummary', 'dryRun: what the fork would reuse and run again'), 201: json('Job', 'The new job') }, 400, 404, 409),
        },
      },
    )
    .get(
      '/:id/chunks',
      ({ params, query }) => {
        const attempt = attemptFilter(loadJob(s, params.id), (query as Query).attempt);
        const items = chunksOfJob(s.db, params.id, attempt ?? undefined);
        return { items: items.map(chunkDto), total: items.length };
      },
      {
        params: idParam,
        query: chunksQuery,
        transform: strict({ body: false, query: chunksQuery }),
        detail: {
          summary: "A job's chunks of one attempt (default: the current one; ?attempt=N or all) for the lane chart",
          responses: responses({ 200: json('ChunkList', 'Its chunks') }, 400, 404),
        },
      },
    );
};
