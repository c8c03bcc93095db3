/**
 * The cleanup router against a remote taker: an API node (no worker of its
 * own) and a separate worker node share a Redis log and work queue. The job
 * is cancelled while the worker holds its chunk, and the worker's effect
 * ignores the cancel and uploads late. The attempt's outputs must be
 * discarded only after that late upload (never before, or the upload would
 * outlive the discard), and the late result must not reach the job.
 */
import { afterAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../config.ts';
import { chunkStream } from '../events/chunk.ts';
import { jobStream } from '../events/job.ts';
import { silentLogger } from '../logger.ts';
import { createFsStorage } from '../storage/fs.ts';
import { createSystem, type System } from '../system.ts';
import { testRedisUrl } from '../../test/redis-server.ts';
import { testEnv } from '../../test/system.ts';
import { until, waitForJob } from '../../test/wait.ts';
import { kindsOf, type JobKind } from './job-kind.ts';
import { cancelJob, submitJob } from './submit.ts';

/** A kind whose one chunk writes its output only when the test says so, whatever the cancel says. */
const lateUploader = (output: ReturnType<typeof createFsStorage>) => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const log: string[] = [];
  const kind: JobKind<Record<string, unknown>> = {
    name: 'late-upload',
    validate: (p) => p,
    plan: async () => [{ n: 0, spec: {} }],
    async run(chunk, _p, ctx) {
      log.push(`run:${ctx.attempt}`);
      // Deaf to ctx.signal on purpose: a remote upload already on the wire finishes anyway.
      await gate;
      await output.put(`jobs/${ctx.jobId}/a${ctx.attempt}/part-${chunk.n}.bin`, new Uint8Array([1, 2, 3]));
      log.push('uploaded');
      return { n: chunk.n };
    },
    combine: (rs) => rs,
    async discard(_p, ctx) {
      const removed = await output.deletePrefix(`jobs/${ctx.jobId}/a${ctx.attempt}/`);
      log.push(`discard:${removed}`);
    },
  };
  return { kind, release, log };
};

describe('cleanup waits for a remote taker (Redis log and work queue)', () => {
  const env = testEnv('redis', 'late', { MPR_WORK_QUEUE: 'redis' });
  const workerDir = mkdtempSync(join(tmpdir(), 'mpr-late-worker-'));
  const output = createFsStorage(join(env.dataDir, 'shared-out'));
  const storage = { input: createFsStorage(join(env.dataDir, 'in')), output };
  let worker: System | null = null;
  let release = () => {};
  afterAll(async () => {
    release(); // a failed test must not leave the worker's close waiting on the gate
    await worker?.close();
    await env.cleanup();
    rmSync(workerDir, { recursive: true, force: true });
  });

  test('a worker that finishes after the cancel: its upload is discarded after it lands, and its result is dropped', async () => {
    const k = lateUploader(output);
    release = k.release;
    // The API node runs routers and projections; no worker of its own.
    const api = await env.boot({ kinds: kindsOf(k.kind), workConcurrency: 0, storage });
    await api.start();
    // Another node with its own data folder: only a worker loop on the shared queue.
    const workerConfig = parseConfig({
      MPR_DATA: workerDir,
      REDIS_URL: testRedisUrl(),
      MPR_REDIS_PREFIX: env.prefix,
      MPR_WORK_QUEUE: 'redis',
      LOG_LEVEL: 'error',
    });
    worker = await createSystem(workerConfig, { logger: silentLogger, kinds: kindsOf(k.kind), workConcurrency: 1, storage });
    await worker.start({ routers: false, projections: false, worker: true });

    const { jobId } = await submitJob(api, { kind: 'late-upload', params: {} });
    const chunk = chunkStream(jobId, 0, 1);
    await until(async () => k.log.length > 0 && (await api.log.readStream(chunk)).some((e) => e.type === 'ChunkStarted'), 'the worker to take the chunk');
    expect(k.log).toEqual(['run:1']);

    const cancelled = await cancelJob(api, jobId, 'changed my mind');
    await waitForJob(api, jobId, ['CANCELLED']);
    // The cleanup router has handled the cancel; the taker still holds the chunk, so nothing is discarded yet.
    await api
      .routers()
      .find((r) => r.name === 'job-cleanup')!
      .waitFor(cancelled.position);
    expect(k.log).toEqual(['run:1']);

    k.release();
    await until(() => k.log.some((x) => x.startsWith('discard:')), 'the discard after the late upload');
    // Uploaded first, then discarded with the file it uploaded.
    expect(k.log).toEqual(['run:1', 'uploaded', 'discard:1']);
    expect(await output.list(`jobs/${jobId}/`)).toEqual([]);

    // The late result was recorded on the chunk but never reached the job.
    const job = await waitForJob(api, jobId, ['CANCELLED']);
    expect(job.result).toBeNull();
    const jobEvents = (await api.log.readStream(jobStream(jobId))).map((e) => e.type);
    expect(jobEvents).not.toContain('ChunkReported');
    expect(jobEvents.at(-1)).toBe('JobCancelled');
  });
});
