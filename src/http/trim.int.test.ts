/** Trim and fork overrides through the REST API: a range in POST /api/jobs, and the 400s a person gets for bad ones. */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { System } from '../system.ts';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { createApp } from './app.ts';
import { signedIn } from '../../test/auth.ts';

const env = testEnv('sqlite', 'trim');
let s: System;
let app: ReturnType<typeof createApp>;
let assetId: string;

const call = async (method: string, path: string, body?: unknown) => {
  const res = await app.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
};

beforeAll(async () => {
  mkdirSync(join(env.dataDir, 'media/in'), { recursive: true });
  await Bun.write(join(env.dataDir, 'media/in/flower.mp4'), Bun.file(corpusFile('video/mdn_flower.mp4')));
  s = await env.boot({ workConcurrency: 2 });
  await s.start();
  app = await signedIn(s, createApp(s));
  await call('POST', '/api/assets/scan', {});
  await until(async () => (await call('GET', '/api/assets')).json.items.length === 1, 'the scan');
  assetId = (await call('GET', '/api/assets')).json.items[0].id;
});
afterAll(() => env.cleanup());

test('POST /api/jobs with a range makes an output of exactly that range', async () => {
  const created = await call('POST', '/api/jobs', { assetId, presetId: 'hls-abr', range: { start: 1, end: 3.5 } });
  expect(created.status).toBe(201);
  let job: { status: string; id: string } = created.json;
  await until(
    async () => {
      job = (await call('GET', `/api/jobs/${created.json.id}`)).json;
      return ['COMPLETED', 'FAILED'].includes(job.status);
    },
    'the job',
    120_000,
  );
  expect(job.status).toBe('COMPLETED');
  const video = (job as unknown as { renditions: { type: string; duration: number }[] }).renditions.filter((r) => r.type === 'video');
  for (const r of video) expect(r.duration).toBeCloseTo(2.5, 1);
}, 180_000);

test('bad ranges are 400s that say what is wrong', async () => {
  const bad = async (range: unknown) => {
    const r = await call('POST', '/api/jobs', { assetId, presetId: 'hls-abr', range });
    return [r.status, r.json.error.message];
  };
  expect(await bad({ start: 3, end: 2 })).toEqual([400, 'params.range: end (2 s) must come after start (3 s)']);
  expect(await bad({ start: 1, end: 60 })).toEqual([400, 'params.range: end (60 s) is past the end of the source (5.055 s)']);
  expect(await bad({ start: 1, stop: 2 })).toEqual([400, 'params.range: unknown field "stop" (a range has start and end, in seconds)']);
  expect(await bad('1-2')).toEqual([400, 'params.range: must be an object { start, end } in seconds']);
});

test('a fork override with an unknown key, or from past the end of the log, is a 400', async () => {
  const job = (await call('GET', '/api/jobs')).json.items[0];
  const dotted = await call('POST', `/api/jobs/${job.id}/fork`, { fromPosition: 1, overrides: { 'preset.audio.bitrate': 96000 }, dryRun: true });
  expect(dotted.status).toBe(400);
  expect(dotted.json.error.message).toContain('overrides: unknown key "preset.audio.bitrate"');
  const far = await call('POST', `/api/jobs/${job.id}/fork`, { fromPosition: 10_000_000, dryRun: true });
  expect([far.status, far.json.error.message]).toEqual([400, expect.stringContaining('is past the end of the log')]);
});
