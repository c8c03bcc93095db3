/**
 * The in-process work queue: items live in this process only, so it gives
 * durability the other way round — enqueue() resolves only once the item was
 * acknowledged (or cancelled). The enqueuing router moves its stored
 * position past an event only after its handler resolved, so a crash before
 * the item finished replays the event and enqueues the item again.
 *
 * Several consume() loops may share one queue (the worker pool, or tests
 * modelling two takers). A loop whose signal aborts while a handler still
 * runs leaves that item "orphaned": no heartbeat any more, so after
 * `claimIdleMs` another loop takes it over, as a Redis consumer group would.
 */
import { AppError } from '../../errors.ts';
import { isWorkItem, type WorkItem, type WorkQueue } from './index.ts';

interface Entry {
  /** The item as JSON: every taker gets a fresh copy, as it would from Redis. */
  json: string;
  jobId: string;
  itemId: string;
  state: 'waiting' | 'taken' | 'orphaned';
  /** The consume() loop that holds it now; a late settle by an earlier holder must not ack. */
  holder: symbol | null;
  orphanedAt: number;
  /** The enqueue() calls waiting for this item's ack (several when it was enqueued twice). */
  settle: (() => void)[];
}

export const createMemoryWorkQueue = (opts: { claimIdleMs?: number } = {}): WorkQueue => {
  const claimIdleMs = opts.claimIdleMs ?? 60_000;
  const waiting: Entry[] = [];
  /** Taken or orphaned, in the order first taken (the order orphans are reclaimed in). */
  const held = new Set<Entry>();
  /** Waiting or held items by itemId: a second enqueue of one joins the first. */
  const byId = new Map<string, Entry>();
  const pokes = new Set<() => void>();
  const wakeAll = () => {
    for (const poke of pokes) poke();
  };

  const finish = (e: Entry) => {
    byId.delete(e.itemId);
    held.delete(e);
    for (const resolve of e.settle.splice(0)) resolve();
  };

  // Orphans whose idle time is up come first, as XAUTOCLAIM does before XREADGROUP.
  const take = (holder: symbol): Entry | undefined => {
    const now = Date.now();
    for (const e of held) {
      if (e.state === 'orphaned' && now - e.orphanedAt >= claimIdleMs) {
        e.state = 'taken';
        e.holder = holder;
        return e;
      }
    }
    const e = waiting.shift();
    if (e) {
      e.state = 'taken';
      e.holder = holder;
      held.add(e);
    }
    return e;
  };

  const nextReclaimIn = (): number | null => {
    let at: number | null = null;
    for (const e of held) if (e.state === 'orphaned') at = Math.min(at ?? Infinity, e.orphanedAt + claimIdleMs);
    return at === null ? null : Math.max(0, at - Date.now());
  };

  return {
    enqueue(item: WorkItem) {
      if (!isWorkItem(item)) return Promise.reject(new AppError('validation', 'a work item needs string kind, jobId and itemId and an object params'));
      const json = JSON.stringify(item);
      return new Promise<void>((resolve) => {
        const same = byId.get(item.itemId);
        if (same) {
          same.settle.push(resolve);
          return;
        }
        const e: Entry = { json, jobId: item.jobId, itemId: item.itemId, state: 'waiting', holder: null, orphanedAt: 0, settle: [resolve] };
        waiting.push(e);
        byId.set(e.itemId, e);
        wakeAll();
      });
    },

    async consume(handler, { concurrency, signal, drain }) {
      if (signal.aborted || drain?.aborted) return;
      const me = Symbol('consumer');
      const running = new Set<Entry>();
      const inFlight = new Set<Promise<void>>();
      let nudge: (() => void) | null = null;
      const poke = () => {
        const n = nudge;
        nudge = null;
        n?.();
      };
      const onAbort = () => {
        // The heartbeat stops here: what this loop still runs becomes takeable after claimIdleMs,
        // or at once when it was drained first (handed back on purpose).
        const now = drain?.aborted ? Date.now() - claimIdleMs : Date.now();
        for (const e of running) {
          if (e.holder === me) {
            e.state = 'orphaned';
            e.orphanedAt = now;
          }
        }
        wakeAll();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      drain?.addEventListener('abort', poke, { once: true });
      pokes.add(poke);

      const run = (e: Entry) => {
        running.add(e);
        const item = JSON.parse(e.json) as WorkItem;
        const work = (async () => {
          try {
            await handler(item, signal);
          } catch {
            // A rejection ends the item as a resolve does: the runner records failures itself.
          }
          running.delete(e);
          if (!signal.aborted && e.holder === me) finish(e);
        })();
        inFlight.add(work);
        void work.then(() => {
          inFlight.delete(work);
          poke();
        });
      };

      try {
        while (!signal.aborted && !drain?.aborted) {
          if (inFlight.size < concurrency) {
            const e = take(me);
            if (e) {
              run(e);
              continue;
            }
          }
          // Sleep until an enqueue, a free slot, the abort, or an orphan's idle time running out.
          let timer: ReturnType<typeof setTimeout> | undefined;
          await new Promise<void>((resolve) => {
            nudge = resolve;
            const ms = inFlight.size < concurrency ? nextReclaimIn() : null;
            if (ms !== null) timer = setTimeout(poke, ms + 1);
          });
          clearTimeout(timer);
        }
      } finally {
        pokes.delete(poke);
        drain?.removeEventListener('abort', poke);
        // Still listening: a stop while the last handlers run orphans (or hands back) their items.
        await Promise.allSettled(inFlight);
        signal.removeEventListener('abort', onAbort);
      }
    },

    async depth() {
      return { waiting: waiting.length, pending: held.size };
    },

    async cancel(jobId) {
      const dropped = waiting.filter((e) => e.jobId === jobId);
      if (dropped.length === 0) return 0;
      const kept = waiting.filter((e) => e.jobId !== jobId);
      waiting.splice(0, waiting.length, ...kept);
      for (const e of dropped) finish(e);
      return dropped.length;
    },
  };
};
