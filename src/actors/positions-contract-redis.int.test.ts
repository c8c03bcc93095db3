import { afterAll } from 'bun:test';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../test/redis-server.ts';
import { positionStoreContract } from './positions-contract.ts';
import { createRedisPositions } from './positions-redis.ts';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

positionStoreContract('redis', async () => {
  const prefix = uniquePrefix('pos-contract');
  const reopened: Redis[] = [];
  return {
    positions: createRedisPositions(redis, prefix),
    // A separate connection, so the value is read back from Redis, not from anything the first client holds.
    reopen: async () => {
      const other = new Redis(testRedisUrl());
      reopened.push(other);
      return createRedisPositions(other, prefix);
    },
    cleanup: async () => {
      for (const r of reopened) r.disconnect();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    },
  };
});
