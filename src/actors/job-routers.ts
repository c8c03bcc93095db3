/**
 * The process managers that move jobs along:
 * - `jobs`: JobCreated/JobForked → plan; JobPlanned/JobForked → spawn chunk
 *   actors; ChunkReported → complete when every chunk reported; JobCancelled
 *   or JobFailed → abort the job's running chunks.
 * - `chunk-work`: ChunkCreated → run the work (the effect) → ChunkSucceeded
 *   or ChunkFailed.
 * - `chunk-reports`: ChunkSucceeded / ChunkFailed → ReportChunk / FailJob.
 * - `job-cleanup`: JobFailed / JobCancelled → the kind discards that
 *   attempt's partial outputs.
 * Every step checks state first, so a re-delivered event has no second effect.
 */
import { errorMessage, isAppError } from '../errors.ts';
import { chunkStream, type ChunkEvent } from '../events/chunk.ts';
import { jobStream, type JobEvent } from '../events/job.ts';
import { streamId } from '../events/index.ts';
import type { StoredEvent } from '../events/types.ts';
import type { ChunkRunner } from '../work/chunk-runner.ts';
import { detailOf } from '../work/chunk-runner.ts';
import type { JobKinds } from '../work/kinds.ts';
import { chunkDecider } from './chunk.ts';
import { jobDecider, missingChunks, TERMINAL, type JobState } from './job.ts';
import { stateAt } from './replay.ts';
import type { Router } from './router.ts';
import type { CommandMeta, Runtime } from './runtime.ts';

export interface JobRouterDeps {
  runtime: Runtime;
  kinds: JobKinds;
  now: () => string;
  /** Chunks run at once in this process (the local pool). */
  workConcurrency: number;
  runner: ChunkRunner;
  /** Scale-out: hand chunks to the shared work queue instead of running them here. */
  enqueue?: (ref: { jobId: string; n: number; attempt: number }) => Promise<void>;
}

export const createJobRouters = (d: JobRouterDeps): Router[] => {
  const { runtime, kinds, now } = d;

  const metaFor = (e: StoredEvent, actor: string, jobId: string): CommandMeta => ({ actor, causationId: String(e.position), correlationId: jobId });

  const failJob = (jobId: string, reason: string, meta: CommandMeta, extra: { detail?: string | null; attempt?: number } = {}) =>
    runtime.execute(jobStream(jobId), jobDecider, { type: 'FailJob', data: { reason, ...extra, at: now() } }, meta);

  const advance = async (jobId: string, e: StoredEvent, spawn: boolean, signal: AbortSignal) => {
    const meta = metaFor(e, 'router:jobs', jobId);
    const { state } = await runtime.load(jobStream(jobId), jobDecider);
    const kind = kinds.get(state.kind);
    if (TERMINAL.has(state.status) || state.status === 'none') return;
    if (!kind) return void (await failJob(jobId, `unknown job kind "${state.kind}"`, meta));

    const ctx = { jobId, attempt: state.attempt, signal };
    const attempt = state.attempt;
    if (state.status === 'created') {
      let chunks;
      try {
        chunks = await kind.plan(state.params, ctx);
      } catch (err) {
        if (signal.aborted) return;
        if (isAppError(err, 'unavailable')) throw err; // storage or a service is down: the router retries
        return void (await failJob(jobId, `planning failed: ${errorMessage(err)}`, meta, { detail: detailOf(err), attempt }));
      }
      await runtime.execute(jobStream(jobId), jobDecider, { type: 'PlanJob', data: { chunks, at: now() } }, meta);
      return; // JobPlanned comes back through this router and spawns the chunks
    }

    const missing = missingChunks(state);
    if (missing.length === 0) {
      const results = [...state.plan!].sort((a, b) => a.n - b.n).map((c) => state.done[String(c.n)]);
      let result: unknown;
      try {
        result = kind.combine(results, state.params);
        if (kind.finish) result = await kind.finish(result, state.params, ctx);
      } catch (err) {
        if (signal.aborted) return;
        if (isAppError(err, 'unavailable')) throw err;
        return void (await failJob(jobId, `finishing failed: ${errorMessage(err)}`, meta, { detail: detailOf(err), attempt }));
      }
      await runtime.execute(jobStream(jobId), jobDecider, { type: 'CompleteJob', data: { result, at: now() } }, meta);
    } else if (spawn) {
      await Promise.all(
        missing.map((c) =>
          runtime.execute(
            chunkStream(jobId, c.n, attempt),
            chunkDecider,
            { type: 'CreateChunk', data: { jobId, n: c.n, attempt, kind: state.kind, spec: c.spec, params: state.params, at: now() } },
            meta,
          ),
        ),
      );
    }
  };

  const jobs: Router = {
    name: 'jobs',
    types: new Set<JobEvent['type']>(['JobCreated', 'JobForked', 'JobPlanned', 'ChunkReported', 'JobCancelled', 'JobFailed', 'JobRetried']),
    concurrency: 8,
    async handle(e, signal) {
      const jobId = streamId(e.stream);
      if (e.type === 'JobCancelled' || e.type === 'JobFailed') {
        d.runner.abortJob(jobId);
        return;
      }
      await advance(jobId, e, e.type !== 'ChunkReported', signal);
    },
  };

  // Work and reporting are separate routers so that a report never queues
  // behind long-running work for other chunks.
  const work: Router = {
    name: 'chunk-work',
    types: new Set<ChunkEvent['type']>(['ChunkCreated']),
    concurrency: d.enqueue ? 8 : Math.max(1, d.workConcurrency),
    handle: async (ev, signal) => {
      const e = ev as StoredEvent<ChunkEvent>;
      const ref = { jobId: e.data.jobId, n: e.data.n, attempt: e.data.attempt ?? 1 };
      if (d.enqueue) return d.enqueue(ref);
      await d.runner.run(ref, signal, metaFor(e, 'router:chunk-work', ref.jobId));
    },
  };

  const reports: Router = {
    name: 'chunk-reports',
    types: new Set<ChunkEvent['type']>(['ChunkSucceeded', 'ChunkFailed']),
    concurrency: 8,
    async handle(ev) {
      const e = ev as StoredEvent<ChunkEvent>;
      const meta = metaFor(e, 'router:chunk-reports', e.data.jobId);
      const attempt = e.data.attempt ?? 1;
      if (e.type === 'ChunkSucceeded') {
        await runtime.execute(jobStream(e.data.jobId), jobDecider, { type: 'ReportChunk', data: { n: e.data.n, result: e.data.result, attempt, at: now() } }, meta);
      } else if (e.type === 'ChunkFailed') {
        await failJob(e.data.jobId, e.data.reason, meta, { detail: e.data.detail ?? null, attempt });
      }
    },
  };

  const cleanup: Router = {
    name: 'job-cleanup',
    types: new Set<JobEvent['type']>(['JobFailed', 'JobCancelled']),
    concurrency: 4,
    async handle(e) {
      const jobId = streamId(e.stream);
      // The state as of this event: a later retry must not lose the new attempt's outputs.
      const state = (await stateAt(runtime.log, e.stream, e.position)).state as JobState;
      const kind = kinds.get(state.kind);
      // Running chunks stop first (the jobs router aborts them); wait for them so no upload lands after the cleanup.
      for (let i = 0; i < 50 && d.runner.isRunning(jobId); i++) await Bun.sleep(20);
      await kind?.discard?.(state.params, { jobId, attempt: state.attempt });
    },
  };

  return [jobs, work, reports, cleanup];
};
