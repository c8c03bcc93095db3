import { afterAll, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../../test/redis-server.ts';
import { sessionStoreContract } from './contract.ts';
import { createRedisSessionStore } from './redis.ts';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

const dropKeys = async (prefix: string) => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
};

// A unique prefix per test; `another` is a store on a second connection, as another node holds.
sessionStoreContract('redis', async () => {
  const prefix = uniquePrefix('auth-store');
  const others: Redis[] = [];
  const store = createRedisSessionStore(redis, prefix);
  return {
    store,
    another: async () => {
      const other = new Redis(testRedisUrl());
      others.push(other);
      return createRedisSessionStore(other, prefix);
    },
    cleanup: async () => {
      await store.close();
      // close() leaves the shared client connected.
      expect(await redis.ping()).toBe('PONG');
      for (const r of others) r.disconnect();
      await dropKeys(prefix);
    },
  };
});

test('redis: every key sits under <prefix>auth:, and what expires carries its PEXPIREAT', async () => {
  const prefix = uniquePrefix('auth-ttl');
  const store = createRedisSessionStore(redis, prefix);
  const base = Date.now();
  try {
    await store.openSession({ sessionId: 's1', userId: 'u1', jti: 'j1', expiresAtMs: base + 60_000 });
    await store.openSession({ sessionId: 's2', userId: 'u1', jti: 'k1', expiresAtMs: base + 90_000 });
    await store.rotate('s1', 'j1', 'j2', base + 120_000, base);
    await store.putTicket('t1', 'v', base + 30_000);
    await store.take('b1', { capacity: 2, refillPerSecond: 0.5 }, base);
    await store.recordFailure('f1', base, 45_000);
    await store.lock('l1', base + 50_000);
    await store.setStanding('u1', { role: 'member', disabled: false });
    await store.putKey({ keyId: 'k1', userId: 'u1', scopes: ['read'], secretHash: 'h', expiresAtMs: null, revoked: false });
    await store.touchKey('k1', base);
    await store.signingSecrets(() => ({ kid: 'a', secret: 's', createdAtMs: base }));

    const keys = (await redis.keys(`${prefix}*`)).sort();
    for (const k of keys) expect(k.startsWith(`${prefix}auth:`)).toBe(true);
    const expiry: Record<string, number> = {};
    for (const k of keys) expiry[k.slice(`${prefix}auth:`.length)] = await redis.pexpiretime(k);
    expect(expiry).toEqual({
      'session:s1': base + 120_000,
      'session:s2': base + 90_000,
      'user-sessions:u1': base + 120_000,
      'ticket:t1': base + 30_000,
      // One token short: full again after 1 / 0.5 seconds.
      'bucket:b1': base + 2000,
      'fail:f1': base + 45_000,
      'lock:l1': base + 50_000,
      'standing:u1': -1,
      'key:k1': -1,
      'key-used': -1,
      signing: -1,
    });
  } finally {
    await dropKeys(prefix);
  }
});
