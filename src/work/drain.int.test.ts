/**
 * Graceful drain (what SIGTERM does to `mpr start` and `mpr worker`): no new
 * work item is taken, a running one gets its deadline to finish, and one
 * still running past it is handed back (ChunkHandedBack), to run again at
 * the next start without counting as a lost take.
 */
import { afterAll, expect, test } from 'bun:test';
import { kindsOf } from '../actors/job-kind.ts';
import { chunkStream } from '../events/chunk.ts';
import { createApp } from '../http/app.ts';
import { signedIn } from '../../test/auth.ts';
import { gatedKind } from '../../test/gated-kind.ts';
import { testEnv } from '../../test/system.ts';
import { until, waitForJob } from '../../test/wait.ts';

const envs: ReturnType<typeof testEnv>[] = [];
afterAll(async () => {
  for (const env of envs) await env.cleanup();
});

const running = async (chunks: number) => {
  const env = testEnv('sqlite', 'drain');
  envs.push(env);
  const gated = gatedKind(chunks);
  const s = await env.boot({ kinds: kindsOf(gated.kind), workConcurrency: 1 });
  await s.start();
  const res = await (await signedIn(s, createApp(s))).handle(
    new Request('http://localhost/api/jobs', {
      method: 'POST',
      body: JSON.stringify({ kind: 'gated', params: {} }),
      headers: { 'content-type': 'application/json' },
    }),
  );
  const jobId = ((await res.json()) as { id: string }).id;
  await until(() => (gated.started.get(0) ?? 0) === 1, 'the first chunk to start');
  return { env, gated, s, jobId };
};

test('a drain lets the running item finish and takes no other', async () => {
  const { env, gated, s, jobId } = await running(2);
  setTimeout(() => gated.open(0), 300);
  const r = await s.drain(20_000);
  expect(r).toEqual({ finished: 1, handedBack: 0 });
  expect(gated.started.get(1) ?? 0).toBe(0); // chunk 1 waited for the next start
  gated.open(1);
  const again = await env.boot({ kinds: kindsOf(gated.kind), workConcurrency: 1 });
  await again.start();
  expect((await waitForJob(again, jobId, ['COMPLETED', 'FAILED'], 20_000)).status).toBe('COMPLETED');
  expect(gated.started.get(0)).toBe(1);
}, 60_000);

test('past its deadline, a drain hands the running item back: it runs again at the next start', async () => {
  const { env, gated, s, jobId } = await running(1);
  const t0 = Date.now();
  const r = await s.drain(500);
  expect(Date.now() - t0).toBeLessThan(10_000);
  expect(r).toEqual({ finished: 0, handedBack: 1 });
  gated.open(0);
  const again = await env.boot({ kinds: kindsOf(gated.kind), workConcurrency: 1 });
  await again.start();
  expect((await waitForJob(again, jobId, ['COMPLETED', 'FAILED'], 20_000)).status).toBe('COMPLETED');
  const types = (await again.log.readStream(chunkStream(jobId, 0))).map((e) => e.type);
  expect(types).toEqual(['ChunkCreated', 'ChunkStarted', 'ChunkHandedBack', 'ChunkStarted', 'ChunkSucceeded']);
}, 60_000);
