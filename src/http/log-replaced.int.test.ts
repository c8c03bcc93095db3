/**
 * A Redis that comes back empty under a running MPR (persistence off, a
 * flush, a failover to an empty replica): the node finds its log replaced,
 * says so in GET /api/system/status, folds its read models again from the log
 * as it is, makes the configured first admin again, and what is created
 * afterwards is there (no 404 for a thing just made). The Redis is a server
 * of this test's own, emptied with FLUSHALL under the running system.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { Redis } from 'ioredis';
import { findUserByEmail } from '../projections/users.ts';
import type { System } from '../system.ts';
import { TEST_ADMIN, signedIn } from '../../test/auth.ts';
import { startRedisServer, type RedisServer } from '../../test/redis-server.ts';
import { type TestEnv, testEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { createApp } from './app.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let server: RedisServer;
let env: TestEnv;
let s: System;

const caller = (app: { handle(r: Request): Promise<Response> }) => async (method: string, path: string, body?: unknown) => {
  const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const res = await app.handle(new Request(`http://localhost${path}`, init));
  return { status: res.status, json: (await res.json()) as Json };
};

const preset = (id: string) => ({ id, name: id, output: 'mp4', video: { rungs: [{ height: 360, videoBitrate: 800_000 }] } });

beforeAll(async () => {
  server = await startRedisServer();
  env = testEnv('redis', 'log-replaced', { REDIS_URL: server.url, MPR_WORK_QUEUE: 'redis' });
  s = await env.boot({ workConcurrency: 1 });
  await s.start();
});

afterAll(async () => {
  await Promise.race([env.cleanup(), Bun.sleep(5_000)]);
  server.stop();
});

test('an emptied Redis is found, reported in status, and the read models follow the new log', async () => {
  let call = caller(await signedIn(s, createApp(s)));
  for (const id of ['before-1', 'before-2', 'before-3']) expect((await call('POST', '/api/presets', preset(id))).status).toBe(201);
  const first = (await call('GET', '/api/system/status')).json.log;
  expect(first.epoch).toEqual(expect.any(String));
  expect(first.replaced).toBeNull();

  const redis = new Redis(server.url);
  await redis.flushall();
  redis.disconnect();

  // The session store went with it: the key is gone, and the first admin is made again from the configuration.
  await until(() => findUserByEmail(s.db, TEST_ADMIN.email) !== null && s.projections.logReplaced() !== null, 'the first admin made again', 30_000);
  const admin = findUserByEmail(s.db, TEST_ADMIN.email)!;
  const principal = { userId: admin.id, role: 'admin' as const, scopes: ['read' as const, 'write' as const, 'admin' as const], via: 'session' as const };
  const { key } = await s.auth.accounts.createKey(
    { ...principal, sessionId: null, keyId: null, mustChangePassword: false },
    { name: 'after', scopes: ['admin'] },
  );
  const app = createApp(s);
  call = caller({
    handle: (r: Request) => {
      r.headers.set('authorization', `Bearer ${key}`);
      return app.handle(r);
    },
  });
  const status = (await call('GET', '/api/system/status')).json.log;
  expect(status.replaced.reason).toMatch(/event log (was replaced|went backwards)/);
  expect(status.replaced.previous.epoch).toBe(first.epoch);
  expect(status.replaced.previous.position).toBeGreaterThanOrEqual(first.position);
  expect(status.epoch).not.toBe(first.epoch);

  // Read models now say what the new log says: the old preset is gone, a new one answers at once.
  expect((await call('GET', '/api/presets/before-1')).status).toBe(404);
  expect((await call('POST', '/api/presets', preset('after-1'))).status).toBe(201);
  expect((await call('GET', '/api/presets/after-1')).status).toBe(200);
}, 60_000);
