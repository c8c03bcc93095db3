import { describe, expect, test } from 'bun:test';
import { ConfigError, parseConfig } from './config.ts';
import { reclaimTimings } from './work/queue/redis.ts';

const bad = (env: Record<string, string>, variable: string, text: string) => {
  let err: unknown;
  try {
    parseConfig(env, { cwd: '/srv' });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).variable).toBe(variable);
  expect((err as ConfigError).message).toStartWith(`${variable}: `);
  expect((err as ConfigError).message).toContain(text);
};

describe('config', () => {
  test('embedded defaults', () => {
    const c = parseConfig({}, { cwd: '/srv' });
    expect(c).toMatchObject({
      dataDir: '/srv/data',
      port: 8080,
      host: '127.0.0.1',
      redisUrl: null,
      redisPrefix: 'mpr:',
      logBackend: 'sqlite',
      mediaIn: '/srv/data/media/in',
      mediaOut: '/srv/data/media/out',
      logLevel: 'info',
      maxEventBytes: 1048576,
      sqliteSynchronous: 'NORMAL',
      reclaimSeconds: 60,
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('HOST is honoured; REDIS_URL switches the log to Redis', () => {
    expect(parseConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    const c = parseConfig({ REDIS_URL: 'redis://127.0.0.1:6379', MPR_REDIS_PREFIX: 'test:1:', MPR_DATA: '/data', LOG_LEVEL: 'DEBUG' }, { cwd: '/' });
    expect(c).toMatchObject({ logBackend: 'redis', redisPrefix: 'test:1:', dataDir: '/data', mediaIn: '/data/media/in', logLevel: 'debug' });
    expect(parseConfig({ REDIS_URL: 'redis://h', MPR_LOG_BACKEND: 'sqlite' }).logBackend).toBe('sqlite');
  });

  test('a bad variable fails fast, naming it', () => {
    bad({ PORT: 'eighty' }, 'PORT', 'whole number');
    bad({ PORT: '70000' }, 'PORT', '0..65535');
    bad({ REDIS_URL: 'http://x' }, 'REDIS_URL', 'redis: or rediss:');
    bad({ REDIS_URL: '::nope' }, 'REDIS_URL', 'not a URL');
    bad({ MPR_LOG_BACKEND: 'redis' }, 'MPR_LOG_BACKEND', 'REDIS_URL is not set');
    bad({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', 'one of');
    bad({ S3_BUCKET_IN: 'in-bucket' }, 'S3_BUCKET_OUT', 'both');
    bad({ S3_BUCKET_IN: 'ab', S3_BUCKET_OUT: 'out' }, 'S3_BUCKET_IN', 'bucket name');
    bad({ S3_ENDPOINT_URL: 'ftp://x' }, 'S3_ENDPOINT_URL', 'http: or https:');
    bad({ INFERENCE_URL: 'nope' }, 'INFERENCE_URL', 'not a URL');
    bad({ MPR_MAX_EVENT_BYTES: '10' }, 'MPR_MAX_EVENT_BYTES', '1024..');
    bad({ MPR_REDIS_PREFIX: 'a b' }, 'MPR_REDIS_PREFIX', 'spaces');
    bad({ MPR_RECLAIM_SECONDS: '0' }, 'MPR_RECLAIM_SECONDS', '1..3600');
  });

  test('the reclaim time sets the Redis queue: six heartbeats in it, reads that block a tenth of it at most a second', () => {
    expect(reclaimTimings(60)).toEqual({ claimIdleMs: 60_000, heartbeatMs: 10_000, blockMs: 1000 });
    expect(reclaimTimings(2)).toEqual({ claimIdleMs: 2000, heartbeatMs: 333, blockMs: 200 });
  });
});
