/**
 * The process managers that move jobs along:
 * - `jobs`: JobCreated/JobForked → plan; JobPlanned/JobForked → spawn chunk
 *   actors; ChunkReported → complete when every chunk reported; JobCancelled
 *   or JobFailed → abort the job's running chunks.
 * - `chunk-work`: ChunkCreated → run the work (the effect) → ChunkSucceeded
 *   or ChunkFailed.
 * - `chunk-reports`: ChunkSucceeded / ChunkFailed → ReportChunk / FailJob.
 * Every step checks state first, so a re-delivered event has no second effect.
 */
import { errorMessage, isAppError } from '../errors.ts';
import { chunkStream, type ChunkEvent } from '../events/chunk.ts';
import { jobStream, type JobEvent } from '../events/job.ts';
import { streamId } from '../events/index.ts';
import type { StoredEvent } from '../events/types.ts';
import type { JobKinds } from '../work/kinds.ts';
import { chunkDecider } from './chunk.ts';
import { jobDecider, missingChunks, TERMINAL } from './job.ts';
import type { Router } from './router.ts';
import type { CommandMeta, Runtime } from './runtime.ts';

export interface JobRouterDeps {
  runtime: Runtime;
  kinds: JobKinds;
  now: () => string;
  /** Chunks run at once in this process. */
  workConcurrency: number;
  /** Tries per chunk before a retryable error fails it (unrecoverable ones fail at once). */
  chunkAttempts: number;
}

export const createJobRouters = (d: JobRouterDeps): Router[] => {
  const { runtime, kinds, now } = d;
  /** Abort controllers of the chunks this process is running, by job. */
  const running = new Map<string, Set<AbortController>>();

  const metaFor = (e: StoredEvent, actor: string, jobId: string): CommandMeta => ({ actor, causationId: String(e.position), correlationId: jobId });

  const failJob = (jobId: string, reason: string, meta: CommandMeta) =>
    runtime.execute(jobStream(jobId), jobDecider, { type: 'FailJob', data: { reason, at: now() } }, meta);

  const advance = async (jobId: string, e: StoredEvent, spawn: boolean, signal: AbortSignal) => {
    const meta = metaFor(e, 'router:jobs', jobId);
    const { state } = await runtime.load(jobStream(jobId), jobDecider);
    const kind = kinds.get(state.kind);
    if (TERMINAL.has(state.status) || state.status === 'none') return;
    if (!kind) return void (await failJob(jobId, `unknown job kind "${state.kind}"`, meta));

    if (state.status === 'created') {
      let chunks;
      try {
        chunks = await kind.plan(state.params, signal);
      } catch (err) {
        if (signal.aborted) return;
        if (!isAppError(err, 'validation') && !isAppError(err, 'unrecoverable')) throw err;
        return void (await failJob(jobId, `planning failed: ${errorMessage(err)}`, meta));
      }
      await runtime.execute(jobStream(jobId), jobDecider, { type: 'PlanJob', data: { chunks, at: now() } }, meta);
      return; // JobPlanned comes back through this router and spawns the chunks
    }

    const missing = missingChunks(state);
    if (missing.length === 0) {
      const results = [...state.plan!].sort((a, b) => a.n - b.n).map((c) => state.done[String(c.n)]);
      const result = kind.combine(results, state.params);
      await runtime.execute(jobStream(jobId), jobDecider, { type: 'CompleteJob', data: { result, at: now() } }, meta);
    } else if (spawn) {
      await Promise.all(
        missing.map((c) =>
          runtime.execute(
            chunkStream(jobId, c.n),
            chunkDecider,
            { type: 'CreateChunk', data: { jobId, n: c.n, kind: state.kind, spec: c.spec, params: state.params, at: now() } },
            meta,
          ),
        ),
      );
    }
  };

  const jobs: Router = {
    name: 'jobs',
    types: new Set<JobEvent['type']>(['JobCreated', 'JobForked', 'JobPlanned', 'ChunkReported', 'JobCancelled', 'JobFailed']),
    concurrency: 8,
    async handle(e, signal) {
      const jobId = streamId(e.stream);
      if (e.type === 'JobCancelled' || e.type === 'JobFailed') {
        for (const c of running.get(jobId) ?? []) c.abort();
        return;
      }
      await advance(jobId, e, e.type !== 'ChunkReported', signal);
    },
  };

  const runChunk = async (e: StoredEvent<ChunkEvent>, signal: AbortSignal) => {
    const { jobId, n } = e.data;
    const meta = metaFor(e, 'router:chunk-work', jobId);
    const stream = chunkStream(jobId, n);
    const chunk = (await runtime.load(stream, chunkDecider)).state;
    if (chunk.status !== 'created') return; // already finished: a re-delivery
    const job = (await runtime.load(jobStream(jobId), jobDecider)).state;
    if (TERMINAL.has(job.status)) return;
    const kind = kinds.get(chunk.kind);
    if (!kind) return void (await runtime.execute(stream, chunkDecider, { type: 'FailChunk', data: { reason: `unknown job kind "${chunk.kind}"`, at: now() } }, meta));

    if (signal.aborted) return; // shutting down: the next start re-delivers this chunk
    const ctl = new AbortController();
    const onStop = () => ctl.abort();
    signal.addEventListener('abort', onStop, { once: true });
    const mine = running.get(jobId) ?? new Set();
    running.set(jobId, mine.add(ctl));
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await kind.run({ n, spec: chunk.spec }, chunk.params, ctl.signal);
          await runtime.execute(stream, chunkDecider, { type: 'CompleteChunk', data: { result, at: now() } }, meta);
          return;
        } catch (err) {
          // Stopped (shutdown or cancel): record nothing; a restart re-delivers the chunk.
          if (ctl.signal.aborted) return;
          const final = isAppError(err, 'unrecoverable') || isAppError(err, 'validation') || attempt >= d.chunkAttempts;
          if (final) {
            const reason = attempt > 1 ? `${errorMessage(err)} (after ${attempt} tries)` : errorMessage(err);
            await runtime.execute(stream, chunkDecider, { type: 'FailChunk', data: { reason, at: now() } }, meta);
            return;
          }
          await Bun.sleep(100 * 2 ** (attempt - 1));
        }
      }
    } finally {
      signal.removeEventListener('abort', onStop);
      mine.delete(ctl);
      if (mine.size === 0) running.delete(jobId);
    }
  };

  // Work and reporting are separate routers so that a report never queues
  // behind long-running work for other chunks.
  const work: Router = {
    name: 'chunk-work',
    types: new Set<ChunkEvent['type']>(['ChunkCreated']),
    concurrency: Math.max(1, d.workConcurrency),
    handle: (e, signal) => runChunk(e as StoredEvent<ChunkEvent>, signal),
  };

  const reports: Router = {
    name: 'chunk-reports',
    types: new Set<ChunkEvent['type']>(['ChunkSucceeded', 'ChunkFailed']),
    concurrency: 8,
    async handle(ev) {
      const e = ev as StoredEvent<ChunkEvent>;
      const meta = metaFor(e, 'router:chunk-reports', e.data.jobId);
      if (e.type === 'ChunkSucceeded') {
        await runtime.execute(jobStream(e.data.jobId), jobDecider, { type: 'ReportChunk', data: { n: e.data.n, result: e.data.result, at: now() } }, meta);
      } else if (e.type === 'ChunkFailed') {
        await failJob(e.data.jobId, `chunk ${e.data.n} failed: ${e.data.reason}`, meta);
      }
    },
  };

  return [jobs, work, reports];
};
