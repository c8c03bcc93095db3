/**
 * Runs chunks: the effect behind a ChunkCreated, wherever it is executed —
 * by the local `chunk-work` router, or by a worker that took the chunk from
 * the Redis work queue. It checks state first (a chunk already finished is
 * not run; one of a job that ended or moved to another attempt is recorded
 * as cancelled), records ChunkStarted before the work, retries retryable
 * failures, records the outcome on the chunk's stream, and keeps an abort
 * handle per running chunk so a cancel stops its ffmpeg at once.
 */
import { chunkDecider, isOpen } from '../actors/chunk.ts';
import { jobDecider, TERMINAL, type JobState } from '../actors/job.ts';
import type { CommandMeta, Runtime } from '../actors/runtime.ts';
import { errorMessage, isAppError } from '../errors.ts';
import { chunkStream } from '../events/chunk.ts';
import { jobStream } from '../events/job.ts';
import type { JobKinds, WorkProgress } from './kinds.ts';
import type { ProgressTracker } from './progress.ts';

export interface ChunkRef {
  jobId: string;
  n: number;
  attempt: number;
}

export interface WorkStats {
  /** Chunks running in this process now. */
  busy: number;
  /** The pool's size (MPR_WORKERS). */
  size: number;
}

export interface ChunkRunner {
  /** Runs one chunk to its recorded end; returns without recording when stopped (the chunk is delivered again later). */
  run(ref: ChunkRef, signal: AbortSignal, meta: CommandMeta): Promise<void>;
  /** Stops this process's running chunks of a job (cancelled or failed). */
  abortJob(jobId: string): void;
  isRunning(jobId: string): boolean;
  stats(): WorkStats;
}

/** The tool output an error carries (ffmpeg's stderr tail), if any. */
export const detailOf = (err: unknown): string | null => {
  const d = (err as { stderrTail?: unknown } | null)?.stderrTail;
  return typeof d === 'string' && d.length > 0 ? d : null;
};

export const createChunkRunner = (d: {
  runtime: Runtime;
  kinds: JobKinds;
  now: () => string;
  progress: ProgressTracker;
  /** Tries per chunk before a retryable error fails it (unrecoverable ones fail at once). */
  chunkAttempts: number;
  /** Reported as the pool's size. */
  size: number;
  /** This node's name, recorded on ChunkStarted. */
  worker: string;
}): ChunkRunner => {
  const { runtime, kinds, now } = d;
  const running = new Map<string, Set<AbortController>>();

  /** Why a chunk of `attempt` must not run (its attempt is over), or null. */
  const overReason = (job: JobState, attempt: number): string | null =>
    job.attempt !== attempt ? `attempt ${attempt} was followed by attempt ${job.attempt}` : TERMINAL.has(job.status) ? `the job ${job.status}` : null;

  const loadJob = async (jobId: string) => (await runtime.load(jobStream(jobId), jobDecider)).state;

  /** Records the chunk as cancelled when its attempt has ended; true if so. */
  const cancelIfOver = async (stream: string, job: JobState, attempt: number, meta: CommandMeta) => {
    const reason = overReason(job, attempt);
    if (reason) await runtime.execute(stream, chunkDecider, { type: 'CancelChunk', data: { reason, at: now() } }, meta);
    return reason !== null;
  };

  const run = async ({ jobId, n, attempt }: ChunkRef, signal: AbortSignal, meta: CommandMeta) => {
    const stream = chunkStream(jobId, n, attempt);
    const chunk = (await runtime.load(stream, chunkDecider)).state;
    if (!isOpen(chunk)) return; // already finished: a re-delivery
    if (await cancelIfOver(stream, await loadJob(jobId), attempt, meta)) return;
    const kind = kinds.get(chunk.kind);
    if (!kind) return void (await runtime.execute(stream, chunkDecider, { type: 'FailChunk', data: { reason: `unknown job kind "${chunk.kind}"`, at: now() } }, meta));

    if (signal.aborted) return; // shutting down: the chunk is delivered again
    const ctl = new AbortController();
    const onStop = () => ctl.abort();
    signal.addEventListener('abort', onStop, { once: true });
    const mine = running.get(jobId) ?? new Set();
    running.set(jobId, mine.add(ctl));
    let succeeded = false;
    let stopped = false;
    try {
      await runtime.execute(stream, chunkDecider, { type: 'StartChunk', data: { worker: d.worker, at: now() } }, meta);
      // Read after registering the abort handle: a cancel that came in
      // between the first check and now is seen here, not missed.
      const job = await loadJob(jobId);
      if (overReason(job, attempt)) ctl.abort();
      d.progress.start(jobId, attempt, job.plan ?? [], Object.keys(job.done).map(Number), n);
      const ctx = { jobId, attempt, signal: ctl.signal, progress: (p: WorkProgress) => d.progress.tick(jobId, n, p) };
      for (let tries = 1; !ctl.signal.aborted; tries++) {
        try {
          const result = await kind.run({ n, spec: chunk.spec }, chunk.params, ctx);
          await runtime.execute(stream, chunkDecider, { type: 'CompleteChunk', data: { result, at: now() } }, meta);
          succeeded = true;
          break;
        } catch (err) {
          if (ctl.signal.aborted) break;
          const final = isAppError(err, 'unrecoverable') || isAppError(err, 'validation') || isAppError(err, 'corrupt') || tries >= d.chunkAttempts;
          if (final) {
            const reason = tries > 1 ? `${errorMessage(err)} (after ${tries} tries)` : errorMessage(err);
            await runtime.execute(stream, chunkDecider, { type: 'FailChunk', data: { reason, detail: detailOf(err), at: now() } }, meta);
            break;
          }
          await Bun.sleep(100 * 2 ** (tries - 1));
        }
      }
      // Stopped (shutdown or cancel) before an outcome of its own.
      stopped = !succeeded && ctl.signal.aborted;
    } finally {
      d.progress.end(jobId, n, succeeded);
      signal.removeEventListener('abort', onStop);
      mine.delete(ctl);
      if (mine.size === 0) running.delete(jobId);
    }
    // Stopped by its job's end, not by shutdown (then it is delivered again):
    // recorded after the slot is free, so the attempt's cleanup is not held up.
    if (stopped && !signal.aborted) await cancelIfOver(stream, await loadJob(jobId), attempt, meta);
  };

  return {
    run,
    abortJob: (jobId) => {
      for (const c of running.get(jobId) ?? []) c.abort();
    },
    isRunning: (jobId) => running.has(jobId),
    stats: () => ({ busy: [...running.values()].reduce((a, set) => a + set.size, 0), size: d.size }),
  };
};
