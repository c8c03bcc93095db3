/**
 * The scale-out event log on Redis Streams: one stream per actor
 * (`<prefix>log:s:<stream>`, entry ids `<version>-0`) plus one global stream
 * (`<prefix>log:all`, entry ids `<position>-0`). Positions come from a
 * counter (`<prefix>log:pos`) inside the append script, so they are plain
 * integers as in SQLite while still being the global stream's ids. Both
 * streams hold the whole event (stream, version, position, type, data, meta),
 * so either can be read, repaired or exported on its own.
 *
 * One Lua script checks the expected version and appends to both streams:
 * Redis runs it alone, so no reader ever sees one side without the other,
 * and a position becomes visible only together with every position below it.
 * Redis does not roll a script back when a command in it fails, so the
 * script makes every check before its first write.
 *
 * Durability is the server's. Run Redis with `appendonly yes` and
 * `appendfsync everysec` (a crash of the machine loses up to about a second
 * of acknowledged appends) or `appendfsync always` (loses none, at a cost in
 * append latency). RDB snapshots alone lose everything since the last
 * snapshot, and without persistence a restart loses the whole log. With a
 * replica, an append acknowledged by the primary can still be lost on
 * failover (replication is asynchronous). A script's writes reach the AOF as
 * one unit, so a torn append is never replayed.
 *
 * In Redis Cluster all keys of one log must share a hash slot: give it a
 * prefix with a hash tag, e.g. `{mpr}:`. The client must not set ioredis'
 * own `keyPrefix`; the log's `prefix` does that job.
 *
 * Ownership: the log never quits the client it is given (the caller shares
 * it with the bus and the router positions and disconnects it).
 * `close()` ends the live subscriptions and the connections they opened.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LogReplaced, VersionConflict } from '../../errors.ts';
import type { NewEvent, StoredEvent } from '../types.ts';
import { decodeEvent, encodeEvents, type CorruptReporter } from './codec.ts';
import { type AppendResult, type EventLog, type LogIdentity, logChange, newEpoch } from './index.ts';

export interface RedisLogOptions {
  redis: Redis;
  /** Namespaces every key, e.g. `mpr:`; ends with a separator. */
  prefix: string;
  maxEventBytes: number;
  now: () => string;
  onCorrupt: CorruptReporter;
  /** How long one blocking read waits before re-checking for close/abort (default 2000). */
  blockMs?: number;
}

// KEYS: actor stream, global stream, position counter, epoch.
// ARGV: expected version, stream name, a fresh epoch id, then type, data, meta for each event.
// Returns {1, version, position} or, on a stale expected version, {0, actual, 0}.
// The epoch is set with the log's first event (SET NX: a log from before
// epochs gets one with its next append), so a log that comes back empty gets a new one.
const APPEND_SCRIPT = `
local top = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
local version = 0
if #top > 0 then version = tonumber(string.match(top[1][1], '^%d+')) end
if version ~= tonumber(ARGV[1]) then return {0, version, 0} end
local pos = tonumber(redis.call('GET', KEYS[3]) or '0')
if pos == nil then return redis.error_reply('ERR ' .. KEYS[3] .. ' does not hold a position') end
local gtop = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
if #gtop > 0 and tonumber(string.match(gtop[1][1], '^%d+')) > pos then
  return redis.error_reply('ERR ' .. KEYS[3] .. ' is behind ' .. KEYS[2] .. ': the position counter was changed by hand; set it to the global stream last id')
end
for i = 4, #ARGV, 3 do
  version = version + 1
  pos = pos + 1
  local fields = {'stream', ARGV[2], 'version', string.format('%d', version), 'position', string.format('%d', pos), 'type', ARGV[i], 'data', ARGV[i + 1], 'meta', ARGV[i + 2]}
  redis.call('XADD', KEYS[2], string.format('%d-0', pos), unpack(fields))
  redis.call('XADD', KEYS[1], string.format('%d-0', version), unpack(fields))
end
redis.call('SET', KEYS[3], string.format('%d', pos))
redis.call('SET', KEYS[4], ARGV[3], 'NX')
return {1, version, pos}
`;
const APPEND_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');

/** Entries per XRANGE/XREAD reply: bounds how long one command holds the server. */
const PAGE = 1000;

type Entry = [id: string, fields: string[]];

const idNumber = (id: string) => Number.parseInt(id, 10);

const fieldsOf = (fields: string[]): Record<string, string> => {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out;
};

/**
 * The entries of a one-stream XREAD reply, null on timeout. ioredis gives
 * `[[key, entries]]` by default and `{ key: entries }` with
 * `replyMapping: 'resp3'`; both are accepted so the caller's client options
 * do not matter.
 */
const xreadEntries = (reply: unknown): Entry[] => {
  if (reply === null || typeof reply !== 'object') return [];
  const first: unknown = Array.isArray(reply) ? reply[0] : Object.values(reply)[0];
  if (Array.isArray(first)) return Array.isArray(first[1]) ? (first[1] as Entry[]) : [];
  return [];
};

const isNoScript = (e: unknown) => e instanceof Error && e.message.startsWith('NOSCRIPT');

