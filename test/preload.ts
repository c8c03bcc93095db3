/**
 * Runs once before `bun test`: starts a private redis-server on a free
 * loopback port (unless MPR_TEST_REDIS_URL points at one) and stops it when
 * the run ends. A missing redis-server fails the whole run: integration
 * tests never skip because a service is absent.
 */
import { afterAll, setDefaultTimeout } from 'bun:test';
import { startRedisServer } from './redis-server.ts';

// Integration tests run real work; their own waits fail with a message first.
setDefaultTimeout(30_000);

if (!process.env.MPR_TEST_REDIS_URL) {
  const server = await startRedisServer();
  process.env.MPR_TEST_REDIS_URL = server.url;
  afterAll(() => server.stop());
  process.on('exit', () => server.stop());
}
