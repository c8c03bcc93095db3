/**
 * MPR_MAX_CHUNKS: a job whose plan makes more work items than a job may
 * have is refused with a 400 before anything is written; a plan at the
 * limit runs. The corpus file is 1,128,375 bytes: 4096-byte chunks make 276.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { join } from 'node:path';
import type { System } from '../system.ts';
import { corpusFile } from '../../test/corpus.ts';
import { signedIn } from '../../test/auth.ts';
import { testEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { createApp } from './app.ts';

const env = testEnv('sqlite', 'chunk-cap', { MPR_MAX_CHUNKS: '100' });
let s: System;
let app: ReturnType<typeof createApp>;

const call = async (method: string, path: string, body?: unknown) => {
  const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
  const res = await app.handle(new Request(`http://localhost${path}`, init));
  return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

beforeAll(async () => {
  await Bun.write(join(env.dataDir, 'media/in/flower.mp4'), Bun.file(corpusFile('video/mdn_flower.mp4')));
  s = await env.boot({ workConcurrency: 2 });
  await s.start();
  app = await signedIn(s, createApp(s));
});
afterAll(() => env.cleanup());

test('a plan over MPR_MAX_CHUNKS answers 400 naming the limit and the setting, and writes nothing', async () => {
  const head = await s.log.head();
  const started = performance.now();
  const r = await call('POST', '/api/jobs', { kind: 'checksum', params: { inputKey: 'flower.mp4', chunkBytes: 4096 } });
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(r.status).toBe(400);
  expect(r.json.error).toEqual({
    code: 'validation',
    message: 'chunkBytes: this plan makes 276 work items, more than MPR_MAX_CHUNKS (100); use larger chunks (at least 11305 bytes)',
  });
  expect(await s.log.head()).toBe(head);
  expect((await call('GET', '/api/jobs')).json.total).toBe(0);
});

test('a plan at the limit runs; a fork that would plan over it is refused the same way', async () => {
  // ceil(1128375 / 11284) = 100 chunks: exactly the limit.
  const r = await call('POST', '/api/jobs', { kind: 'checksum', params: { inputKey: 'flower.mp4', chunkBytes: 11284 } });
  expect(r.status).toBe(201);
  let job: { status: string; result?: unknown } = { status: '' };
  await until(
    async () => {
      job = (await call('GET', `/api/jobs/${r.json.id}`)).json;
      return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status);
    },
    'the job at the limit to end',
    60_000,
  );
  expect(job.status).toBe('COMPLETED');
  expect((job.result as { chunks: number }).chunks).toBe(100);

  // From its first event (before it was planned) a fork plans afresh, with the new chunk size.
  const created = (await s.log.readStream(`job:${r.json.id}`))[0]!.position;
  const head = await s.log.head();
  for (const dryRun of [true, false]) {
    const fork = await call('POST', `/api/jobs/${r.json.id}/fork`, { fromPosition: created, overrides: { chunkBytes: 4096 }, dryRun });
    expect(fork.status).toBe(400);
    expect(fork.json.error.message).toStartWith('chunkBytes: this plan makes 276 work items, more than MPR_MAX_CHUNKS (100)');
  }
  expect(await s.log.head()).toBe(head);
}, 90_000);
