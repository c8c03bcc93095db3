/**
 * Runs chunks: the effect behind a ChunkCreated, wherever it is executed —
 * by the worker loop of this process or of an `mpr worker` elsewhere, which
 * took the chunk's work item from the queue (in-process or Redis) that the
 * `chunk-work` router filled. It checks state first (a chunk already finished is
 * not run; one of a job that ended or moved to another attempt is recorded
 * as cancelled), records ChunkStarted before the work, retries retryable
 * failures, records the outcome on the chunk's stream, and keeps an abort
 * handle per running chunk so a cancel stops its ffmpeg at once.
 */
import { withRetries } from '../actors/failure-policy.ts';
import { isOpen, troublesOf } from '../actors/chunk.ts';
import { TERMINAL, type JobState } from '../actors/job.ts';
import { weightOf, type JobKinds, type WorkProgress } from '../actors/job-kind.ts';
import { actorsOf } from '../actors/registry.ts';
import { chunkStream } from '../events/chunk.ts';
import type { CommandMeta, Runtime } from '../actors/runtime.ts';
import { AppError, errorDetail, errorMessage, isAppError, stalledSecondsOf } from '../errors.ts';
import type { WorkerItem } from '../types/workers.ts';
import type { ProgressTracker } from './progress.ts';
import type { WorkItem } from './queue/index.ts';

/** Which chunk a work item is: `params` of a chunk item (see `chunkItem`). */
export interface ChunkRef {
  jobId: string;
  n: number;
  attempt: number;
}

/** Pure: the work item of a chunk: generic JSON the queue carries, named by the chunk's stream. */
export const chunkItem = (kind: string, ref: ChunkRef, itemId: string): WorkItem => ({
  kind,
  jobId: ref.jobId,
  itemId,
  params: { n: ref.n, attempt: ref.attempt },
});

/** Pure: the chunk a work item names, or null for an item that is not a chunk's. */
export const chunkRefOf = (item: WorkItem): ChunkRef | null => {
  const { n, attempt } = item.params;
  return Number.isInteger(n) && Number.isInteger(attempt) ? { jobId: item.jobId, n: n as number, attempt: attempt as number } : null;
};

export interface WorkStats {
  /** Chunks running in this process now. */
  busy: number;
  /** The pool's size (MPR_WORKERS). */
  size: number;
  /** Chunks this process finished, and failed, since it started. */
  done: number;
  failed: number;
}

/**
 * Keeps trying what the log refused for being unreachable (Redis down or
 * restarting) until it goes through or `signal` aborts: a chunk's outcome
 * must not be lost once its work is done, and its item is acknowledged once
 * the runner returns (a lost ChunkSucceeded would leave its job waiting for
 * ever). Other errors are thrown at once.
 */
const whileUnavailable = async <T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> => {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (!isAppError(e, 'unavailable') || signal.aborted) throw e;
      await Bun.sleep(Math.min(5_000, 100 * 2 ** i));
    }
  }
};

/** Pure: why a chunk is set aside as poison. */
export const poisonReason = (n: number, tries: number, last: string | null): string =>
  `work item ${n} lost its worker or stalled ${tries} times (MPR_MAX_ITEM_TRIES=${tries}), so it was set aside in the dead-letter list` +
  (last ? `; last: ${last}` : '');

export interface ChunkRunner {
  /** Runs one chunk's work item to its recorded end; returns without recording when stopped (the item is delivered again later). */
  run(item: WorkItem, signal: AbortSignal, meta: CommandMeta): Promise<void>;
  /** Stops this process's running chunks of a job (cancelled or failed). */
  abortJob(jobId: string): void;
  isRunning(jobId: string): boolean;
  stats(): WorkStats;
  /** The chunks running here now. */
  current(): WorkerItem[];
}

