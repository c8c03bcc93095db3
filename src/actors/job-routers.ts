/**
 * The process managers that move jobs along:
 * - `jobs`: JobCreated/JobForked → plan; JobPlanned/JobForked → spawn chunk
 *   actors; ChunkReported → complete when every chunk reported. A staged
 *   job goes stage by stage (job-stages.ts): JobStageFinished and
 *   JobResumed move it on.
 * - `job-control`: a paused job's chunks that were held are released when
 *   it resumes (JobResumed, or a ChunkHeld that came after the resume).
 * - `chunk-reports`: ChunkSucceeded / ChunkFailed → ReportChunk / FailJob.
 * - `job-cleanup`: once an attempt has ended (JobFailed, JobCancelled, a
 *   retry) and no taker of its chunks is still at work, the kind discards
 *   that attempt's partial outputs.
 * Handing chunks to workers is the work layer's router (src/work/dispatch.ts).
 * Every step checks state first, so a re-delivered event has no second effect.
 */
import { errorDetail, errorMessage } from '../errors.ts';
import type { ChunkSpec } from '../events/job.ts';
import { streamId, type LoggedEvent } from '../events/index.ts';
import { fold } from './decider.ts';
import { withRetries } from './failure-policy.ts';
import { missingChunks, TERMINAL, type JobState } from './job.ts';
import { planTooLarge, type JobKinds } from './job-kind.ts';
import { advanceStaged } from './job-stages.ts';
import { actorsOf, STREAMS } from './registry.ts';
import { stateAt } from './replay.ts';
import type { Router } from './router.ts';
import type { CommandMeta, Runtime } from './runtime.ts';

export interface JobRouterDeps {
  runtime: Runtime;
  kinds: JobKinds;
  now: () => string;
  /** Tries of a job's planning and finishing steps before the job fails (the failure policy decides which errors are retried). */
  stepAttempts?: number;
  stepBackoffMs?: number;
}

/** Whether an attempt of a job is over: a later attempt began, or this one failed or was cancelled. */
export const attemptOver = (job: JobState, attempt: number): boolean => job.attempt !== attempt || job.status === 'failed' || job.status === 'cancelled';

