/**
 * Scale-out on real Redis: a server that only enqueues (MPR_WORKERS=0) and
 * separate worker systems that take chunks from the consumer group. A
 * worker that dies mid-chunk leaves its items pending; another claims them
 * after the idle time and the job completes with one outcome per chunk.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { submitJob } from '../../actors/submit.ts';
import { submitTranscode } from '../transcode/submit.ts';
import { scanAssets } from '../../actors/scan.ts';
import { assetIdFor } from '../../events/asset.ts';
import type { System } from '../../system.ts';
import { corpusFile } from '../../../test/corpus.ts';
import { gatedKind } from '../../../test/gated-kind.ts';
import { testEnv, type TestEnv } from '../../../test/system.ts';
import { until, waitForJob } from '../../../test/wait.ts';
import { kindsOf } from '../../actors/job-kind.ts';

const envs: TestEnv[] = [];
const env = (label: string, extra: Record<string, string>) => {
  const e = testEnv('redis', label, extra);
  envs.push(e);
  return e;
};
afterEach(async () => {
  for (const e of envs.splice(0).reverse()) await e.cleanup();
});

const timings = { claimIdleMs: 400, heartbeatMs: 100, blockMs: 100 };

describe('the Redis work queue', () => {
  test('a server that only enqueues and a worker elsewhere transcode a file together', async () => {
    const server = env('q-server', { MPR_WORK_QUEUE: 'redis', MPR_WORKERS: '0' });
    const media = { MEDIA_IN: join(server.dataDir, 'media/in'), MEDIA_OUT: join(server.dataDir, 'media/out') };
    mkdirSync(media.MEDIA_IN, { recursive: true });
    await Bun.write(join(media.MEDIA_IN, 'clip.mp4'), Bun.file(corpusFile('video/androidx_sample.mp4')));
    const s = await server.boot();
    await s.start();
    // The worker shares the log (same Redis prefix) and the media stores, not the server's data folder.
    const worker = await env('q-worker', { MPR_WORK_QUEUE: 'redis', MPR_WORKERS: '2', MPR_REDIS_PREFIX: server.prefix, ...media }).boot({
      queueTimings: timings,
    });
    await worker.start({ routers: false, projections: false, worker: true });

    await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now });
    await s.projections.waitFor(await s.log.head());
    const { jobId } = await submitTranscode(s, { assetId: assetIdFor('clip.mp4'), presetId: 'hls-abr' });
    const job = await waitForJob(s, jobId, ['COMPLETED', 'FAILED'], 60_000);
    expect({ status: job.status, error: job.error }).toEqual({ status: 'COMPLETED', error: null });
    const chunkEvents = (await s.log.readAll(0, 1000)).filter((e) => e.type === 'ChunkSucceeded');
    expect(chunkEvents.length).toBe(job.chunks_total);
    expect(chunkEvents.every((e) => e.meta.actor === 'worker')).toBe(true);
    expect(s.work().busy).toBe(0);
    expect(await s.queue!.depth()).toEqual({ waiting: 0, pending: 0 });
  }, 120_000);

  test('a worker that dies mid-chunk: another claims its chunks and the job completes once', async () => {
    const g = gatedKind(3);
    const kinds = kindsOf(g.kind);
    const server = env('q-server2', { MPR_WORK_QUEUE: 'redis', MPR_WORKERS: '0' });
    const s = await server.boot({ kinds });
    await s.start();
    const workerEnv = { MPR_WORK_QUEUE: 'redis', MPR_WORKERS: '3', MPR_REDIS_PREFIX: server.prefix };
    const doomed: System = await env('q-doomed', workerEnv).boot({ kinds, queueTimings: timings });
    await doomed.start({ routers: false, projections: false, worker: true });

    const { jobId } = await submitJob(s, { kind: 'gated', params: {} });
    await until(() => [0, 1, 2].every((n) => (g.started.get(n) ?? 0) === 1), 'the first worker to start all 3 chunks');
    expect(await s.queue!.depth()).toMatchObject({ pending: 3 });
    await doomed.close(); // dies: nothing recorded, nothing acknowledged

    const rescuer = await env('q-rescuer', workerEnv).boot({ kinds, queueTimings: timings });
    await rescuer.start({ routers: false, projections: false, worker: true });
    await until(() => [0, 1, 2].every((n) => (g.started.get(n) ?? 0) === 2), 'the second worker to claim all 3 chunks', 10_000);
    g.openAll();
    const job = await waitForJob(s, jobId, ['COMPLETED', 'FAILED'], 20_000);
    expect(job.status).toBe('COMPLETED');
    expect(job.result).toEqual({ sum: 30 });
    const succeeded = (await s.log.readAll(0, 1000)).filter((e) => e.type === 'ChunkSucceeded');
    expect(succeeded.map((e) => e.stream).sort()).toEqual([`chunk:${jobId}:0`, `chunk:${jobId}:1`, `chunk:${jobId}:2`]);
    await until(async () => (await s.queue!.depth()).pending === 0, 'every item acknowledged');
  });

  test('MPR_WORK_QUEUE=redis needs REDIS_URL; MPR_WORKERS=0 needs the Redis queue', async () => {
    const { parseConfig } = await import('../../config.ts');
    expect(() => parseConfig({ MPR_WORK_QUEUE: 'redis' })).toThrow('MPR_WORK_QUEUE: is "redis" but REDIS_URL is not set');
    expect(() => parseConfig({ MPR_WORKERS: '0' })).toThrow('MPR_WORKERS: 0 leaves nobody to do the work');
  });
});
