/**
 * The worker registry shared by every node on one Redis: one hash,
 * `<prefix>workers`, field = worker id, value = the worker's info as JSON.
 * Each worker writes only its own field (a heartbeat replaces it whole), so
 * no write needs a script; any node may read the hash and drops the entries
 * gone long enough (HDEL, harmless if two nodes do it at once). Each beat
 * also pushes the hash's expiry out, so a cluster whose workers all went away
 * leaves nothing behind.
 *
 * Ownership: the client is the system's, shared with the log and the queue.
 */
import type { Redis } from 'ioredis';
import {
  snapshotOf,
  checkBeat,
  DEFAULT_RETENTION,
  isPrunable,
  ordered,
  type Retention,
  stoppedOf,
  type WorkerInfo,
  type WorkerRegistry,
  workerOf,
} from './index.ts';

const parse = (text: string): WorkerInfo | null => {
  try {
    return workerOf(JSON.parse(text));
  } catch {
    return null;
  }
};

export const createRedisWorkerRegistry = (o: {
  redis: Redis;
  prefix: string;
  lostAfterMs: number;
  /** Epoch milliseconds (tests move it). */
  clock?: () => number;
  retention?: Retention;
}): WorkerRegistry => {
  const { redis } = o;
  const key = `${o.prefix}workers`;
  const clock = o.clock ?? Date.now;
  const keep = o.retention ?? DEFAULT_RETENTION;
  // Longer than any entry is kept, so the expiry only ever drops a hash of the long gone.
  const ttlMs = o.lostAfterMs + Math.max(keep.keepLostMs, keep.keepStoppedMs) + 60_000;

  const list = async () => {
    const now = clock();
    const all = await redis.hgetall(key);
    const kept: WorkerInfo[] = [];
    const drop: string[] = [];
    for (const [id, text] of Object.entries(all)) {
      const w = parse(text);
      if (!w || w.id !== id || isPrunable(w, now, o.lostAfterMs, keep)) drop.push(id);
      else kept.push(w);
    }
    if (drop.length > 0) await redis.hdel(key, ...drop);
    return ordered(kept, now, o.lostAfterMs);
  };

  return {
    lostAfterMs: o.lostAfterMs,
    async beat(info) {
      checkBeat(info);
      const entry: WorkerInfo = { ...info, lastBeat: new Date(clock()).toISOString() };
      const replies = await redis.multi().hset(key, info.id, JSON.stringify(entry)).pexpire(key, ttlMs).exec();
      // A transaction's commands fail one by one inside its reply, not as a rejection.
      const failed = replies?.find(([e]) => e)?.[0];
      if (failed) throw failed;
    },
    async markStopped(id) {
      const text = await redis.hget(key, id);
      const w = text === null ? null : parse(text);
      if (w) await redis.hset(key, id, JSON.stringify(stoppedOf(w, new Date(clock()).toISOString())));
    },
    async remove(id) {
      await redis.hdel(key, id);
    },
    list,
    snapshot: async () => snapshotOf(await list(), o.lostAfterMs),
  };
};
