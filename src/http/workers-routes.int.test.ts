/**
 * GET /api/workers mounted behind the real guard: any credential with read
 * scope lists the registry (a read-only key will do), none is refused; the
 * answer matches the documented WorkerList model, says who is lost, and sums
 * the capacity; with the registry's Redis gone it answers 503, not 500.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { TypeCompiler } from 'elysia/type-system';
import { Redis } from 'ioredis';
import { apiCaller } from '../../test/api.ts';
import { TEST_ADMIN } from '../../test/auth.ts';
import { testRedisUrl, uniquePrefix } from '../../test/redis-server.ts';
import { testEnv } from '../../test/system.ts';
import { guardRedis } from '../live/redis-client.ts';
import { findUserByEmail } from '../projections/users.ts';
import type { System } from '../system.ts';
import { beatOf } from '../work/registry/contract.ts';
import { createMemoryWorkerRegistry } from '../work/registry/memory.ts';
import { createRedisWorkerRegistry } from '../work/registry/redis.ts';
import { toErrorResponse } from './errors.ts';
import { createGuard } from './guard.ts';
import { MODELS } from './schemas.ts';
import { type WorkersRoutesDeps, workersRoutes } from './workers-routes.ts';

const env = testEnv('sqlite', 'workers-routes');
let s: System;
let readKey = '';

/** A test app: the guard, the error mapping and the workers route, as app.ts mounts them. */
const appOf = (registry: WorkersRoutesDeps['registry']) => {
  const guard = createGuard(s.auth, { allowedHosts: ['localhost'], apiRatePerMinute: 1_000_000, apiBurst: 1_000_000 });
  return new Elysia()
    .onRequest(async ({ request }) => (await guard(request)) ?? undefined)
    .onError(({ code, error, set }) => {
      const { status, body } = toErrorResponse(error, code);
      set.status = status;
      return body;
    })
    .group('/api', (api) => api.use(workersRoutes({ registry })));
};
const callerOf = (registry: WorkersRoutesDeps['registry']) => apiCaller(appOf(registry), () => ({ authorization: `Bearer ${readKey}` }));
const problems = (value: unknown) => [...TypeCompiler.Compile(MODELS.WorkerList).Errors(value)].map((e) => `${e.path}: ${e.message}`);

beforeAll(async () => {
  s = await env.boot();
  await s.auth.accounts.ensureFirstAdmin(TEST_ADMIN);
  const admin = findUserByEmail(s.db, TEST_ADMIN.email)!;
  const principal = {
    userId: admin.id,
    role: 'admin',
    scopes: ['read', 'write', 'admin'],
    via: 'session',
    sessionId: null,
    keyId: null,
    mustChangePassword: false,
  } as const;
  readKey = (await s.auth.accounts.createKey({ ...principal, scopes: [...principal.scopes] }, { name: 'read only', scopes: ['read'] })).key;
});
afterAll(() => env.cleanup());

describe('GET /api/workers', () => {
  test('a read-only key lists live, lost and stopped workers with the capacity; the answer matches the model', async () => {
    const clock = { now: Date.parse('2026-03-01T12:00:00.000Z') };
    const registry = createMemoryWorkerRegistry({ lostAfterMs: 30_000, clock: () => clock.now });
    const call = callerOf(registry);

    const empty = await call('GET', '/api/workers');
    expect(empty).toMatchObject({ status: 200, json: { workers: [], capacity: 0, lostAfterSeconds: 30 } });
    expect(problems(empty.json)).toEqual([]);

    await registry.beat(beatOf('gone', { host: 'h1', concurrency: 8 }));
    clock.now += 31_000;
    const running = [{ itemId: 'chunk:j1:2', jobId: 'j1', kind: 'transcode', n: 2, startedAt: new Date(clock.now).toISOString(), percent: 37.5 }];
    await registry.beat(beatOf('busy', { host: 'h2', concurrency: 3, busy: 1, items: running, done: 12, failed: 1, role: 'start' }));
    await registry.beat(beatOf('idle', { host: 'h1', concurrency: 2 }));
    await registry.beat(beatOf('leaving', { host: 'h3', concurrency: 5, state: 'draining' }));
    await registry.beat(beatOf('done', { host: 'h1', concurrency: 4 }));
    await registry.markStopped('done');
    clock.now += 2_000;

    const r = await call('GET', '/api/workers');
    expect(r.status).toBe(200);
    expect(problems(r.json)).toEqual([]);
    expect(r.json.capacity).toBe(5);
    expect(r.json.workers.map((w: { id: string; status: string }) => [w.id, w.status])).toEqual([
      ['idle', 'live'],
      ['busy', 'live'],
      ['leaving', 'live'],
      ['gone', 'lost'],
      ['done', 'stopped'],
    ]);
    expect(r.json.workers[1]).toMatchObject({ busy: 1, items: running, done: 12, failed: 1, role: 'start', beatAgeSeconds: 2 });
    expect(r.json.workers[3].beatAgeSeconds).toBe(33);
    // A model is not a formality: a worker without its status fails it.
    expect(problems({ ...r.json, workers: [{ ...r.json.workers[0], status: undefined }] })).not.toEqual([]);
  });

  test('no credential: 401; an unknown query parameter: 400', async () => {
    const call = callerOf(createMemoryWorkerRegistry({ lostAfterMs: 60_000 }));
    const none = await call('GET', '/api/workers', undefined, {});
    expect(none.status).toBe(401);
    expect(none.json.error.code).toBe('unauthorized');
    const odd = await call('GET', '/api/workers?all=1');
    expect(odd.status).toBe(400);
    expect(odd.json.error.message).toContain('unknown query parameter query.all');
  });

  test('on Redis, a worker beating through another connection is listed', async () => {
    const prefix = uniquePrefix('workers-route');
    const a = new Redis(testRedisUrl());
    const b = new Redis(testRedisUrl());
    try {
      await createRedisWorkerRegistry({ redis: a, prefix, lostAfterMs: 60_000 }).beat(beatOf('elsewhere', { concurrency: 6 }));
      const r = await callerOf(createRedisWorkerRegistry({ redis: b, prefix, lostAfterMs: 60_000 }))('GET', '/api/workers');
      expect(r.json).toMatchObject({ capacity: 6, lostAfterSeconds: 60, workers: [{ id: 'elsewhere', status: 'live' }] });
    } finally {
      await a.del(`${prefix}workers`);
      a.disconnect();
      b.disconnect();
    }
  });

  test("with the registry's Redis unreachable: 503 naming Redis, not 500", async () => {
    // Nothing listens on port 1; the client gives up after one retry.
    const redis = guardRedis(new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 1, retryStrategy: () => 20, lazyConnect: true }));
    try {
      const r = await callerOf(createRedisWorkerRegistry({ redis, prefix: 'x:', lostAfterMs: 60_000 }))('GET', '/api/workers');
      expect(r.status).toBe(503);
      expect(r.json.error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('Redis at 127.0.0.1:1 cannot be reached') });
    } finally {
      redis.disconnect();
    }
  });
});
