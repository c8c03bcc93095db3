/**
 * The scale-out work queue: a Redis stream (`<prefix>work`) read by a
 * consumer group, so any number of `mpr worker` processes on any number of
 * machines share the items. A worker acknowledges an item (XACK, then XDEL,
 * so the stream holds only waiting and pending items) once its handler
 * ended; while it works it re-claims its own entries every `heartbeatMs`,
 * which keeps their idle time low. An entry idle longer than `claimIdleMs`
 * belongs to a worker that died or stopped: the next worker to look takes
 * it over (XAUTOCLAIM) and runs it again — outputs go to deterministic keys
 * and the chunk decider records one outcome, so a second run is harmless.
 *
 * Items are at-least-once: the enqueuing router may add the same item
 * twice after a restart; the runner checks the item's state before work.
 */
import type { Redis } from 'ioredis';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { isWorkItem, type WorkItem, type WorkQueue } from './index.ts';

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

const itemOf = (fields: string[]): WorkItem | null => {
  const i = Array.isArray(fields) ? fields.indexOf('item') : -1;
  if (i < 0) return null;
  try {
    const x: unknown = JSON.parse(fields[i + 1] ?? '');
    return isWorkItem(x) ? x : null;
  } catch {
    return null;
  }
};

// The scripts check that this consumer still owns the entry (XPENDING with a
// consumer filter), so a worker that stalled past claimIdleMs and wakes up
// neither steals back (heartbeat) nor acks and deletes (ack) the entry that
// another worker has taken over meanwhile.

/** KEYS[1] stream; ARGV group, consumer, id. Acknowledges and deletes the entry if this consumer holds it. */
const ACK = `
if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2]) == 0 then return 0 end
redis.call('XACK', KEYS[1], ARGV[1], ARGV[3])
redis.call('XDEL', KEYS[1], ARGV[3])
return 1`;

/** KEYS[1] stream; ARGV group, consumer, ids…. Resets the idle time of the entries this consumer still holds. */
const BEAT = `
local n = 0
for i = 3, #ARGV do
  if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1, ARGV[2]) > 0 then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
    n = n + 1
  end
end
return n`;

/** KEYS[1] stream; ARGV group, consumer, idle ms, id. Hands an entry this consumer holds back: idle at once, so the next worker to look takes it. */
const HAND_BACK = `
if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[4], ARGV[4], 1, ARGV[2]) == 0 then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[4], 'IDLE', ARGV[3], 'JUSTID')
return 1`;

/** KEYS[1] stream; ARGV group, ids…. Deletes the entries that no consumer has taken. */
const DROP = `
local n = 0
for i = 2, #ARGV do
  if #redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1) == 0 then
    n = n + redis.call('XDEL', KEYS[1], ARGV[i])
  end
end
return n`;

/** NOGROUP: the stream or group is missing; UNBLOCKED: it was deleted under a blocked XREADGROUP. */
const isGroupGone = (e: unknown) => /NOGROUP|UNBLOCKED/.test(String((e as Error)?.message ?? e));

const PAGE = 500;

/** Pure: the queue's timings for a reclaim time: a live taker beats six times in it, and a read blocks at most a tenth of it (≤ 1 s). */
export const reclaimTimings = (seconds: number) => ({
  claimIdleMs: seconds * 1000,
  heartbeatMs: Math.round((seconds * 1000) / 6),
  blockMs: Math.min(1000, Math.round((seconds * 1000) / 10)),
});

