/**
 * The worker registry of one process (no REDIS_URL): the process is the one
 * node, so a map is the whole registry. Entries are copied in and out, so a
 * caller holding a listed worker cannot change what is stored.
 */
import { snapshotOf, checkBeat, DEFAULT_RETENTION, isPrunable, ordered, type Retention, stoppedOf, type WorkerInfo, type WorkerRegistry } from './index.ts';

export const createMemoryWorkerRegistry = (o: { lostAfterMs: number; clock?: () => number; retention?: Retention }): WorkerRegistry => {
  const clock = o.clock ?? Date.now;
  const keep = o.retention ?? DEFAULT_RETENTION;
  const entries = new Map<string, WorkerInfo>();

  const list = async () => {
    const now = clock();
    for (const [id, w] of entries) if (isPrunable(w, now, o.lostAfterMs, keep)) entries.delete(id);
    return ordered(
      [...entries.values()].map((w) => structuredClone(w)),
      now,
      o.lostAfterMs,
    );
  };

  return {
    lostAfterMs: o.lostAfterMs,
    async beat(info) {
      checkBeat(info);
      entries.set(info.id, structuredClone({ ...info, lastBeat: new Date(clock()).toISOString() }));
    },
    async markStopped(id) {
      const w = entries.get(id);
      if (w) entries.set(id, stoppedOf(w, new Date(clock()).toISOString()));
    },
    async remove(id) {
      entries.delete(id);
    },
    list,
    snapshot: async () => snapshotOf(await list(), o.lostAfterMs),
  };
};