export const createJobRouters = (d: JobRouterDeps): Router[] => {
  const { runtime, kinds, now } = d;
  const actors = actorsOf(runtime);
  const retry = { attempts: d.stepAttempts ?? 3, backoffMs: d.stepBackoffMs ?? 100 };

  const metaFor = (e: LoggedEvent, actor: string, jobId: string): CommandMeta => ({ actor, causationId: String(e.position), correlationId: jobId });

  const failJob = (jobId: string, reason: string, meta: CommandMeta, extra: { detail?: string | null; attempt?: number } = {}) =>
    actors.job(jobId).execute({ type: 'FailJob', data: { reason, ...extra, at: now() } }, meta);

  const advance = async (jobId: string, e: LoggedEvent, spawn: boolean, signal: AbortSignal) => {
    const meta = metaFor(e, 'router:jobs', jobId);
    const { state } = await actors.job(jobId).load();
    const kind = kinds.get(state.kind);
    if (TERMINAL.has(state.status) || state.status === 'none') return;
    if (!kind) return void (await failJob(jobId, `unknown job kind "${state.kind}"`, meta));

    const ctx = { jobId, attempt: state.attempt, signal };
    const attempt = state.attempt;
    const spawnChunks = (chunks: ChunkSpec[]) =>
      Promise.all(
        chunks.map((c) =>
          actors
            .chunk(jobId, c.n, attempt)
            .execute({ type: 'CreateChunk', data: { jobId, n: c.n, attempt, kind: state.kind, spec: c.spec, params: state.params, at: now() } }, meta),
        ),
      ).then(() => undefined);
    if (kind.stages) {
      const deps = {
        actors,
        now,
        retry,
        fail: (reason: string, detail: string | null) => failJob(jobId, reason, meta, { detail, attempt }).then(() => undefined),
        spawn: (chunks: ChunkSpec[]) => (spawn ? spawnChunks(chunks) : Promise.resolve()),
        tooLarge: (count: number) => planTooLarge(kinds, state.kind, state.params, count),
      };
      return advanceStaged(deps, kind, kind.stages, state, meta, signal);
    }
    if (state.status === 'created') {
      if (!kind.plan) return void (await failJob(jobId, `job kind "${state.kind}" cannot plan`, meta));
      const plan = kind.plan;
      const planned = await withRetries(() => plan(state.params, ctx), { ...retry, signal });
      if (!planned.ok) {
        if (planned.outcome === 'stop') return;
        return void (await failJob(jobId, `planning failed: ${errorMessage(planned.error)}`, meta, { detail: errorDetail(planned.error), attempt }));
      }
      // Checked again here, not only on submission: a retry plans afresh and MPR_MAX_CHUNKS may have changed since.
      const refused = planTooLarge(kinds, state.kind, state.params, planned.value.length);
      if (refused) return void (await failJob(jobId, refused, meta, { attempt }));
      await actors.job(jobId).execute({ type: 'PlanJob', data: { chunks: planned.value, at: now() } }, meta);
      return; // JobPlanned comes back through this router and spawns the chunks
    }

    const missing = missingChunks(state);
    if (missing.length === 0) {
      const results = [...state.plan!].sort((a, b) => a.n - b.n).map((c) => state.done[String(c.n)]);
      const finished = await withRetries(
        async () => {
          const combined = kind.combine(results, state.params);
          return kind.finish ? kind.finish(combined, state.params, ctx) : combined;
        },
        { ...retry, signal },
      );
      if (!finished.ok) {
        if (finished.outcome === 'stop') return;
        return void (await failJob(jobId, `finishing failed: ${errorMessage(finished.error)}`, meta, { detail: errorDetail(finished.error), attempt }));
      }
      await actors.job(jobId).execute({ type: 'CompleteJob', data: { result: finished.value, at: now() } }, meta);
    } else if (spawn) {
      await spawnChunks(missing);
    }
  };

  const jobs: Router = {
    name: 'jobs',
    types: new Set(['JobCreated', 'JobForked', 'JobPlanned', 'ChunkReported', 'JobRetried', 'JobStageFinished', 'JobResumed']),
    concurrency: 8,
    async handle(e, signal) {
      await advance(streamId(e.stream), e, e.type !== 'ChunkReported', signal);
    },
  };

  /** Releases the held chunks of a job that is not paused (any more). */
  const releaseHeld = async (jobId: string, e: LoggedEvent) => {
    const meta = metaFor(e, 'router:job-control', jobId);
    const { state: job } = await actors.job(jobId).load();
    if (job.paused || TERMINAL.has(job.status)) return;
    for (const c of missingChunks(job)) {
      const chunk = actors.chunk(jobId, c.n, job.attempt);
      if ((await chunk.load()).state.status === 'held') await chunk.execute({ type: 'ReleaseChunk', data: { at: now() } }, meta);
    }
  };

  const control: Router = {
    name: 'job-control',
    types: new Set(['JobResumed', 'ChunkHeld']),
    concurrency: 4,
    async handle(e) {
      if (e.type === 'JobResumed') await releaseHeld(streamId(e.stream), e);
      else if (e.type === 'ChunkHeld') await releaseHeld(e.data.jobId, e);
    },
  };

  const reports: Router = {
    name: 'chunk-reports',
    types: new Set(['ChunkSucceeded', 'ChunkFailed']),
    concurrency: 8,
    async handle(e) {
      if (e.type !== 'ChunkSucceeded' && e.type !== 'ChunkFailed') return;
      const meta = metaFor(e, 'router:chunk-reports', e.data.jobId);
      const attempt = e.data.attempt ?? 1;
      // A late result of an attempt that is over is dropped by the job decider (it reports only to the current attempt).
      if (e.type === 'ChunkSucceeded') {
        await actors.job(e.data.jobId).execute({ type: 'ReportChunk', data: { n: e.data.n, result: e.data.result, attempt, at: now() } }, meta);
      } else {
        await failJob(e.data.jobId, e.data.reason, meta, { detail: e.data.detail ?? null, attempt });
      }
    },
  };

  /** True when no chunk of the attempt is held by a taker: every one that started has finished, so nothing more will be uploaded. */
  const noTakerAtWork = async (job: JobState, attempt: number): Promise<boolean> => {
    for (const c of job.plan ?? []) {
      if ((await actors.chunk(job.id, c.n, attempt).load()).state.status === 'started') return false;
    }
    return true;
  };

  /** The job as it was in `attempt` (its plan and params), from its stream: a later retry has replaced them in the current state. */
  const attemptState = async (jobId: string, attempt: number): Promise<JobState | null> => {
    const d = STREAMS.job.decider;
    let state = d.initial();
    let found: JobState | null = null;
    for (const ev of await runtime.log.readStream(STREAMS.job.id(jobId))) {
      state = fold(d, [ev], state);
      if (state.attempt === attempt) found = state;
    }
    return found;
  };

  const discard = async (job: JobState, attempt: number) => {
    await kinds.get(job.kind)?.discard?.(job.params, { jobId: job.id, attempt });
  };

  // An attempt's outputs are discarded only once no taker of its chunks —
  // local or on another machine — is still at work, so a late upload cannot
  // land after the discard: the attempt's end discards when nothing is taken,
  // else the last taker's own end (its chunk's outcome) does.
  const cleanup: Router = {
    name: 'job-cleanup',
    types: new Set(['JobFailed', 'JobCancelled', 'ChunkSucceeded', 'ChunkFailed', 'ChunkCancelled']),
    concurrency: 4,
    async handle(e) {
      if (e.type === 'JobFailed' || e.type === 'JobCancelled') {
        // The state as of this event: a later retry must not lose the new attempt's outputs.
        const job = (await stateAt(runtime.log, e.stream, e.position)).state as JobState;
        if (await noTakerAtWork(job, job.attempt)) await discard(job, job.attempt);
        return;
      }
      if (e.type !== 'ChunkSucceeded' && e.type !== 'ChunkFailed' && e.type !== 'ChunkCancelled') return;
      const attempt = e.data.attempt ?? 1;
      const { state: job } = await actors.job(e.data.jobId).load();
      if (!job.plan || !attemptOver(job, attempt)) return;
      // Only a chunk that was taken can have written anything.
      const events = await runtime.log.readStream(e.stream);
      if (!events.some((x) => x.type === 'ChunkStarted' && x.position < e.position)) return;
      const then = attempt === job.attempt ? job : await attemptState(job.id, attempt);
      if (then && (await noTakerAtWork(then, attempt))) await discard(then, attempt);
    },
  };

  return [jobs, reports, cleanup, control];
};
