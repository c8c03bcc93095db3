/**
 * The WorkQueue contract on real Redis (each test on its own key prefix),
 * plus what only the Redis queue has: entries it cannot read, a stream that
 * holds only live items, and a group that vanishes under a running worker.
 */
import { afterAll, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { startRedisServer, testRedisUrl, uniquePrefix } from '../../../test/redis-server.ts';
import { until } from '../../../test/wait.ts';
import { workQueueContract } from './contract.ts';
import type { WorkItem } from './index.ts';
import { createRedisWorkQueue, readEntries } from './redis.ts';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

const dropPrefix = async (prefix: string) => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
};

workQueueContract('redis', async (timings) => {
  const prefix = uniquePrefix('wq');
  let n = 0;
  // Each taker is a separate consumer in the group, as separate worker processes are.
  const make = () => createRedisWorkQueue({ redis, prefix, consumer: `c${++n}`, ...timings });
  return { queue: make(), another: make, cleanup: () => dropPrefix(prefix) };
});

const timings = { claimIdleMs: 300, heartbeatMs: 80, blockMs: 50 };
const item = (jobId: string, n: number): WorkItem => ({ kind: 'redis', jobId, itemId: `chunk:${jobId}:${n}`, params: { n } });

/** Runs `fn` with a queue on a fresh prefix and a taker that records what it handles. */
const withTaker = async (fn: (ctx: { prefix: string; key: string; seen: WorkItem[]; q: ReturnType<typeof createRedisWorkQueue> }) => Promise<void>) => {
  const prefix = uniquePrefix('wq-redis');
  const q = createRedisWorkQueue({ redis, prefix, consumer: 'only', ...timings });
  const seen: WorkItem[] = [];
  const ctl = new AbortController();
  const done = q.consume(async (it) => void seen.push(it), { concurrency: 2, signal: ctl.signal });
  try {
    await fn({ prefix, key: `${prefix}work`, seen, q });
  } finally {
    ctl.abort();
    await done.catch(() => undefined);
    await dropPrefix(prefix);
  }
};

test('entries it cannot read are acknowledged and dropped; acknowledged items leave the stream', () =>
  withTaker(async ({ key, seen, q }) => {
    await q.enqueue(item('bad', 0));
    await until(() => seen.length === 1, 'the good item');
    for (const raw of ['not json', '{"kind":"x"}', 'null']) await redis.xadd(key, '*', 'item', raw);
    await redis.xadd(key, '*', 'ref', JSON.stringify({ jobId: 'old', n: 0, attempt: 1 }));
    await q.enqueue(item('bad', 1));
    await until(() => seen.length === 2, 'the second good item');
    await until(async () => (await redis.xlen(key)) === 0, 'an empty stream');
    expect(await q.depth()).toEqual({ waiting: 0, pending: 0 });
    expect(seen.map((it) => it.itemId)).toEqual(['chunk:bad:0', 'chunk:bad:1']);
  }));

test('a worker whose stream and group vanished (Redis restarted empty) recreates the group and goes on', () =>
  withTaker(async ({ key, seen, q }) => {
    await q.enqueue(item('gone', 0));
    await until(() => seen.length === 1, 'the first item');
    await redis.del(key);
    expect(await q.depth()).toEqual({ waiting: 0, pending: 0 });
    await redis.del(key);
    await q.enqueue(item('gone', 1)); // XADD recreates a bare stream, without the group
    await until(() => seen.length === 2, 'the item added after the group vanished', 10_000);
    await until(async () => (await redis.xlen(key)) === 0, 'an empty stream');
    expect(await q.cancel('gone')).toBe(0);
  }));

test('a Redis flushed behind its back (FLUSHALL): the group is made again once, with one warning, and items flow again', async () => {
  // A server of its own: FLUSHALL on the shared one would wipe other tests' keys.
  const server = await startRedisServer();
  const own = new Redis(server.url);
  const warnings: string[] = [];
  const q = createRedisWorkQueue({ redis: own, prefix: uniquePrefix('wq-flush'), consumer: 'only', ...timings, logger: { warn: (m) => warnings.push(m) } });
  const seen: WorkItem[] = [];
  const ctl = new AbortController();
  const done = q.consume(async (it) => void seen.push(it), { concurrency: 2, signal: ctl.signal });
  try {
    await q.enqueue(item('flush', 0));
    await until(() => seen.length === 1, 'the item before the flush');
    await own.flushall();
    await q.enqueue(item('flush', 1));
    await until(() => seen.length === 2, 'the item enqueued after the flush', 10_000);
    expect(await q.depth()).toEqual({ waiting: 0, pending: 0 });
    await q.enqueue(item('flush', 2));
    await until(() => seen.length === 3, 'the next item', 10_000);
    expect(seen.map((it) => it.itemId)).toEqual(['chunk:flush:0', 'chunk:flush:1', 'chunk:flush:2']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('consumer group "workers"');
  } finally {
    ctl.abort();
    await done.catch(() => undefined);
    own.disconnect();
    server.stop();
  }
});

test('depth after a cancel, when Redis no longer knows the lag, counts from the stream', async () => {
  const prefix = uniquePrefix('wq-lag');
  const q = createRedisWorkQueue({ redis, prefix, consumer: 'only', ...timings });
  try {
    for (let n = 0; n < 4; n++) await q.enqueue(item(n % 2 ? 'lag-a' : 'lag-b', n));
    expect(await q.cancel('lag-a')).toBe(2);
    expect(await q.depth()).toEqual({ waiting: 2, pending: 0 });
  } finally {
    await dropPrefix(prefix);
  }
});

test('cancel pages through a long stream', async () => {
  const prefix = uniquePrefix('wq-page');
  const q = createRedisWorkQueue({ redis, prefix, consumer: 'only', ...timings });
  try {
    await Promise.all(Array.from({ length: 1200 }, (_, n) => q.enqueue(item(n % 3 ? 'pg-keep' : 'pg-drop', n))));
    expect(await q.cancel('pg-drop')).toBe(400);
    expect(await q.depth()).toEqual({ waiting: 800, pending: 0 });
  } finally {
    await dropPrefix(prefix);
  }
});

test('readEntries accepts every shape a one-stream XREADGROUP reply comes in', () => {
  const entries = [['1-0', ['item', '{}']]];
  expect(readEntries(['k', entries])).toEqual(entries as never);
  expect(readEntries([['k', entries]])).toEqual(entries as never);
  expect(readEntries({ k: entries })).toEqual(entries as never);
  expect(readEntries(null)).toEqual([]);
});
