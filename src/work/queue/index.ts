/**
 * The work queue: how chunks (and any other work item) travel from the
 * router that plans them to whoever runs them. Two implementations sit
 * beside this file — memory.ts (one process) and redis.ts (a consumer group
 * shared by any number of worker processes) — and contract.ts holds the
 * behaviour both must have.
 *
 * Delivery is at-least-once: an item may run twice (a taker stopped
 * mid-item, a router re-enqueued after a restart). Items' outputs go to
 * deterministic keys and their outcomes are appended with an expected
 * version, so a second run is harmless.
 */

/** Plain JSON: what to run, for which job. A chunk is { kind: 'transcode', jobId, itemId: 'chunk:<jobId>:<n>[:r<attempt>]', params: { n, attempt } }. */
export interface WorkItem {
  /** The job kind that runs it. */
  kind: string;
  jobId: string;
  /** Unique per item (the chunk's stream name, for chunks). */
  itemId: string;
  params: Record<string, unknown>;
}

export interface WorkQueue {
  /**
   * Adds an item. Resolves once the item is as durable as this queue gets:
   * Redis after XADD; the in-process queue, which does not survive a restart,
   * only once the item was taken and acknowledged, or dropped by cancel() —
   * so the router that enqueues (its stored position moves only past handled
   * events) delivers an unfinished item again after a crash.
   */
  enqueue(item: WorkItem): Promise<void>;
  /**
   * Takes items until `signal` aborts, at most `concurrency` at once, and runs
   * `handler` on each; the handler's end (resolve or reject) acknowledges the
   * item. While a handler runs, the item is kept alive (heartbeat); an item whose
   * taker stopped (its consume() signal aborted while the handler was still
   * running, or the process died) is taken again by another consumer after
   * `claimIdleMs`. The handler's signal aborts when consume()'s signal aborts.
   * Resolves after the signal aborted and in-flight handlers settled.
   *
   * A handler that settles after the signal aborted is not acknowledged: it
   * was stopped mid-item, and its item is taken again after `claimIdleMs`.
   */
  consume(
    handler: (item: WorkItem, signal: AbortSignal) => Promise<void>,
    opts: {
      concurrency: number;
      signal: AbortSignal;
      /**
       * A graceful stop: once it aborts, no item is taken any more and
       * consume() resolves when the handlers running settled. Items whose
       * handler is then stopped by `signal` (a drain past its deadline) are
       * handed back: another taker gets them at once, not after claimIdleMs.
       */
      drain?: AbortSignal;
    },
  ): Promise<void>;
  /** Items waiting, and items taken and not yet acknowledged, across all consumers. */
  depth(): Promise<{ waiting: number; pending: number }>;
  /** Drops the waiting items of a job (they will never be handed out); returns how many. Items already taken are not touched (their runner stops them). Items enqueued later for the same job are delivered normally (a retry reuses the job id). */
  cancel(jobId: string): Promise<number>;
}

/** Whether a parsed value has a WorkItem's shape (what a queue accepts back from storage). */
export const isWorkItem = (x: unknown): x is WorkItem => {
  if (x === null || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  return (
    typeof o.kind === 'string' &&
    typeof o.jobId === 'string' &&
    typeof o.itemId === 'string' &&
    o.params !== null &&
    typeof o.params === 'object' &&
    !Array.isArray(o.params)
  );
};
