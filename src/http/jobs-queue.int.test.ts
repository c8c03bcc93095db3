/**
 * What REST says about work waiting and running, on both log backends, with
 * chunks held mid-run by a gated kind on a one-slot pool: a job waiting for
 * the slot is QUEUED, a running chunk is RUNNING on its worker, progress
 * follows the live ticks, a cancelled attempt's chunks are CANCELLED (also
 * after a rebuild) so the queue reads empty, and chunk lanes answer one
 * attempt at a time. Jobs carry their source's and preset's names.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chunkStream } from '../events/chunk.ts';
import { jobsTable } from '../projections/index.ts';
import type { System } from '../system.ts';
import { kindsOf } from '../actors/job-kind.ts';
import { gatedKind } from '../../test/gated-kind.ts';
import { testEnv, type Backend } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { createApp } from './app.ts';
import { signedIn } from '../../test/auth.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const backend of ['sqlite', 'redis'] as Backend[]) {
  describe(`waiting and running work through REST (${backend})`, () => {
    const env = testEnv(backend, `queue-${backend}`);
    const g = gatedKind(1);
    let s: System;
    let app: ReturnType<typeof createApp>;
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Json }> => {
      const res = await app.handle(
        new Request(`http://localhost${path}`, {
          method,
          body: body === undefined ? undefined : JSON.stringify(body),
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
        }),
      );
      return { status: res.status, json: await res.json() };
    };
    const job = async (id: string) => (await call('GET', `/api/jobs/${id}`)).json;
    const lane = async (id: string, query = '') => (await call('GET', `/api/jobs/${id}/chunks${query}`)).json.items as Json[];
    const queued = async () => (await call('GET', '/api/system/status')).json.workers.queued as number;
    const params = { inputKey: 'shows/day one/clip.mp4', presetId: 'p1', preset: { id: 'p1', name: 'Small ladder' } };
    let a: string;
    let b: string;

    beforeAll(async () => {
      s = await env.boot({ kinds: kindsOf(g.kind), workConcurrency: 1 });
      await s.start();
      app = await signedIn(s, createApp(s));
    });
    afterAll(() => env.cleanup());

    test('a job waiting for the free worker is QUEUED; the running chunk is RUNNING; REST progress follows the live ticks', async () => {
      const created = await call('POST', '/api/jobs', { kind: 'gated', params });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ sourceKey: 'shows/day one/clip.mp4', sourceName: 'clip.mp4', presetName: 'Small ladder' });
      a = created.json.id;
      await until(async () => (await lane(a))[0]?.status === 'RUNNING', 'the first job to run its chunk');
      expect((await lane(a))[0]).toMatchObject({ attempt: 1, n: 0, status: 'RUNNING', finishedAt: null });
      expect((await lane(a))[0].worker).toBeString();
      expect((await job(a)).status).toBe('PROCESSING');

      b = (await call('POST', '/api/jobs', { kind: 'gated', params: {} })).json.id;
      // Planned (JobPlanned) comes before its chunk is made (ChunkCreated, by the jobs router): wait for both.
      await until(async () => (await job(b)).chunksTotal === 1 && (await lane(b)).length === 1, 'the second job to be planned and its chunk made');
      expect(await job(b)).toMatchObject({ status: 'QUEUED', progress: 0, sourceName: null, presetName: null });
      expect((await lane(b)).map((c) => c.status)).toEqual(['QUEUED']);
      expect(await queued()).toBe(1);
      const listed = (await call('GET', '/api/jobs?status=QUEUED')).json.items.map((j: Json) => j.id);
      expect(listed).toEqual([b]);

      // The read model moves on chunk reports only; REST adds the latest tick.
      await until(async () => {
        g.report(0, 49);
        return (await job(a)).progress >= 49;
      }, 'REST to show the live percent');
      expect(jobsTable.load(s.db, [a])!.progress).toBe(0);
      expect((await call('GET', '/api/jobs?status=PROCESSING')).json.items.find((j: Json) => j.id === a).progress).toBe(49);
    });

    test("cancelled, a job's unstarted and running chunks are CANCELLED and the queue reads empty, also after a rebuild", async () => {
      expect((await call('POST', `/api/jobs/${b}/cancel`)).json.status).toBe('CANCELLED');
      expect((await lane(b)).map((c) => c.status)).toEqual(['CANCELLED']);
      expect(await queued()).toBe(0);
      expect((await call('POST', `/api/jobs/${a}/cancel`)).json).toMatchObject({ status: 'CANCELLED', progress: 0 });
      await until(async () => (await lane(a))[0].status === 'CANCELLED', "the running chunk's lane to end");
      await until(() => s.work().busy === 0, 'the slot to be free');
      // Each chunk records it too, once the runner sees its attempt ended.
      for (const id of [a, b]) {
        await until(
          async () => (await s.log.readStream(chunkStream(id, 0))).some((e) => e.type === 'ChunkCancelled'),
          `chunk 0 of ${id} to record its cancellation`,
        );
      }
      expect((await s.log.readStream(chunkStream(a, 0))).map((e) => e.type)).toEqual(['ChunkCreated', 'ChunkStarted', 'ChunkCancelled']);
      expect((await s.log.readStream(chunkStream(b, 0))).map((e) => e.type)).toEqual(['ChunkCreated', 'ChunkCancelled']);

      await s.projections.rebuild();
      expect([(await lane(a))[0].status, (await lane(b))[0].status]).toEqual(['CANCELLED', 'CANCELLED']);
      expect(await queued()).toBe(0);
    });

    test('chunk lanes answer the current attempt by default, another with ?attempt=N, every one with ?attempt=all', async () => {
      expect((await call('POST', `/api/jobs/${a}/retry`)).json.attempt).toBe(2);
      await until(async () => (await lane(a))[0]?.status === 'RUNNING', 'attempt 2 to run');
      expect((await lane(a)).map((c) => [c.attempt, c.status])).toEqual([[2, 'RUNNING']]);
      expect((await lane(a, '?attempt=1')).map((c) => [c.attempt, c.status])).toEqual([[1, 'CANCELLED']]);
      expect((await lane(a, '?attempt=all')).map((c) => [c.attempt, c.status])).toEqual([
        [1, 'CANCELLED'],
        [2, 'RUNNING'],
      ]);
      const bad = await call('GET', `/api/jobs/${a}/chunks?attempt=first`);
      expect([bad.status, bad.json.error.code]).toEqual([400, 'validation']);
      expect(bad.json.error.message).toContain('attempt');
      // A tick of the cancelled attempt is not this attempt's progress.
      expect((await job(a)).progress).toBe(0);
      g.open(0);
      await until(async () => (await job(a)).status === 'COMPLETED', 'attempt 2 to complete');
      expect(await job(a)).toMatchObject({ progress: 100, attempt: 2 });
      expect((await lane(a)).map((c) => c.status)).toEqual(['SUCCEEDED']);
    });
  });
}
