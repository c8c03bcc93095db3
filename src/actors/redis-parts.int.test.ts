import { afterAll, describe, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../test/redis-server.ts';
import { until } from '../../test/wait.ts';
import type { BusMessage } from './bus.ts';
import { busReady, createRedisBus } from './bus-redis.ts';
import { createMemoryBus } from './bus.ts';
import { createRedisPositions } from './positions-redis.ts';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

const tick = (topic: string, percent: number): BusMessage => ({ topic, kind: 'progress', data: { percent }, at: new Date().toISOString() });

describe('live bus', () => {
  test('in-process: every subscriber hears, a throwing one does not stop the rest', () => {
    const bus = createMemoryBus();
    const got: number[] = [];
    bus.subscribe(() => {
      throw new Error('broken listener');
    });
    const off = bus.subscribe((m) => got.push((m.data as { percent: number }).percent));
    bus.publish(tick('job:a', 10));
    off();
    bus.publish(tick('job:a', 20));
    expect(got).toEqual([10]);
  });

  test('Redis: buses on one prefix hear each other; another prefix hears nothing', async () => {
    const prefix = uniquePrefix('bus');
    const a = await busReady(createRedisBus({ redis, prefix }), { redis, prefix });
    const b = await busReady(createRedisBus({ redis, prefix }), { redis, prefix });
    const otherPrefix = uniquePrefix('bus');
    const other = await busReady(createRedisBus({ redis, prefix: otherPrefix }), { redis, prefix: otherPrefix });
    const heardB: BusMessage[] = [];
    const heardOther: BusMessage[] = [];
    b.subscribe((m) => heardB.push(m));
    other.subscribe((m) => heardOther.push(m));
    a.publish(tick('job:x', 42));
    await redis.publish(`${prefix}bus`, 'not json');
    a.publish(tick('job:x', 43));
    await until(() => heardB.length === 2, 'two ticks over Redis');
    expect(heardB.map((m) => (m.data as { percent: number }).percent)).toEqual([42, 43]);
    await Bun.sleep(20);
    expect(heardOther).toEqual([]);
    await Promise.all([a.close(), b.close(), other.close()]);
  });
});

describe('Redis router positions', () => {
  test('get returns 0 until set; set overwrites', async () => {
    const p = createRedisPositions(redis, uniquePrefix('pos'));
    expect(await p.get('jobs')).toBe(0);
    await p.set('jobs', 41);
    await p.set('jobs', 42);
    await p.set('chunks', 7);
    expect(await p.get('jobs')).toBe(42);
    expect(await p.get('chunks')).toBe(7);
  });
});
