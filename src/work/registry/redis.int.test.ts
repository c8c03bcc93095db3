/** The Redis worker registry: the shared contract, plus what only a shared hash has (odd entries, the hash's expiry). */
import { afterAll, describe, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../../test/redis-server.ts';
import { beatOf, workerRegistryContract } from './contract.ts';
import { DAY_MS } from './index.ts';
import { createRedisWorkerRegistry } from './redis.ts';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

const dropPrefix = async (prefix: string) => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
};

workerRegistryContract(
  'redis',
  async (o) => {
    const prefix = uniquePrefix('workers-contract');
    const others: Redis[] = [];
    return {
      registry: createRedisWorkerRegistry({ redis, prefix, ...o }),
      // Its own connection: what it reads comes from Redis, not from anything the first client holds.
      another: async () => {
        const r = new Redis(testRedisUrl());
        others.push(r);
        return createRedisWorkerRegistry({ redis: r, prefix, ...o });
      },
      cleanup: async () => {
        for (const r of others) r.disconnect();
        await dropPrefix(prefix);
      },
    };
  },
  { shared: true },
);

describe('Redis worker registry', () => {
  test('one hash, <prefix>workers, a JSON entry per worker; its expiry outlasts what is kept', async () => {
    const prefix = uniquePrefix('workers-hash');
    try {
      const registry = createRedisWorkerRegistry({ redis, prefix, lostAfterMs: 60_000 });
      await registry.beat(beatOf('w1'));
      expect(await redis.hkeys(`${prefix}workers`)).toEqual(['w1']);
      expect(JSON.parse((await redis.hget(`${prefix}workers`, 'w1'))!)).toMatchObject({ id: 'w1', host: 'host-a', lastBeat: expect.any(String) });
      const ttl = await redis.pttl(`${prefix}workers`);
      expect(ttl).toBeGreaterThan(DAY_MS);
      expect(ttl).toBeLessThanOrEqual(DAY_MS + 60_000 + 60_000);
    } finally {
      await dropPrefix(prefix);
    }
  });

  test('an entry that is not one (not JSON, another shape, under another id) is dropped; the others are listed', async () => {
    const prefix = uniquePrefix('workers-odd');
    try {
      const registry = createRedisWorkerRegistry({ redis, prefix, lostAfterMs: 60_000 });
      await registry.beat(beatOf('good'));
      const key = `${prefix}workers`;
      await redis.hset(key, 'garbage', '{not json', 'shape', JSON.stringify({ hello: 'world' }), 'moved', (await redis.hget(key, 'good'))!);
      // An older writer's entry without the optional fields still lists, with defaults.
      await redis.hset(key, 'old', JSON.stringify({ id: 'old', concurrency: 1, lastBeat: new Date().toISOString() }));
      const listed = await registry.list();
      expect(listed.map((w) => w.id)).toEqual(['old', 'good']);
      expect(listed[0]).toMatchObject({ host: '?', items: [], state: 'running', status: 'live', role: 'worker' });
      expect((await redis.hkeys(key)).sort()).toEqual(['good', 'old']);
    } finally {
      await dropPrefix(prefix);
    }
  });
});
