/**
 * A Redis-backed MPR whose Redis went away: the status route and the routes
 * that read or write the log answer 503 with a sentence naming Redis and its
 * address, never 500. The Redis is a server of this test's own, stopped
 * under the running system.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config.ts';
import { silentLogger } from '../logger.ts';
import { createSystem, type System } from '../system.ts';
import { TEST_ADMIN, signedIn } from '../../test/auth.ts';
import { startRedisServer, type RedisServer } from '../../test/redis-server.ts';
import { createApp } from './app.ts';

let server: RedisServer;
let s: System;
let app: ReturnType<typeof createApp>;
const dataDir = mkdtempSync(join(tmpdir(), 'mpr-redis-down-'));

const call = async (method: string, path: string, body?: unknown) => {
  const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const res = await app.handle(new Request(`http://localhost${path}`, init));
  return { status: res.status, json: (await res.json()) as { error?: { code: string; message: string } } & Record<string, unknown> };
};

beforeAll(async () => {
  server = await startRedisServer();
  const env = {
    MPR_DATA: dataDir,
    LOG_LEVEL: 'error',
    REDIS_URL: server.url,
    MPR_WORK_QUEUE: 'redis',
    MPR_ADMIN_EMAIL: TEST_ADMIN.email,
    MPR_ADMIN_PASSWORD: TEST_ADMIN.password,
    MPR_RATE_LIMIT: '10000000',
  };
  s = await createSystem(parseConfig(env), { logger: silentLogger, workConcurrency: 1 });
  await s.start();
  app = await signedIn(s, createApp(s));
});

afterAll(async () => {
  // Closing a system whose Redis is gone must not hold the test run: bounded.
  await Promise.race([s.close().catch(() => undefined), Bun.sleep(5_000)]);
  server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('with Redis gone, status and the routes that need it answer 503 naming Redis, not 500', async () => {
  expect((await call('GET', '/api/system/status')).status).toBe(200);
  server.stop();
  const address = new URL(server.url).host;
  const [host, port] = address.split(':');
  // The kill takes a moment: wait until nothing listens on the port.
  for (let i = 0; i < 200; i++) {
    const up = await Bun.connect({ hostname: host!, port: Number(port), socket: { data() {} } }).then(
      (c) => {
        c.end();
        return true;
      },
      () => false,
    );
    if (!up) break;
    await Bun.sleep(20);
  }
  // Each answer comes within a few reconnects (system.ts caps their backoff), not after a long wait.
  let t = performance.now();
  const status = await call('GET', '/api/system/status');
  expect(performance.now() - t).toBeLessThan(10_000);
  expect(status.status).toBe(503);
  expect(status.json.error?.code).toBe('unavailable');
  expect(status.json.error?.message).toStartWith(`Redis at ${address} cannot be reached: `);
  for (const [method, path, body] of [
    ['GET', '/api/jobs/nope/events', undefined],
    ['POST', '/api/jobs', { kind: 'checksum', params: { inputKey: 'x.bin' } }],
  ] as const) {
    t = performance.now();
    const r = await call(method, path, body);
    expect(performance.now() - t).toBeLessThan(10_000);
    expect([method, path, r.status]).toEqual([method, path, 503]);
    expect(r.json.error?.message).toContain(`Redis at ${address} cannot be reached`);
  }
}, 60_000);