export const createRedisWorkQueue = (opts: {
  redis: Redis;
  prefix: string;
  /** This process's name in the group (unique per worker process). */
  consumer: string;
  claimIdleMs?: number;
  heartbeatMs?: number;
  /** How long one XREADGROUP blocks; bounds how fast consume() notices an abort. */
  blockMs?: number;
  /** Told (warn) when the group was found gone and is made again. */
  logger?: Pick<Logger, 'warn'>;
}): WorkQueue => {
  const { redis, consumer } = opts;
  const key = `${opts.prefix}work`;
  const claimIdleMs = opts.claimIdleMs ?? 60_000;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const blockMs = opts.blockMs ?? 1_000;

  let groupReady: Promise<void> | null = null;
  // Set from the first NOGROUP until the group is made again: every call in flight sees the loss, one warns.
  let lost = false;
  const ensureGroup = () =>
    (groupReady ??= redis
      .call('XGROUP', 'CREATE', key, GROUP, '0', 'MKSTREAM')
      .then(() => {
        lost = false;
      })
      .catch((e: Error) => {
        if (!String(e.message).includes('BUSYGROUP')) {
          groupReady = null;
          throw e;
        }
      }));
  /**
   * Runs `fn` with the group in place. The group can vanish under us (Redis
   * restarted empty, the key deleted): a NOGROUP (or UNBLOCKED) answer recreates it, from
   * id 0 so entries added since (XADD recreates a bare stream) are delivered.
   */
  const withGroup = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (let tries = 1; ; tries++) {
      await ensureGroup();
      try {
        return await fn();
      } catch (e) {
        // A few tries: a blocked read can see the key go, and go again while it retries.
        if (!isGroupGone(e) || tries >= 3) throw e;
        groupReady = null;
        if (!lost) {
          lost = true;
          opts.logger?.warn(
            `the work queue's consumer group "${GROUP}" on ${key} is gone (Redis was flushed or came back without its data): making it again; items queued before are lost`,
          );
        }
      }
    }
  };
  const ack = (id: string) => withGroup(() => redis.call('EVAL', ACK, '1', key, GROUP, consumer, id));
  const handBack = (id: string) => withGroup(() => redis.call('EVAL', HAND_BACK, '1', key, GROUP, consumer, String(claimIdleMs + 1), id));

  return {
    async enqueue(item) {
      if (!isWorkItem(item)) throw new AppError('validation', 'a work item needs string kind, jobId and itemId and an object params');
      // No check for the group here: XADD makes a bare stream if Redis lost it, and the first
      // reader's NOGROUP makes the group again from id 0, so this item is still delivered.
      await ensureGroup();
      await redis.call('XADD', key, '*', 'item', JSON.stringify(item));
    },

    async consume(handler, { concurrency, signal, drain }) {
      if (signal.aborted || drain?.aborted) return;
      await ensureGroup();
      // A blocking read holds its connection: the reader gets its own.
      const reader = redis.duplicate();
      const inFlight = new Map<string, Promise<void>>();
      const beat = setInterval(() => {
        const ids = [...inFlight.keys()];
        if (ids.length) void withGroup(() => redis.call('EVAL', BEAT, '1', key, GROUP, consumer, ...ids)).catch(() => undefined);
      }, heartbeatMs);
      // Stopping ends the heartbeat at once: the items still running become claimable after claimIdleMs.
      let onAbort = () => {};
      const stopped = new Promise<void>((resolve) => {
        onAbort = () => {
          clearInterval(beat);
          resolve();
        };
      });
      signal.addEventListener('abort', onAbort, { once: true });
      // A drain ends the wait for a free slot; a blocked read ends within blockMs.
      let onDrain = () => {};
      const drained = new Promise<void>((resolve) => (onDrain = resolve));
      drain?.addEventListener('abort', onDrain, { once: true });
      const taking = () => !signal.aborted && !drain?.aborted;
      const start = (id: string, fields: string[]) => {
        const item = itemOf(fields);
        const work = (async () => {
          try {
            if (item) await handler(item, signal);
          } catch {
            // A rejection ends the item as a resolve does: the runner records failures itself.
          }
          try {
            // Stopped mid-item: leave it pending, so another worker (or this one, restarted) claims it —
            // at once when this worker was drained first (handed back), else after claimIdleMs.
            if (!signal.aborted || !item) await ack(id);
            else if (drain?.aborted) await handBack(id);
          } catch {
            // Redis unreachable: the entry stays pending and is run again after claimIdleMs.
          } finally {
            inFlight.delete(id);
          }
        })();
        inFlight.set(id, work);
      };
      try {
        while (taking()) {
          const free = concurrency - inFlight.size;
          if (free <= 0) {
            await Promise.race([...inFlight.values(), stopped, drained]);
            continue;
          }
          // Items of workers that died first, then new ones.
          const claimed = (await withGroup(() => redis.call('XAUTOCLAIM', key, GROUP, consumer, String(claimIdleMs), '0', 'COUNT', String(free)))) as [
            string,
            (Entry | null)[],
          ];
          // An entry of our own shows up when a heartbeat came late: it is still running here.
          for (const e of claimed[1] ?? []) {
            if (!e?.[1] || inFlight.has(e[0])) continue;
            if (taking()) start(e[0], e[1]);
            else if (drain?.aborted) await handBack(e[0]).catch(() => undefined);
          }
          if (!taking() || inFlight.size >= concurrency) continue;
          const res = await withGroup(() =>
            reader.call('XREADGROUP', 'GROUP', GROUP, consumer, 'COUNT', String(concurrency - inFlight.size), 'BLOCK', String(blockMs), 'STREAMS', key, '>'),
          );
          // Read as the signal aborted: left pending with us, claimed by another worker after claimIdleMs;
          // read as a drain began: handed back at once.
          if (signal.aborted) break;
          for (const [id, fields] of readEntries(res)) {
            if (!fields) continue;
            if (taking()) start(id, fields);
            else await handBack(id).catch(() => undefined);
          }
        }
      } finally {
        drain?.removeEventListener('abort', onDrain);
        // The heartbeat goes on while drained handlers finish; a stop ends it (onAbort).
        await Promise.allSettled(inFlight.values());
        clearInterval(beat);
        signal.removeEventListener('abort', onAbort);
        reader.disconnect();
      }
    },

    depth: () =>
      withGroup(async () => {
        // XPENDING first: it answers NOGROUP for a missing stream or group, which withGroup repairs.
        const [count] = (await redis.call('XPENDING', key, GROUP)) as [number | string, ...unknown[]];
        const pending = Number(count);
        const groups = (await redis.call('XINFO', 'GROUPS', key)) as unknown[][];
        const g = groups.map((x) => Object.fromEntries(Array.from({ length: x.length / 2 }, (_, i) => [x[2 * i], x[2 * i + 1]]))).find((x) => x.name === GROUP);
        if (!g) throw new Error('NOGROUP the work group vanished between two calls');
        // Redis reports no lag once entries after the group's last delivery were deleted (a cancel); then
        // the stream holds exactly the waiting and pending items (acks delete theirs).
        const lag = g.lag === null || g.lag === undefined ? null : Number(g.lag);
        const waiting = lag ?? Math.max(0, Number(await redis.call('XLEN', key)) - pending);
        return { waiting, pending };
      }),

    cancel: (jobId) =>
      withGroup(async () => {
        let dropped = 0;
        let from = '-';
        for (;;) {
          const page = (await redis.call('XRANGE', key, from, '+', 'COUNT', String(PAGE))) as Entry[];
          const ids = page.filter(([, fields]) => itemOf(fields)?.jobId === jobId).map(([id]) => id);
          // One script per page: an entry taken between the check and the delete would be lost to its taker.
          if (ids.length) dropped += Number(await redis.call('EVAL', DROP, '1', key, GROUP, ...ids));
          if (page.length < PAGE) return dropped;
          from = `(${page.at(-1)![0]}`;
        }
      }),
  };
};
