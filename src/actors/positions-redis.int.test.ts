import { afterAll, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../test/redis-server.ts';
import { createRedisPositions } from './positions-redis.ts';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

test('positions: 0 until set, set overwrites, names are independent, all in one hash', async () => {
  const prefix = uniquePrefix('pos');
  const p = createRedisPositions(redis, prefix);
  try {
    expect(await p.get('jobs')).toBe(0);
    await p.set('jobs', 41);
    await p.set('jobs', 42);
    await p.set('chunks', 7);
    expect(await p.get('jobs')).toBe(42);
    expect(await p.get('chunks')).toBe(7);
    expect(await createRedisPositions(redis, prefix).get('jobs')).toBe(42);
    expect(await createRedisPositions(redis, uniquePrefix('pos')).get('jobs')).toBe(0);
    expect(await redis.hgetall(`${prefix}positions`)).toEqual({ jobs: '42', chunks: '7' });
    await expect(p.set('jobs', Number.NaN)).rejects.toThrow('whole number');
    await expect(p.set('jobs', -1)).rejects.toThrow('whole number');
    expect(await p.get('jobs')).toBe(42);
  } finally {
    await redis.del(`${prefix}positions`);
  }
});
