/**
 * Router positions in one Redis hash (`<prefix>positions`, field = router
 * name), beside the Redis log they refer to, so both live and die together.
 */
import type { Redis } from 'ioredis';
import { AppError } from '../errors.ts';
import type { PositionStore } from './positions.ts';

export const createRedisPositions = (redis: Redis, prefix: string): PositionStore => {
  const key = `${prefix}positions`;
  return {
    async get(name) {
      const raw = await redis.hget(key, name);
      return raw === null ? 0 : Number(raw);
    },
    async set(name, position) {
      // A NaN stored here would come back as a position and stall the router.
      if (!Number.isSafeInteger(position) || position < 0) {
        throw new AppError('validation', `router position for ${name} must be a whole number >= 0, got ${position}`);
      }
      await redis.hset(key, name, String(position));
    },
  };
};