export const createRedisLog = (opts: RedisLogOptions): EventLog => {
  const { redis, prefix } = opts;
  const blockMs = opts.blockMs ?? 2000;
  const globalKey = `${prefix}log:all`;
  const counterKey = `${prefix}log:pos`;
  const epochKey = `${prefix}log:epoch`;
  const streamKey = (stream: string) => `${prefix}log:s:${stream}`;
  /** Ends a live subscription: one per subscribe() that went live. */
  const stops = new Set<() => void>();
  let closed = false;

  const decodeEntry = ([id, raw]: Entry, idIs: 'position' | 'version'): StoredEvent => {
    const f = fieldsOf(raw);
    // The id is authoritative for what it numbers; a missing payload field
    // decodes as '' and so is reported as corrupt rather than thrown.
    return decodeEvent(
      {
        stream: f.stream ?? '',
        version: idIs === 'version' ? idNumber(id) : Number(f.version),
        position: idIs === 'position' ? idNumber(id) : Number(f.position),
        type: f.type ?? '',
        data: f.data ?? '',
        meta: f.meta ?? '',
      },
      opts.onCorrupt,
    );
  };

  const readAll = async (afterPosition: number, limit: number): Promise<StoredEvent[]> => {
    if (limit <= 0) return [];
    const start = afterPosition >= 1 ? `(${Math.floor(afterPosition)}-0` : '-';
    const entries = await redis.xrange(globalKey, start, '+', 'COUNT', limit);
    return entries.map((e) => decodeEntry(e, 'position'));
  };

  const runAppend = async (keys: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      return await redis.evalsha(APPEND_SHA, keys.length, ...keys, ...args);
    } catch (e) {
      // The script cache is empty after a restart, failover or SCRIPT FLUSH;
      // EVAL loads it again for the next EVALSHA.
      if (!isNoScript(e)) throw e;
      return redis.eval(APPEND_SCRIPT, keys.length, ...keys, ...args);
    }
  };

  const identity = async (): Promise<LogIdentity> => {
    const [epoch, pos] = await redis.mget(epochKey, counterKey);
    return { epoch: epoch ?? null, head: Number(pos ?? 0) };
  };

  return {
    backend: 'redis',
    identity,
    async append(stream: string, events: readonly NewEvent[], expectedVersion: number): Promise<AppendResult> {
      const encoded = encodeEvents(stream, events, opts.now(), opts.maxEventBytes);
      const args = [expectedVersion, stream, newEpoch(), ...encoded.flatMap((e) => [e.type, e.data, e.meta])];
      const [ok, version, position] = (await runAppend([streamKey(stream), globalKey, counterKey, epochKey], args)) as [number, number, number];
      if (ok !== 1) throw new VersionConflict(stream, expectedVersion, version);
      return { version, position };
    },

    async readStream(stream: string, fromVersion = 1) {
      const key = streamKey(stream);
      const out: StoredEvent[] = [];
      let start = `${Math.max(1, Math.ceil(fromVersion))}-0`;
      for (;;) {
        const entries = await redis.xrange(key, start, '+', 'COUNT', PAGE);
        for (const e of entries) out.push(decodeEntry(e, 'version'));
        if (entries.length < PAGE) return out;
        start = `(${entries.at(-1)![0]}`;
      }
    },

    readAll,

    async *subscribe(afterPosition: number, signal: AbortSignal) {
      let last = Math.max(0, Math.floor(afterPosition));
      // The log this subscription reads: one that changes under it (Redis came back empty) ends it with LogReplaced.
      const seen = await identity();
      const checkAgainst = (now: LogIdentity) => {
        const reason = logChange({ epoch: seen.epoch, position: last }, now);
        if (reason) throw new LogReplaced(reason);
      };
      const check = async () => checkAgainst(await identity());
      checkAgainst(seen); // a position past this log's head already
      // Catch up with plain reads on the shared client...
      for (;;) {
        if (signal.aborted || closed) return;
        const page = await readAll(last, PAGE);
        for (const e of page) {
          if (signal.aborted) return;
          yield e;
          last = e.position;
        }
        if (page.length < PAGE) break;
      }
      if (signal.aborted || closed) return;

      // ...then block on a connection of our own (a blocked XREAD would stall
      // every other command queued on a shared one). XREAD returns exactly
      // the entries after the last delivered id, so the seam has no gap and
      // no duplicate. A caller's commandTimeout would cut every block short,
      // and without the offline queue the first XREAD would fail while the
      // new connection is still being made.
      const conn = redis.duplicate({ commandTimeout: undefined, enableOfflineQueue: true });
      // Failures reach us as rejected commands; without a listener ioredis
      // would also print every reconnect attempt.
      conn.on('error', () => {});
      let wake = () => {};
      const stopped = new Promise<null>((resolve) => {
        wake = () => resolve(null);
      });
      const stop = () => {
        wake();
        conn.disconnect();
      };
      stops.add(stop);
      signal.addEventListener('abort', stop, { once: true });
      try {
        while (!signal.aborted && !closed) {
          let reply: unknown;
          try {
            // The race ends the wait at once on abort/close, whatever the
            // client does with the command in flight on a disconnect.
            reply = await Promise.race([conn.xread('COUNT', PAGE, 'BLOCK', blockMs, 'STREAMS', globalKey, `${last}-0`), stopped]);
          } catch (e) {
            if (signal.aborted || closed) return;
            throw e;
          }
          const entries = xreadEntries(reply);
          // A quiet wait: the moment to see whether the log is still the one being read (an XREAD after a
          // position the log no longer reaches would wait for ever).
          if (entries.length === 0 && !signal.aborted && !closed) await check();
          for (const entry of entries) {
            if (signal.aborted) return;
            const e = decodeEntry(entry, 'position');
            yield e;
            last = e.position;
          }
        }
      } finally {
        signal.removeEventListener('abort', stop);
        stops.delete(stop);
        conn.disconnect();
      }
    },

    async version(stream: string) {
      const top = await redis.xrevrange(streamKey(stream), '+', '-', 'COUNT', 1);
      return top.length > 0 ? idNumber(top[0]![0]) : 0;
    },

    async head() {
      return Number((await redis.get(counterKey)) ?? 0);
    },

    async close() {
      closed = true;
      for (const stop of stops) stop();
      stops.clear();
    },
  };
};
