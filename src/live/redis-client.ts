/**
 * The Redis connection every Redis adapter shares (log, bus, positions,
 * lease, work queue, auth store). While Redis cannot be reached, ioredis
 * rejects a command with a transport error (its retries per request spent,
 * the connection closed, the socket refused), which would reach a route as
 * a bare Error and answer 500. `guardRedis` turns those, and only those,
 * into AppError('unavailable') naming Redis, so every route that needs Redis
 * answers 503 with the reason and the failure policy retries the work. Replies
 * from a Redis that is up (NOGROUP, a script's own error) pass unchanged.
 */
import type { Redis } from 'ioredis';
import { AppError, errorMessage } from '../errors.ts';

/** Socket error codes that mean the server is not there (or went away mid-command). */
const TRANSPORT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Pure: whether a rejected command failed because Redis could not be reached (not because Redis said no). */
export const isRedisUnreachable = (e: unknown): boolean => {
  if (!(e instanceof Error) || e instanceof AppError) return false;
  if (e.name === 'ReplyError') return false;
  if (e.name === 'MaxRetriesPerRequestError') return true;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSPORT_CODES.has(code)) return true;
  return /^Connection is closed|Stream isn't writeable|^Command timed out|connect ECONNREFUSED/.test(e.message);
};

/** Where a client connects, as `host:port`. */
export const redisAddress = (redis: Redis): string => {
  const o = redis.options;
  return o.path ? o.path : `${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
};

/** The error a route answers while Redis is away. */
export const redisUnavailable = (redis: Redis, e: unknown): AppError =>
  new AppError('unavailable', `Redis at ${redisAddress(redis)} cannot be reached: ${errorMessage(e)}`, { cause: e });

const GUARDED = Symbol('mpr.redisGuarded');

/**
 * Makes the client (and every duplicate of it, such as a blocking reader's)
 * reject transport failures as AppError('unavailable'), and tells `onDown`
 * once per outage of each connection. Every command,
 * pipelined ones included, goes through `sendCommand`; ioredis also calls it
 * itself (flushing its offline queue) and drops what it returns, so the
 * wrap changes the command's own `reject`, never the promise returned.
 */
export const guardRedis = (redis: Redis, onDown: (message: string) => void = () => {}): Redis => {
  // Without a listener ioredis prints every failed reconnect; one line per outage is told instead.
  let down = false;
  redis.on('error', (e: Error) => {
    if (down || !isRedisUnreachable(e)) return;
    down = true;
    onDown(redisUnavailable(redis, e).message);
  });
  redis.on('ready', () => {
    down = false;
  });
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: Parameters<Redis['sendCommand']>[0] & { [GUARDED]?: true }, ...rest: unknown[]) => {
    if (!command[GUARDED]) {
      command[GUARDED] = true;
      const reject = command.reject;
      command.reject = (e: Error) => reject(isRedisUnreachable(e) ? redisUnavailable(redis, e) : e);
    }
    return (send as (...a: unknown[]) => unknown)(command, ...rest);
  }) as Redis['sendCommand'];
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = ((...args: Parameters<Redis['duplicate']>) => guardRedis(duplicate(...args), onDown)) as Redis['duplicate'];
  return redis;
};
