/**
 * The actor runtime end to end on both log backends: a job fans out to
 * chunk actors and completes when all report — also across a restart in
 * the middle, a cancel, a failure and a fork.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { jobStream } from '../events/job.ts';
import { chunkStream } from '../events/chunk.ts';
import { kindsOf } from './job-kind.ts';
import { combineHashes } from '../work/checksum/kind.ts';
import { CORPUS, corpusFile } from '../../test/corpus.ts';
import { testEnv, type Backend, type TestEnv } from '../../test/system.ts';
import { gatedKind } from '../../test/gated-kind.ts';
import { until, waitForJob } from '../../test/wait.ts';
import { cancelJob, submitJob } from './submit.ts';
import { forkJob, stateAt } from './replay.ts';
import type { JobState } from './job.ts';

const CLIP = corpusFile('video/androidx_bbb_2500ms.ts');
/** Checksum jobs read the input store: the corpus is it, in place. */
const CLIP_KEY = 'video/androidx_bbb_2500ms.ts';
const withCorpus = { MEDIA_IN: CORPUS };

const count = (events: { type: string }[], type: string) => events.filter((e) => e.type === type).length;

for (const backend of ['sqlite', 'redis'] as Backend[]) {
  describe(`jobs on ${backend}`, () => {
    let env: TestEnv;
    afterEach(() => env?.cleanup());

    test('a checksum job fans out to chunks and completes with the right hash', async () => {
      env = testEnv(backend, 'flow', withCorpus);
      const s = await env.boot({ workConcurrency: 2 });
      await s.start();
      const { jobId } = await submitJob(s, { kind: 'checksum', params: { inputKey: CLIP_KEY, chunkBytes: 256 * 1024 } });
      const job = await waitForJob(s, jobId, ['COMPLETED', 'FAILED']);
      expect(job.error).toBeNull();
      expect(job.status).toBe('COMPLETED');
      const bytes = new Uint8Array(await Bun.file(CLIP).arrayBuffer());
      const hashes: string[] = [];
      for (let i = 0; i < bytes.length; i += 256 * 1024) hashes.push(new Bun.CryptoHasher('sha256').update(bytes.subarray(i, i + 256 * 1024)).digest('hex'));
      expect(job.result).toEqual({ sha256List: combineHashes(hashes), bytes: bytes.length, chunks: hashes.length });
      expect(job.chunks_total).toBe(hashes.length);
      expect(job.progress).toBe(100);
      const events = await s.log.readStream(jobStream(jobId));
      expect(events.map((e) => e.type)).toEqual(['JobCreated', 'JobPlanned', ...hashes.map(() => 'ChunkReported'), 'JobCompleted']);
      // Everything the job caused carries its id as correlation.
      expect(events.every((e) => e.meta.correlationId === jobId)).toBe(true);
    });

    test('restarted mid-flight, the job still completes exactly once', async () => {
      env = testEnv(backend, 'restart');
      const g = gatedKind(6);
      const first = await env.boot({ kinds: kindsOf(g.kind), workConcurrency: 2 });
      await first.start();
      const { jobId } = await submitJob(first, { kind: 'gated', params: {} });
      g.open(0);
      g.open(1);
      await until(async () => count(await first.log.readStream(jobStream(jobId)), 'ChunkReported') === 2, 'two chunks to report');
      await until(() => (g.started.get(2) ?? 0) + (g.started.get(3) ?? 0) >= 2, 'chunks 2 and 3 to be in flight');
      await first.close(); // chunks 2 and 3 are aborted mid-work

      const second = await env.boot({ kinds: kindsOf(g.kind), workConcurrency: 2 });
      await second.start();
      g.openAll();
      const job = await waitForJob(second, jobId, ['COMPLETED', 'FAILED']);
      expect(job.status).toBe('COMPLETED');
      expect(job.result).toEqual({ sum: 150 });

      const events = await second.log.readStream(jobStream(jobId));
      expect(count(events, 'JobCompleted')).toBe(1);
      expect(count(events, 'JobPlanned')).toBe(1);
      expect(count(events, 'ChunkReported')).toBe(6);
      for (let n = 0; n < 6; n++) {
        // Chunks 2 and 3 started on the first node (which handed them back as it stopped) and again on the second: one outcome each all the same.
        const types = (await second.log.readStream(chunkStream(jobId, n))).map((e) => e.type);
        expect([
          types[0],
          types.at(-1),
          count(
            types.map((type) => ({ type })),
            'ChunkSucceeded',
          ),
        ]).toEqual(['ChunkCreated', 'ChunkSucceeded', 1]);
        expect(types.slice(1, -1).every((t) => t === 'ChunkStarted' || t === 'ChunkHandedBack') && types.length >= 3).toBe(true);
      }
      // Work finished before the restart was not done again.
      expect(g.finished.get(0)).toBe(1);
      expect(g.finished.get(1)).toBe(1);
      expect(g.started.get(0)).toBe(1);
      // Routers stored their positions: a third boot re-delivers nothing new.
      const head = await second.log.head();
      await until(() => second.routers().every((r) => r.position() === head), 'routers to settle');
    });

    test('a bad input fails the job with a reason; other jobs carry on', async () => {
      env = testEnv(backend, 'fail', withCorpus);
      const s = await env.boot();
      await s.start();
      const bad = await submitJob(s, { kind: 'checksum', params: { inputKey: 'nonexistent/file.mp4' } });
      const good = await submitJob(s, { kind: 'checksum', params: { inputKey: CLIP_KEY } });
      const failed = await waitForJob(s, bad.jobId, ['COMPLETED', 'FAILED']);
      expect(failed.status).toBe('FAILED');
      expect(failed.error).toContain('cannot read nonexistent/file.mp4: no such object in the input store');
      expect((await waitForJob(s, good.jobId, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');
      await expect(submitJob(s, { kind: 'nope', params: {} })).rejects.toThrow('unknown job kind');
      await expect(submitJob(s, { kind: 'checksum', params: { chunkBytes: 5 } })).rejects.toThrow('params.inputKey');
    });

    test('cancel stops running chunks and nothing completes afterwards', async () => {
      env = testEnv(backend, 'cancel');
      const g = gatedKind(4);
      const s = await env.boot({ kinds: kindsOf(g.kind), workConcurrency: 2 });
      await s.start();
      const { jobId } = await submitJob(s, { kind: 'gated', params: {} });
      await until(() => (g.started.get(0) ?? 0) + (g.started.get(1) ?? 0) === 2, 'two chunks in flight');
      await cancelJob(s, jobId);
      const job = await waitForJob(s, jobId, ['CANCELLED', 'COMPLETED']);
      expect(job.status).toBe('CANCELLED');
      g.openAll();
      await Bun.sleep(100);
      const events = await s.log.readStream(jobStream(jobId));
      expect(count(events, 'JobCompleted')).toBe(0);
      expect(g.finished.size).toBe(0);
      await expect(cancelJob(s, 'no-such-job')).rejects.toThrow('no such job');
    });

    test('fork from an event reuses the work before it and runs the rest', async () => {
      env = testEnv(backend, 'fork');
      const g = gatedKind(5);
      g.openAll();
      const s = await env.boot({ kinds: kindsOf(g.kind), workConcurrency: 1 });
      await s.start();
      const { jobId } = await submitJob(s, { kind: 'gated', params: { label: 'a' } });
      await waitForJob(s, jobId, ['COMPLETED']);
      const reports = (await s.log.readStream(jobStream(jobId))).filter((e) => e.type === 'ChunkReported');
      const from = reports[2]!.position;

      const then = await stateAt(s.log, jobStream(jobId), from);
      expect(Object.keys((then.state as JobState).done)).toHaveLength(3);
      expect((then.state as JobState).status).toBe('planned');

      const runsBefore = [...g.finished.values()].reduce((a, b) => a + b, 0);
      const child = await forkJob(s.runtime, { jobId, fromPosition: from, overrides: { label: 'b' }, at: s.now() });
      const job = await waitForJob(s, child, ['COMPLETED', 'FAILED']);
      expect(job).toMatchObject({ status: 'COMPLETED', parent: jobId, params: { label: 'b' }, result: { sum: 100 } });
      expect([...g.finished.values()].reduce((a, b) => a + b, 0) - runsBefore).toBe(2);
      const first = (await s.log.readStream(jobStream(child)))[0]!;
      expect(first.type).toBe('JobForked');
      expect(first.data).toMatchObject({ parent: jobId, fromPosition: from, overrides: { label: 'b' } });
      await expect(forkJob(s.runtime, { jobId, fromPosition: 0, at: s.now() })).rejects.toThrow('before job');
      await expect(forkJob(s.runtime, { jobId: 'missing', fromPosition: 1, at: s.now() })).rejects.toThrow('no job missing');
    });
  });
}
