/**
 * The scale-out work queue: a Redis stream (`<prefix>work`) read by a
 * consumer group, so any number of `mpr worker` processes on any number of
 * machines share the chunks. A worker acknowledges an item (XACK) once the
 * chunk's outcome is in the log; while it works it re-claims its own
 * entries every `heartbeatMs`, which keeps their idle time low. An entry
 * idle longer than `claimIdleMs` belongs to a worker that died: the next
 * worker to look takes it over (XAUTOCLAIM) and runs the chunk again —
 * outputs go to deterministic keys and the chunk decider records one
 * outcome, so a second run is harmless.
 *
 * Items are at-least-once: the enqueuing router may add the same chunk
 * twice after a restart; the runner checks the chunk's state before work.
 */
import type { Redis } from 'ioredis';
import type { ChunkRef } from '../chunk-runner.ts';

export interface WorkQueue {
  enqueue(ref: ChunkRef): Promise<void>;
  /** Takes items until the signal aborts, at most `concurrency` at once. */
  consume(handler: (ref: ChunkRef, signal: AbortSignal) => Promise<void>, opts: { concurrency: number; signal: AbortSignal }): Promise<void>;
  /** Items waiting plus items being worked on, across all workers. */
  depth(): Promise<{ waiting: number; pending: number }>;
}

type Entry = [id: string, fields: string[]];

const GROUP = 'workers';

/**
 * The entries of a one-stream XREADGROUP reply. ioredis 6's `call()` gives
 * `[key, entries]` for one stream, older clients `[[key, entries]]`, and a
 * RESP3 mapping `{ key: entries }`: all are accepted.
 */
export const readEntries = (reply: unknown): Entry[] => {
  if (reply === null || typeof reply !== 'object') return [];
  if (!Array.isArray(reply)) return (Object.values(reply)[0] as Entry[] | undefined) ?? [];
  if (typeof reply[0] === 'string') return (reply[1] as Entry[] | undefined) ?? [];
  return ((reply[0] as [string, Entry[]] | undefined)?.[1] as Entry[] | undefined) ?? [];
};

const refOf = (fields: string[]): ChunkRef | null => {
  const i = Array.isArray(fields) ? fields.indexOf('ref') : -1;
  try {
    const r = JSON.parse(fields[i + 1] ?? '') as ChunkRef;
    return typeof r.jobId === 'string' && Number.isInteger(r.n) && Number.isInteger(r.attempt) ? r : null;
  } catch {
    return null;
  }
};

export const createRedisWorkQueue = (opts: {
  redis: Redis;
  prefix: string;
  /** This process's name in the group (unique per worker process). */
  consumer: string;
  claimIdleMs?: number;
  heartbeatMs?: number;
  /** How long one XREADGROUP blocks; bounds how fast consume() notices an abort. */
  blockMs?: number;
}): WorkQueue => {
  const key = `${opts.prefix}work`;
  const claimIdleMs = opts.claimIdleMs ?? 60_000;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const blockMs = opts.blockMs ?? 1_000;
  let groupReady: Promise<void> | null = null;
  const ensureGroup = () =>
    (groupReady ??= opts.redis
      .call('XGROUP', 'CREATE', key, GROUP, '0', 'MKSTREAM')
      .then(() => undefined)
      .catch((e: Error) => {
        if (!String(e.message).includes('BUSYGROUP')) {
          groupReady = null;
          throw e;
        }
      }));

  return {
    async enqueue(ref) {
      await ensureGroup();
      await opts.redis.call('XADD', key, '*', 'ref', JSON.stringify(ref));
    },

    async consume(handler, { concurrency, signal }) {
      await ensureGroup();
      // A blocking read holds its connection: the reader gets its own.
      const reader = opts.redis.duplicate();
      const inFlight = new Map<string, Promise<void>>();
      const beat = setInterval(() => {
        const ids = [...inFlight.keys()];
        if (ids.length) void opts.redis.call('XCLAIM', key, GROUP, opts.consumer, '0', ...ids, 'JUSTID').catch(() => undefined);
      }, heartbeatMs);
      const start = (id: string, fields: string[]) => {
        const ref = refOf(fields);
        const work = (async () => {
          try {
            if (ref) await handler(ref, signal);
            // Stopped mid-chunk: leave it pending, so another worker (or this one, restarted) claims it.
            if (!signal.aborted || !ref) await opts.redis.call('XACK', key, GROUP, id);
          } catch {
            // The handler records chunk failures itself; an error here (the log unreachable) leaves the item to be claimed again.
          } finally {
            inFlight.delete(id);
          }
        })();
        inFlight.set(id, work);
      };
      try {
        while (!signal.aborted) {
          const free = concurrency - inFlight.size;
          if (free <= 0) {
            await Promise.race(inFlight.values());
            continue;
          }
          // Items of workers that died first, then new ones.
          const claimed = (await opts.redis.call('XAUTOCLAIM', key, GROUP, opts.consumer, String(claimIdleMs), '0', 'COUNT', String(free))) as [string, Entry[]];
          for (const [id, fields] of claimed[1] ?? []) if (fields) start(id, fields);
          if (inFlight.size >= concurrency) continue;
          const res = await reader.call('XREADGROUP', 'GROUP', GROUP, opts.consumer, 'COUNT', String(concurrency - inFlight.size), 'BLOCK', String(blockMs), 'STREAMS', key, '>');
          for (const [id, fields] of readEntries(res)) if (fields) start(id, fields);
        }
      } finally {
        clearInterval(beat);
        await Promise.allSettled(inFlight.values());
        reader.disconnect();
      }
    },

    async depth() {
      await ensureGroup();
      const groups = (await opts.redis.call('XINFO', 'GROUPS', key)) as unknown[][];
      const g = groups.map((x) => Object.fromEntries(Array.from({ length: x.length / 2 }, (_, i) => [x[2 * i], x[2 * i + 1]]))).find((x) => x.name === GROUP);
      return { waiting: Number(g?.lag ?? 0), pending: Number(g?.pending ?? 0) };
    },
  };
};
