/**
 * Poison items (MPR_MAX_ITEM_TRIES, here 3): a work item that stalls its
 * taker, or whose taker dies holding it, that many times is set aside in the
 * dead-letter list with its history, and its job fails with that reason —
 * nothing is handed out for ever. An admin retries one (its job runs again as
 * its next attempt) or drops it; a read-only key may only look.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { kindsOf, NO_TAGS, type JobKind } from '../actors/job-kind.ts';
import { AppError } from '../errors.ts';
import { chunkStream } from '../events/chunk.ts';
import { createApp } from '../http/app.ts';
import type { System } from '../system.ts';
import { signedIn } from '../../test/auth.ts';
import { gatedKind } from '../../test/gated-kind.ts';
import { testEnv } from '../../test/system.ts';
import { until, waitForJob } from '../../test/wait.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A kind whose one chunk always hangs: the watchdog kills it (an error carrying stalledSeconds, as runFfmpeg's stall). */
const stallingKind: JobKind<Record<string, unknown>> = {
  name: 'stalling',
  validate: (p) => p,
  tags: () => NO_TAGS,
  plan: async () => [{ n: 0, spec: {} }],
  run: async () => {
    throw Object.assign(new AppError('unavailable', 'ffmpeg stopped printing progress for 5 s: killed as hung'), { stalledSeconds: 5 });
  },
  combine: () => ({}),
};

const caller =
  (app: { handle(r: Request): Promise<Response> }) =>
  async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await app.handle(new Request(`http://localhost${path}`, init));
    return { status: res.status, json: (await res.json()) as Json };
  };

