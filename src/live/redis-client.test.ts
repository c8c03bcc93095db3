import { expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { AppError } from '../errors.ts';
import { isRedisUnreachable, redisUnavailable } from './redis-client.ts';

const named = (name: string, message: string, code?: string) => Object.assign(new Error(message), { name }, code ? { code } : {});

test('transport failures count as Redis unreachable; answers from a Redis that is up do not', () => {
  expect(isRedisUnreachable(named('MaxRetriesPerRequestError', 'Reached the max retries per request limit (which is 3).'))).toBe(true);
  expect(isRedisUnreachable(named('Error', 'connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'))).toBe(true);
  expect(isRedisUnreachable(new Error('Connection is closed.'))).toBe(true);
  expect(isRedisUnreachable(named('ReplyError', "NOGROUP No such key 'mpr:work' or consumer group 'workers'"))).toBe(false);
  expect(isRedisUnreachable(new AppError('conflict', 'stream x is at version 2'))).toBe(false);
  expect(isRedisUnreachable('ECONNREFUSED')).toBe(false);
});

test('the error names Redis and its address, as a 503 code', () => {
  const r = new Redis('redis://127.0.0.1:6390', { lazyConnect: true });
  const e = redisUnavailable(r, new Error('connect ECONNREFUSED 127.0.0.1:6390'));
  expect(e).toBeInstanceOf(AppError);
  expect(e.code).toBe('unavailable');
  expect(e.message).toBe('Redis at 127.0.0.1:6390 cannot be reached: connect ECONNREFUSED 127.0.0.1:6390');
  r.disconnect();
});
