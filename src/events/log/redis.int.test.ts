import { describe, expect, test } from 'bun:test';
import { LogReplaced } from '../../errors.ts';
import { until } from '../../../test/wait.ts';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../../test/redis-server.ts';
import { eventLogContract } from './contract.ts';
import { createRedisLog } from './redis.ts';

// Damages one entry's `data` in place. A stream only takes ids above its
// last one, so the entries from that id on are deleted, the last id lowered
// with XSETID, and all re-added under their own ids, the first one damaged.
const CORRUPT_SCRIPT = `
local function rewrite(key, id)
  local tail = redis.call('XRANGE', key, id, '+')
  for _, e in ipairs(tail) do redis.call('XDEL', key, e[1]) end
  local top = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)
  redis.call('XSETID', key, #top > 0 and top[1][1] or '0-1')
  for i, e in ipairs(tail) do
    local f = e[2]
    if i == 1 then
      for j = 1, #f, 2 do if f[j] == 'data' then f[j + 1] = '{"b": 2' end end
    end
    redis.call('XADD', key, e[1], unpack(f))
  end
end
rewrite(KEYS[1], ARGV[1])
rewrite(KEYS[2], ARGV[2])
`;

const fieldsOf = (fields: string[]) => Object.fromEntries(fields.flatMap((v, i) => (i % 2 === 0 ? [[v, fields[i + 1]]] : [])));

const harness = (label: string, onCorrupt: (r: { position: number; stream: string; reason: string }) => void = () => {}, maxEventBytes = 1 << 20) => {
  const prefix = uniquePrefix(label);
  // A per-harness connection name lets a test count the connections the log opened.
  const connectionName = prefix.replaceAll(':', '_');
  const redis = new Redis(testRedisUrl(), { connectionName });
  const log = createRedisLog({ redis, prefix, maxEventBytes, onCorrupt, now: () => new Date().toISOString() });
  const cleanup = async () => {
    await log.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  };
  const connections = async () =>
    String(await redis.call('CLIENT', 'LIST'))
      .split('\n')
      .filter((l) => l.includes(` name=${connectionName} `)).length;
  return { prefix, redis, log, cleanup, connections };
};

eventLogContract('redis', async ({ maxEventBytes, onCorrupt }) => {
  const { prefix, redis, log, cleanup } = harness('log', onCorrupt, maxEventBytes);
  return {
    log,
    corrupt: async (position) => {
      const [entry] = await redis.xrange(`${prefix}log:all`, `${position}-0`, `${position}-0`);
      if (!entry) throw new Error(`no event at position ${position}`);
      const f = fieldsOf(entry[1]);
      await redis.eval(CORRUPT_SCRIPT, 2, `${prefix}log:all`, `${prefix}log:s:${f.stream}`, `${position}-0`, `${f.version}-0`);
    },
    cleanup,
  };
});

describe('EventLog on Redis: layout and operations', () => {
  const ev = (type: string, data: unknown = {}) => ({ type, data, meta: { actor: 'test' } });

  test('both streams hold the whole event under version and position ids', async () => {
    const h = harness('layout');
    try {
      await h.log.append('job:other', [ev('O')], 0);
      const r = await h.log.append('job:a', [ev('A1', { n: 1 }), ev('A2')], 0);
      expect(r).toEqual({ version: 2, position: 3 });
      expect(await h.redis.get(`${h.prefix}log:pos`)).toBe('3');
      const own = await h.redis.xrange(`${h.prefix}log:s:job:a`, '-', '+');
      const all = await h.redis.xrange(`${h.prefix}log:all`, '-', '+');
      expect(own.map(([id]) => id)).toEqual(['1-0', '2-0']);
      expect(all.map(([id]) => id)).toEqual(['1-0', '2-0', '3-0']);
      const a1 = fieldsOf(own[0]![1]);
      expect(fieldsOf(all[1]![1])).toEqual(a1);
      expect(a1).toMatchObject({ stream: 'job:a', version: '1', position: '2', type: 'A1', data: '{"n":1}' });
      expect(JSON.parse(a1.meta!)).toMatchObject({ actor: 'test' });
    } finally {
      await h.cleanup();
    }
  });

  test('a live subscription whose log comes back empty ends with LogReplaced, naming the positions', async () => {
    const h = harness('replaced');
    const ctl = new AbortController();
    try {
      for (let i = 0; i < 3; i++) await h.log.append(`job:r${i}`, [ev('R')], 0);
      const seen: number[] = [];
      const reading = (async () => {
        for await (const e of h.log.subscribe(0, ctl.signal)) seen.push(e.position);
      })();
      await until(() => seen.length === 3, 'the three events');
      // Redis restarted without its data: every key of the log is gone, then a new first event comes.
      const keys = await h.redis.keys(`${h.prefix}log:*`);
      await h.redis.del(...keys);
      await h.log.append('job:new', [ev('N')], 0);
      const err = await reading.then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LogReplaced);
      expect(String((err as Error).message)).toMatch(/event log (was replaced|went backwards)/);
      expect(seen).toEqual([1, 2, 3]);
    } finally {
      ctl.abort();
      await h.cleanup();
    }
  });

  test('appends keep working after the server forgets the script', async () => {
    const h = harness('noscript');
    try {
      await h.log.append('job:s', [ev('E')], 0);
      await h.redis.call('SCRIPT', 'FLUSH');
      expect(await h.log.append('job:s', [ev('E')], 1)).toEqual({ version: 2, position: 2 });
    } finally {
      await h.cleanup();
    }
  });

  test('a counter set behind the global stream fails the append and writes nothing', async () => {
    const h = harness('counter');
    try {
      await h.log.append('job:c', [ev('E'), ev('E')], 0);
      await h.redis.set(`${h.prefix}log:pos`, '1');
      await expect(h.log.append('job:d', [ev('E')], 0)).rejects.toThrow('is behind');
      expect(await h.log.version('job:d')).toBe(0);
      expect(await h.redis.xlen(`${h.prefix}log:all`)).toBe(2);
    } finally {
      await h.cleanup();
    }
  });

  test('live events arrive within milliseconds, and close() ends subscriptions and their connections', async () => {
    const h = harness('live');
    try {
      const base = await h.connections();
      const ctl = new AbortController();
      const arrived = new Map<number, number>();
      const sent = new Map<number, number>();
      const consumer = (async () => {
        for await (const e of h.log.subscribe(0, ctl.signal)) arrived.set(e.position, performance.now());
      })();
      // Let the subscriber go live before timing.
      await h.log.append('job:warm', [ev('W')], 0);
      while (!arrived.has(1)) await Bun.sleep(1);
      for (let i = 0; i < 200; i++) {
        const t = performance.now();
        const { position } = await h.log.append('job:l', [ev('L', { i })], i);
        sent.set(position, t);
        while (!arrived.has(position)) await Bun.sleep(0);
      }
      const lat = [...sent].map(([p, t]) => arrived.get(p)! - t).sort((a, b) => a - b);
      // Loopback p99 is a few ms; the bound only catches a fall back to polling.
      expect(lat[Math.floor(lat.length * 0.99)]!).toBeLessThan(50);
      expect(await h.connections()).toBe(base + 1);

      const t0 = performance.now();
      await h.log.close();
      await consumer;
      expect(performance.now() - t0).toBeLessThan(500);
      for (let i = 0; i < 100 && (await h.connections()) > base; i++) await Bun.sleep(5);
      expect(await h.connections()).toBe(base);
      ctl.abort();
    } finally {
      await h.cleanup();
    }
  });
});
