/**
 * The `work-dispatch` router: hands each chunk to the work queue as a work
 * item (ChunkCreated, or ChunkReleased when its paused job resumed → enqueue), and drops a job's waiting items when the
 * job ends (JobCancelled / JobFailed → cancel), whichever queue it is: the
 * in-process one or the Redis consumer group. One path for local and remote
 * work: takers run items with the runner (worker.ts).
 */
import type { Router } from '../actors/router.ts';
import { chunkStream } from '../events/chunk.ts';
import { streamId } from '../events/index.ts';
import type { WorkQueue } from './queue/index.ts';
import { chunkItem } from './runner.ts';

/** Waits for `p`, or for the signal to abort, whichever comes first (the listener goes when `p` settles). */
const untilStopped = async (p: Promise<void>, signal: AbortSignal): Promise<void> => {
  if (signal.aborted) return;
  let onAbort = () => {};
  const stopped = new Promise<void>((resolve) => (onAbort = resolve));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([p, stopped]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
};

export const createDispatchRouter = (d: {
  queue: WorkQueue;
  /**
   * Items handed over at once. The in-process queue accepts an item only
   * once it has run (it keeps nothing over a restart), so this is how many
   * wait in it at most: more than its takers, so none of them idles.
   */
  concurrency: number;
}): Router => ({
  name: 'chunk-work',
  types: new Set(['ChunkCreated', 'ChunkReleased', 'JobCancelled', 'JobFailed']),
  concurrency: Math.max(1, d.concurrency),
  async handle(e, signal) {
    if (e.type === 'JobCancelled' || e.type === 'JobFailed') {
      await d.queue.cancel(streamId(e.stream));
      return;
    }
    if (e.type !== 'ChunkCreated' && e.type !== 'ChunkReleased') return;
    const ref = { jobId: e.data.jobId, n: e.data.n, attempt: e.data.attempt ?? 1 };
    const accepted = d.queue.enqueue(chunkItem(e.data.kind, ref, chunkStream(ref.jobId, ref.n, ref.attempt)));
    // Shutting down: the in-process queue will not accept it now; leaving the
    // event unhandled keeps the router's position below it, so the next start
    // hands the item over again.
    await untilStopped(accepted, signal);
  },
});