describe('a work item that stalls its taker MPR_MAX_ITEM_TRIES times', () => {
  const env = testEnv('sqlite', 'poison-stall', { MPR_MAX_ITEM_TRIES: '3' });
  let s: System;
  let call: ReturnType<typeof caller>;
  beforeAll(async () => {
    s = await env.boot({ kinds: kindsOf(stallingKind), workConcurrency: 1 });
    await s.start();
    call = caller(await signedIn(s, createApp(s)));
  });
  afterAll(() => env.cleanup());

  test('is dead-lettered with its history, fails its job, and an admin retries or drops it', async () => {
    const job = await call('POST', '/api/jobs', { kind: 'stalling', params: {} });
    expect(job.status).toBe(201);
    const failed = await waitForJob(s, job.json.id, ['FAILED', 'COMPLETED']);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/work item 0 lost its worker or stalled 3 times \(MPR_MAX_ITEM_TRIES=3\), so it was set aside in the dead-letter list/);

    const dead = await call('GET', '/api/work/dead');
    expect(dead.status).toBe(200);
    expect(dead.json.total).toBe(1);
    const item = dead.json.items[0];
    expect(item).toMatchObject({ itemId: chunkStream(job.json.id, 0), jobId: job.json.id, attempt: 1, n: 0, kind: 'stalling', tries: 3 });
    expect(item.history.map((h: Json) => h.what)).toEqual(['taken', 'stalled', 'stalled', 'stalled']);
    expect(item.history[1].stalledSeconds).toBe(5);

    // Anyone may look; only an admin acts.
    const readKey = await call('POST', '/api/keys', { name: 'reader', scopes: ['read'] });
    const reader = { authorization: `Bearer ${readKey.json.key}` };
    expect((await call('GET', '/api/work/dead', undefined, reader)).status).toBe(200);
    expect((await call('DELETE', `/api/work/dead/${item.itemId}`, undefined, reader)).status).toBe(403);

    // Retried: its job runs again as attempt 2 (which stalls again, and is set aside again).
    const retried = await call('POST', `/api/work/dead/${item.itemId}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ action: 'retried', jobId: job.json.id });
    await until(async () => (await call('GET', '/api/work/dead')).json.items[0]?.attempt === 2, 'attempt 2 to be set aside too', 30_000);
    const again = (await call('GET', '/api/work/dead')).json;
    expect(again.total).toBe(1);
    expect((await call('POST', `/api/work/dead/${item.itemId}/retry`)).status).toBe(404);

    // Encoded as the UI sends it (its colons escaped).
    const dropped = await call('DELETE', `/api/work/dead/${encodeURIComponent(again.items[0].itemId)}`);
    expect(dropped.status).toBe(200);
    expect((await call('GET', '/api/work/dead')).json).toEqual({ items: [], total: 0 });
    expect((await call('DELETE', `/api/work/dead/${again.items[0].itemId}`)).status).toBe(404);
  }, 60_000);
});

describe('a work item whose takers die holding it, or stop on purpose', () => {
  // One data folder per test: a system left running by one must not take the other's items.
  const envs: ReturnType<typeof testEnv>[] = [];
  const freshEnv = () => {
    const env = testEnv('sqlite', 'poison-lost', { MPR_MAX_ITEM_TRIES: '3' });
    envs.push(env);
    return env;
  };
  afterAll(async () => {
    for (const env of envs) await env.cleanup();
  });

  test('three takes lost to dead workers: dead-lettered at the next take instead of run a fourth time', async () => {
    const env = freshEnv();
    const gated = gatedKind(1);
    let s = await env.boot({ kinds: kindsOf(gated.kind), workConcurrency: 1 });
    await s.start();
    const job = await caller(await signedIn(s, createApp(s)))('POST', '/api/jobs', { kind: 'gated', params: {} });
    expect(job.status).toBe(201);
    const stream = chunkStream(job.json.id, 0);
    const takes = async () => (await s.log.readStream(stream)).filter((e) => e.type === 'ChunkStarted').length;
    await until(async () => (await takes()) === 1, 'the first take', 20_000);
    // Two other workers took it over in turn and died holding it (what the log says of a kill -9: a take, then nothing).
    const chunk = s.actors.chunk(job.json.id, 0, 1);
    for (const worker of ['dead-worker-1', 'dead-worker-2']) await chunk.execute({ type: 'StartChunk', data: { worker, at: new Date().toISOString() } });
    // This node stops too: the item was taken over from it, so it hands nothing back.
    await s.close();
    s = await env.boot({ kinds: kindsOf(gated.kind), workConcurrency: 1 });
    await s.start();
    const failed = await waitForJob(s, job.json.id, ['FAILED', 'COMPLETED'], 20_000);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toMatch(/lost its worker or stalled 3 times/);
    expect(await takes()).toBe(3);
    const types = (await s.log.readStream(stream)).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['ChunkDeadLettered', 'ChunkFailed']);
    expect(types).not.toContain('ChunkHandedBack');
    expect(gated.finished.get(0) ?? 0).toBe(0);
  }, 90_000);

  test('a worker that stops on purpose hands its item back: restarts never make it poison', async () => {
    const env = freshEnv();
    const gated = gatedKind(1);
    let s = await env.boot({ kinds: kindsOf(gated.kind), workConcurrency: 1 });
    await s.start();
    const job = await caller(await signedIn(s, createApp(s)))('POST', '/api/jobs', { kind: 'gated', params: {} });
    const stream = chunkStream(job.json.id, 0);
    const count = async (type: string) => (await s.log.readStream(stream)).filter((e) => e.type === type).length;
    for (let i = 1; i <= 4; i++) {
      await until(async () => (await count('ChunkStarted')) === i, `take ${i}`, 20_000);
      await s.close();
      s = await env.boot({ kinds: kindsOf(gated.kind), workConcurrency: 1 });
      await s.start();
    }
    expect(await count('ChunkHandedBack')).toBe(4);
    await until(async () => (await count('ChunkStarted')) === 5, 'take 5', 20_000);
    gated.open(0);
    expect((await waitForJob(s, job.json.id, ['FAILED', 'COMPLETED'], 20_000)).status).toBe('COMPLETED');
  }, 90_000);
});