export const createChunkRunner = (d: {
  runtime: Runtime;
  kinds: JobKinds;
  now: () => string;
  progress: ProgressTracker;
  /** Tries per chunk before a retryable error fails it (unrecoverable ones fail at once). */
  chunkAttempts: number;
  /** Lost takes and stalls a chunk may have before it is dead-lettered (MPR_MAX_ITEM_TRIES). */
  maxItemTries: number;
  /** Reported as the pool's size. */
  size: number;
  /** This node's name, recorded on ChunkStarted. */
  worker: string;
}): ChunkRunner => {
  const { runtime, kinds, now } = d;
  const actors = actorsOf(runtime);
  const running = new Map<string, Set<AbortController>>();
  // Item ids running here: an item delivered twice at once (a router's re-delivery) runs once.
  const here = new Set<string>();
  const items = new Map<string, WorkerItem>();
  let done = 0;
  let failed = 0;

  /** Why a chunk of `attempt` must not run (its attempt is over), or null. */
  const overReason = (job: JobState, attempt: number): string | null =>
    job.attempt !== attempt ? `attempt ${attempt} was followed by attempt ${job.attempt}` : TERMINAL.has(job.status) ? `the job ${job.status}` : null;

  const loadJob = async (jobId: string) => (await actors.job(jobId).load()).state;

  /** Records the chunk as cancelled when its attempt has ended; true if so. */
  const cancelIfOver = async (chunk: ChunkRef, job: JobState, meta: CommandMeta) => {
    const reason = overReason(job, chunk.attempt);
    if (reason) await actors.chunk(chunk.jobId, chunk.n, chunk.attempt).execute({ type: 'CancelChunk', data: { reason, at: now() } }, meta);
    return reason !== null;
  };

  const run = async (item: WorkItem, signal: AbortSignal, meta: CommandMeta) => {
    const ref = chunkRefOf(item);
    if (!ref || here.has(item.itemId)) return;
    here.add(item.itemId);
    try {
      // Before the work and after it, the log may be unreachable for a while: wait for it rather than drop the item.
      await whileUnavailable(() => runChunk(ref, signal, meta), signal);
    } finally {
      here.delete(item.itemId);
    }
  };

  const runChunk = async (ref: ChunkRef, signal: AbortSignal, meta: CommandMeta) => {
    const { jobId, n, attempt } = ref;
    const actor = actors.chunk(jobId, n, attempt);
    const chunk = (await actor.load()).state;
    if (!isOpen(chunk) || chunk.status === 'held') return; // already finished, or held: a re-delivery
    const before = await loadJob(jobId);
    if (await cancelIfOver(ref, before, meta)) return;
    // Its job is paused: it waits out of the queue until the job resumes (then it is handed out again).
    if (before.paused && chunk.status === 'created') return void (await actor.execute({ type: 'HoldChunk', data: { at: now() } }, meta));
    const kind = kinds.get(chunk.kind);
    if (!kind) return void (await actor.execute({ type: 'FailChunk', data: { reason: `unknown job kind "${chunk.kind}"`, at: now() } }, meta));

    if (signal.aborted) return; // shutting down: the chunk is delivered again
    // A poison item: it killed or hung its takers often enough. Set aside, and its job fails with the reason.
    const past = troublesOf(chunk, false);
    if (past >= d.maxItemTries) {
      await actor.execute({ type: 'DeadLetterChunk', data: { reason: poisonReason(n, past, chunk.reason), at: now() } }, meta);
      failed++;
      return;
    }
    const ctl = new AbortController();
    const onStop = () => ctl.abort();
    signal.addEventListener('abort', onStop, { once: true });
    const mine = running.get(jobId) ?? new Set();
    running.set(jobId, mine.add(ctl));
    let succeeded = false;
    let stopped = false;
    let stalls = 0;
    let poisoned: string | null = null;
    const item: WorkerItem = { itemId: chunkStream(jobId, n, attempt), jobId, kind: chunk.kind, n, startedAt: now(), percent: null };
    items.set(item.itemId, item);
    try {
      await actor.execute({ type: 'StartChunk', data: { worker: d.worker, at: now() } }, meta);
      // Read after registering the abort handle: a cancel that came in
      // between the first check and now is seen here, not missed.
      const job = await loadJob(jobId);
      if (overReason(job, attempt)) ctl.abort();
      const weights = new Map((job.plan ?? []).map((c) => [c.n, weightOf(kinds, job.kind, c)]));
      d.progress.start(jobId, attempt, weights, Object.keys(job.done).map(Number), n);
      const ctx = {
        jobId,
        attempt,
        signal: ctl.signal,
        progress: (p: WorkProgress) => {
          item.percent = p.percent;
          d.progress.tick(jobId, n, p);
        },
      };
      // A stall (a watchdog killed a hung tool) is retried like a crash, and recorded: it is an operator's fact, not a progress tick.
      const once = () =>
        kind.run({ n, spec: chunk.spec }, chunk.params, ctx).catch(async (e: unknown) => {
          const stalledSeconds = stalledSecondsOf(e);
          if (stalledSeconds !== null && !ctl.signal.aborted) {
            const data = { worker: d.worker, stalledSeconds, reason: errorMessage(e), at: now() };
            await actor.execute({ type: 'RecordStall', data }, meta);
            stalls++;
            // Stalled once too often: no more tries, it goes to the dead-letter list below.
            if (past + stalls >= d.maxItemTries) {
              poisoned = poisonReason(n, past + stalls, errorMessage(e));
              throw new AppError('unrecoverable', poisoned, { cause: e });
            }
          }
          throw e;
        });
      const r = await withRetries(once, {
        attempts: d.chunkAttempts,
        backoffMs: 100,
        signal: ctl.signal,
      });
      const record = (cmd: Parameters<typeof actor.execute>[0]) => whileUnavailable(() => actor.execute(cmd, meta), signal);
      if (r.ok) {
        await record({ type: 'CompleteChunk', data: { result: r.value, at: now() } });
        succeeded = true;
        done++;
      } else if (r.outcome === 'fail' && poisoned) {
        await record({ type: 'DeadLetterChunk', data: { reason: poisoned, at: now() } });
        failed++;
      } else if (r.outcome === 'fail') {
        failed++;
        const reason = r.tries > 1 ? `${errorMessage(r.error)} (after ${r.tries} tries)` : errorMessage(r.error);
        await record({ type: 'FailChunk', data: { reason, detail: errorDetail(r.error), at: now() } });
      }
      // Stopped (shutdown or cancel) before an outcome of its own.
      stopped = !r.ok && r.outcome === 'stop';
    } finally {
      items.delete(item.itemId);
      d.progress.end(jobId, n, succeeded);
      signal.removeEventListener('abort', onStop);
      mine.delete(ctl);
      if (mine.size === 0) running.delete(jobId);
    }
    // Stopped by its job's end, not by shutdown (then it is delivered again):
    // recorded after the slot is free, so the attempt's cleanup is not held up.
    if (stopped && !signal.aborted) await cancelIfOver(ref, await loadJob(jobId), meta);
    // Stopped by this process's shutdown: handed back on purpose, so the next take is not counted as a lost one.
    else if (stopped) await actor.execute({ type: 'HandBackChunk', data: { worker: d.worker, at: now() } }, meta).catch(() => undefined);
  };

  return {
    run,
    abortJob: (jobId) => {
      for (const c of running.get(jobId) ?? []) c.abort();
    },
    isRunning: (jobId) => running.has(jobId),
    stats: () => ({ busy: [...running.values()].reduce((a, set) => a + set.size, 0), size: d.size, done, failed }),
    current: () => [...items.values()].map((i) => ({ ...i })),
  };
};
