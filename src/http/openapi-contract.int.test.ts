/**
 * The document tells the truth: real answers of a running MPR (a scan, a
 * short transcode, a checksum job, its chunks, events, state and a fork
 * preview, presets, status, errors) match the models a client is generated
 * from. Extra fields pass (a model lists what a client may rely on), wrong
 * types and missing or wrongly nullable fields fail.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TypeCompiler } from 'elysia/type-system';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv, type TestEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { createApp } from './app.ts';
import { MODELS, type ModelName } from './schemas.ts';
import { signedIn } from '../../test/auth.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The first few mismatches between `value` and a model, as "path: message". */
const mismatches = (name: ModelName, value: unknown): string[] =>
  [...TypeCompiler.Compile(MODELS[name]).Errors(value)].slice(0, 5).map((e) => `${name}${e.path}: ${e.message} (got ${JSON.stringify(e.value)?.slice(0, 80)})`);

const env: TestEnv = testEnv('sqlite', 'openapi-contract');
let app: ReturnType<typeof createApp>;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await app.handle(
    new Request(`http://localhost${path}`, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
    }),
  );
  return { status: res.status, json: (await res.json()) as Json };
};
const ended = async (id: string) => {
  let job: Json = {};
  await until(
    async () => {
      job = (await call('GET', `/api/jobs/${id}`)).json;
      return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status);
    },
    `job ${id} to end`,
    120_000,
  );
  return job;
};

beforeAll(async () => {
  const input = join(env.dataDir, 'media/in');
  mkdirSync(join(input, 'sub'), { recursive: true });
  await Bun.write(join(input, 'sub/sample.mp4'), Bun.file(corpusFile('video/androidx_sample.mp4')));
  await Bun.write(join(input, 'broken.mp4'), 'not a video');
  const s = await env.boot({ workConcurrency: 2 });
  await s.start();
  app = await signedIn(s, createApp(s));
});
afterAll(() => env.cleanup());

describe('real answers match the documented models', () => {
  test('a model is not a formality: a wrong answer fails it', () => {
    expect(mismatches('Job', {})).not.toEqual([]);
    expect(mismatches('Error', { error: { code: 'validation', message: 5 } })).not.toEqual([]);
    expect(mismatches('Error', { error: { code: 'validation', message: 'a sentence' } })).toEqual([]);
  });

  test('assets, a transcode with its renditions, a checksum job with chunks, events, state and a fork preview; presets, status, errors', async () => {
    const problems: string[] = [];
    const check = (name: ModelName, value: unknown) => problems.push(...mismatches(name, value));

    const scan = await call('POST', '/api/assets/scan', {});
    check('ScanResult', scan.json);
    const assets = (await call('GET', '/api/assets?limit=10')).json;
    check('AssetList', assets);
    expect(assets.items.map((a: Json) => a.status).sort()).toEqual(['invalid', 'ready']);
    const sample = assets.items.find((a: Json) => a.status === 'ready');
    check('Asset', (await call('GET', `/api/assets/${sample.id}`)).json);

    const created = await call('POST', '/api/jobs', { assetId: sample.id, presetId: 'hls-abr', range: { start: 0, end: 0.5 } });
    expect(created.status).toBe(201);
    check('Job', created.json);
    const transcode = await ended(created.json.id);
    expect(transcode.status).toBe('COMPLETED');
    expect(transcode.renditions.length).toBeGreaterThan(1);
    check('Job', transcode);

    const checksum = await call('POST', '/api/jobs', { kind: 'checksum', params: { inputKey: 'sub/sample.mp4', chunkBytes: 32768 } });
    const job = await ended(checksum.json.id);
    expect(job.status).toBe('COMPLETED');
    check('Job', job);
    check('JobList', (await call('GET', '/api/jobs?limit=5')).json);
    check('ChunkList', (await call('GET', `/api/jobs/${job.id}/chunks`)).json);
    const events = (await call('GET', `/api/jobs/${job.id}/events`)).json;
    check('EventList', events);
    const at = events.items[2].position;
    check('StateAt', (await call('GET', `/api/jobs/${job.id}/state?at=${at}`)).json);
    check('ForkSummary', (await call('POST', `/api/jobs/${job.id}/fork`, { fromPosition: at, dryRun: true })).json);

    check('PresetList', (await call('GET', '/api/presets')).json);
    check('Preset', (await call('GET', '/api/presets/hls-abr')).json);
    check('SystemStatus', (await call('GET', '/api/system/status')).json);
    for (const path of ['/api/jobs/nope', '/api/jobs?limit=abc', '/api/assets/nope']) check('Error', (await call('GET', path)).json);

    expect(problems).toEqual([]);
  }, 180_000);
});
