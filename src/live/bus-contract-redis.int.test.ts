import { afterAll } from 'bun:test';
import { Redis } from 'ioredis';
import { testRedisUrl, uniquePrefix } from '../../test/redis-server.ts';
import { createRedisBus } from './bus-redis.ts';
import { liveBusContract } from './contract.ts';

const redis = new Redis(testRedisUrl());
afterAll(() => redis.disconnect());

liveBusContract('redis', async () => {
  const prefix = uniquePrefix('bus-contract');
  const bus = createRedisBus({ redis, prefix });
  // The peer publishes on its own connection, as another node would.
  const peerRedis = new Redis(testRedisUrl());
  const peer = createRedisBus({ redis: peerRedis, prefix });
  // Pub/sub drops what is published before a subscriber listens.
  await Promise.all([bus.ready, peer.ready]);
  return {
    bus,
    peer,
    cleanup: async () => {
      await Promise.all([bus.close(), peer.close()]);
      peerRedis.disconnect();
    },
  };
});
