/**
 * The REST API on a real system: assets (scan, list, comment, delete),
 * presets (built-in and user, validation), jobs (create, outputs served,
 * events, time travel, fork, errors), and the system status.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { System } from '../system.ts';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import { createApp } from './app.ts';
import { signedIn } from '../../test/auth.ts';

const env = testEnv('sqlite', 'api');
let s: System;
let app: ReturnType<typeof createApp>;

const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  const res = await app.handle(new Request(`http://localhost${path}`, init));
  const text = await res.text();
  let json: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json, text, headers: res.headers };
};

const waitDone = async (id: string, timeoutMs = 60_000) => {
  let job: { status: string } = { status: '' };
  await until(
    async () => {
      job = (await call('GET', `/api/jobs/${id}`)).json;
      return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(job.status);
    },
    `job ${id} to end`,
    timeoutMs,
  );
  return job as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};

beforeAll(async () => {
  const input = join(env.dataDir, 'media/in');
  mkdirSync(join(input, 'sub'), { recursive: true });
  for (const [rel, name] of [
    ['video/mdn_flower.mp4', 'flower.mp4'],
    ['video/androidx_sample.mp4', 'sample.mp4'],
    ['audio/mdn_t-rex-roar.mp3', 't-rex.mp3'],
    ['derived/jpeg_renamed.mp4', 'photo.mp4'],
    ['derived/zero_bytes.mp4', 'sub/empty.mp4'],
  ])
    await Bun.write(join(input, name!), Bun.file(corpusFile(rel!)));
  s = await env.boot({ workConcurrency: 2 });
  await s.start();
  app = await signedIn(s, createApp(s));
});
afterAll(() => env.cleanup());

describe('assets', () => {
  test('scan registers each file once; broken ones are invalid with a reason', async () => {
    const first = await call('POST', '/api/assets/scan');
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ found: 5, registered: 5, skipped: 0 });
    expect(first.json.keys).toEqual(['flower.mp4', 'photo.mp4', 'sample.mp4', 'sub/empty.mp4', 't-rex.mp3']);
    expect((await call('POST', '/api/assets/scan', {})).json).toMatchObject({ found: 5, registered: 0, skipped: 5 });
    const invalid = (await call('GET', '/api/assets?status=invalid&sort=key')).json;
    expect(invalid.total).toBe(2);
    expect(invalid.items.map((a: { name: string; reason: string }) => [a.name, a.reason.length > 10])).toEqual([
      ['photo.mp4', true],
      ['empty.mp4', true],
    ]);
  }, 60_000);

  test('filters, search, sort and paging', async () => {
    const audio = (await call('GET', '/api/assets?kind=audio')).json;
    expect(audio.items.map((a: { key: string }) => a.key)).toEqual(['t-rex.mp3']);
    expect(audio.items[0]).toMatchObject({ kind: 'audio', status: 'ready', audioCodec: 'mp3', videoCodec: null });
    const page = (await call('GET', '/api/assets?sort=-size&limit=2&offset=1')).json;
    expect(page.total).toBe(5);
    expect(page.items).toHaveLength(2);
    expect(page.items[0].size).toBeGreaterThanOrEqual(page.items[1].size);
    expect((await call('GET', '/api/assets?q=FLOW')).json.items.map((a: { key: string }) => a.key)).toEqual(['flower.mp4']);
    const bad = await call('GET', '/api/assets?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'validation' });
    expect(bad.json.error.message).toContain('limit');
    expect((await call('GET', '/api/assets?sort=colour')).json.error.message).toContain('sort');
  });

  test("each asset shows its folder; sort=name orders by file name, not by the key's folders", async () => {
    const all = (await call('GET', '/api/assets?sort=name')).json.items as { key: string; name: string; folder: string }[];
    expect(all.map((a) => a.name)).toEqual(['empty.mp4', 'flower.mp4', 'photo.mp4', 'sample.mp4', 't-rex.mp3']);
    expect(all.map((a) => a.folder)).toEqual(['sub', '', '', '', '']);
    expect((await call('GET', '/api/assets?sort=-name')).json.items.map((a: { name: string }) => a.name)).toEqual([
      't-rex.mp3',
      'sample.mp4',
      'photo.mp4',
      'flower.mp4',
      'empty.mp4',
    ]);
  });

  test('comment, re-probe, delete; unknown ids are 404 JSON', async () => {
    const flower = (await call('GET', '/api/assets?q=flower')).json.items[0];
    expect(flower).toMatchObject({ width: 960, height: 540, videoCodec: 'h264', audioCodec: 'aac' });
    const commented = await call('PATCH', `/api/assets/${flower.id}`, { comment: 'macro shot, keep' });
    expect(commented.json.comment).toBe('macro shot, keep');
    expect((await call('GET', '/api/assets?q=keep')).json.total).toBe(1);
    expect((await call('PATCH', `/api/assets/${flower.id}`, { colour: 'red' })).status).toBe(400);
    expect((await call('PATCH', `/api/assets/${flower.id}`, '{not json')).status).toBe(400);
    expect((await call('POST', `/api/assets/${flower.id}/probe`)).json.status).toBe('ready');
    const photo = (await call('GET', '/api/assets?q=photo')).json.items[0];
    expect((await call('DELETE', `/api/assets/${photo.id}`)).json).toEqual({ deleted: true, outputsDeleted: 0 });
    const gone = await call('GET', `/api/assets/${photo.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('not_found');
  }, 60_000);
});

describe('presets', () => {
  const user = {
    id: 'small-ladder',
    name: 'Small ladder',
    output: 'hls',
    video: {
      rungs: [
        { height: 240, videoBitrate: 400000 },
        { height: 480, videoBitrate: 1200000 },
      ],
    },
  };

  test('built-ins are listed and read-only; user presets are validated, created, replaced, deleted', async () => {
    const list = (await call('GET', '/api/presets')).json;
    expect(list.items.slice(0, 4).map((p: { id: string }) => p.id)).toEqual(['hls-abr', 'mp4-720p', 'audio-aac', 'thumbnails']);
    const created = await call('POST', '/api/presets', user);
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'small-ladder', builtin: false, segmentSeconds: 6 });
    expect((await call('POST', '/api/presets', user)).status).toBe(409);
    const bad = await call('POST', '/api/presets', { ...user, id: 'other', video: { rungs: [{ height: 241, videoBitrate: 400000 }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('video.rungs[0].height');
    expect((await call('POST', '/api/presets', { ...user, id: 'hls-abr' })).status).toBe(409);
    expect((await call('PUT', '/api/presets/hls-abr', user)).status).toBe(409);
    expect((await call('DELETE', '/api/presets/hls-abr')).status).toBe(409);
    const replaced = await call('PUT', '/api/presets/small-ladder', { ...user, name: 'Smaller' });
    expect(replaced.json.name).toBe('Smaller');
    expect((await call('GET', '/api/presets/small-ladder')).json.name).toBe('Smaller');
    expect((await call('DELETE', '/api/presets/small-ladder')).status).toBe(204);
    expect((await call('GET', '/api/presets/small-ladder')).status).toBe(404);
  });
});

describe('jobs', () => {
  let done: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  test('create → 201, complete, outputs served with ranges', async () => {
    const sample = (await call('GET', '/api/assets?q=sample')).json.items[0];
    const created = await call('POST', '/api/jobs', { assetId: sample.id, presetId: 'hls-abr' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ assetId: sample.id, presetId: 'hls-abr', attempt: 1, outputs: null });
    expect(['PENDING', 'QUEUED', 'PROCESSING']).toContain(created.json.status);
    const preset = (await call('GET', '/api/presets/hls-abr')).json;
    expect(created.json).toMatchObject({ sourceKey: 'sample.mp4', sourceName: 'sample.mp4', presetName: preset.name });
    expect(preset.name).not.toBe('hls-abr');
    done = await waitDone(created.json.id);
    expect(done).toMatchObject({ status: 'COMPLETED', progress: 100, error: null });
    expect(done.outputs.master).toEndWith('/hls/master.m3u8');
    expect(done.renditions.map((r: { name: string }) => r.name)).toEqual(['audio', '360p', '720p']);
    const master = await call('GET', done.urls.master);
    expect(master.status).toBe(200);
    expect(master.headers.get('content-type')).toContain('mpegurl');
    expect(master.text).toContain('#EXT-X-STREAM-INF');
    const rung = await call('GET', done.renditions[1].url);
    // Served through its signed URL, the playlist lists its segments signed too.
    const segment = rung.text.split('\n').find((l: string) => /\.ts\?.*sig=/.test(l))!;
    const base = done.renditions[1].url.slice(0, done.renditions[1].url.lastIndexOf('/') + 1);
    const part = await app.handle(new Request(`http://localhost${base}${segment}`, { headers: { range: 'bytes=0-187' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toMatch(/^bytes 0-187\/\d+$/);
    expect((await part.arrayBuffer()).byteLength).toBe(188);
    expect((await call('GET', '/api/outputs/jobs/nope/x.m3u8')).status).toBe(404);
    const head = await app.handle(new Request(`http://localhost${done.urls.master}`, { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(master.text.length);
    expect(head.headers.get('cache-control')).toBe('no-cache');
    const size = master.text.length;
    const tail = await call('GET', done.urls.master, undefined, { range: 'bytes=10-' });
    expect([tail.status, tail.headers.get('content-range'), tail.text]).toEqual([206, `bytes 10-${size - 1}/${size}`, master.text.slice(10)]);
    const past = await call('GET', done.urls.master, undefined, { range: `bytes=${size}-` });
    expect([past.status, past.headers.get('content-range')]).toEqual([416, `bytes */${size}`]);
    expect((await call('GET', done.urls.poster)).headers.get('cache-control')).toContain('immutable');
    const outside = await call('GET', `/api/outputs/jobs/${done.id}/..%2F..%2Fmpr.db`);
    expect([outside.status, outside.json.error.code]).toEqual([400, 'validation']);
    const listed = (await call('GET', `/api/jobs?status=COMPLETED&assetId=${sample.id}`)).json;
    expect(listed.items.map((j: { id: string }) => j.id)).toEqual([done.id]);
    expect((await call('GET', '/api/jobs?status=DONE')).status).toBe(400);
  }, 120_000);

  test("a job's events, its state at any position, its chunks", async () => {
    const events = (await call('GET', `/api/jobs/${done.id}/events`)).json;
    const types = events.items.map((e: { type: string }) => e.type);
    expect(types[0]).toBe('JobCreated');
    expect(types.at(-1)).toBe('JobCompleted');
    expect(types).toContain('ChunkSucceeded');
    const planned = events.items.find((e: { type: string }) => e.type === 'JobPlanned');
    const then = (await call('GET', `/api/jobs/${done.id}/state?at=${planned.position}`)).json;
    expect(then.state.status).toBe('planned');
    const chunks = (await call('GET', `/api/jobs/${done.id}/chunks`)).json;
    expect(chunks.items.every((c: { status: string }) => c.status === 'SUCCEEDED')).toBe(true);
    const dry = (await call('POST', `/api/jobs/${done.id}/fork`, { fromPosition: planned.position, dryRun: true })).json;
    expect(dry).toMatchObject({ reused: 0, rerun: chunks.total });
    const fork = await call('POST', `/api/jobs/${done.id}/fork`, { fromPosition: planned.position });
    expect(fork.status).toBe(201);
    expect(fork.json.parent).toBe(done.id);
    expect((await waitDone(fork.json.id)).status).toBe('COMPLETED');
    expect((await call('GET', `/api/jobs?parent=${done.id}`)).json.items.map((j: { id: string }) => j.id)).toEqual([fork.json.id]);
    const badOverride = await call('POST', `/api/jobs/${done.id}/fork`, { fromPosition: planned.position, overrides: { preset: 'x' }, dryRun: true });
    expect([badOverride.status, badOverride.json.error.message]).toEqual([400, 'params.preset: a preset object is required']);
    expect((await call('POST', `/api/jobs/${done.id}/fork`, { fromPosition: 'x' })).status).toBe(400);
  });

  test("a job's events as SSE with Accept: text/event-stream", async () => {
    const ctl = new AbortController();
    const res = await app.handle(new Request(`http://localhost/api/jobs/${done.id}/events`, { headers: { accept: 'text/event-stream' }, signal: ctl.signal }));
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('"type":"JobCompleted"')) text += new TextDecoder().decode((await reader.read()).value);
    ctl.abort();
    await reader.cancel().catch(() => undefined);
    const streams = [...text.matchAll(/"stream":"([^"]+)"/g)].map((m) => m[1]!);
    expect(streams).toContain(`job:${done.id}`);
    expect(streams.every((x) => x === `job:${done.id}` || x.startsWith(`chunk:${done.id}:`))).toBe(true);
  });

  test('clear errors: invalid asset 409, unknown preset 404, missing fields 400, finished jobs cannot be cancelled or retried', async () => {
    const empty = (await call('GET', '/api/assets?q=empty')).json.items[0];
    const invalid = await call('POST', '/api/jobs', { assetId: empty.id, presetId: 'hls-abr' });
    expect(invalid.status).toBe(409);
    expect(invalid.json.error.message).toContain('empty');
    const sample = (await call('GET', '/api/assets?q=sample')).json.items[0];
    expect((await call('POST', '/api/jobs', { assetId: sample.id, presetId: 'nope' })).status).toBe(404);
    expect((await call('POST', '/api/jobs', { presetId: 'hls-abr' })).status).toBe(400);
    expect((await call('POST', `/api/jobs/${done.id}/cancel`)).status).toBe(409);
    expect((await call('POST', `/api/jobs/${done.id}/retry`)).status).toBe(409);
    expect((await call('GET', '/api/jobs/nope')).status).toBe(404);
  });

  test("deleting an asset with deleteOutputs removes its jobs' outputs, not its input", async () => {
    const sample = (await call('GET', '/api/assets?q=sample')).json.items[0];
    expect((await call('DELETE', `/api/assets/${sample.id}?deleteOutputs=maybe`)).status).toBe(400);
    const del = (await call('DELETE', `/api/assets/${sample.id}?deleteOutputs=true`)).json;
    expect(del.deleted).toBe(true);
    expect(del.outputsDeleted).toBeGreaterThan(10);
    expect(await s.storage.output.list(`jobs/${done.id}/`)).toEqual([]);
    // Gone, and said so (410 with a sentence), not a bare 404.
    expect((await call('GET', done.urls.master)).status).toBe(410);
    expect(await s.storage.input.stat('sample.mp4')).not.toBeNull();
  });
});

describe('system', () => {
  test('status shows the worker pool, storage and ffmpeg; OpenAPI lists the routes', async () => {
    const st = (await call('GET', '/api/system/status')).json;
    expect(st.workers).toMatchObject({ size: 2, busy: 0, queued: 0 });
    expect(st.storage.input).toContain('media/in');
    expect(st.ffmpeg.ffmpeg).toContain('ffmpeg');
    const doc = (await call('GET', '/api/openapi/json')).json;
    for (const p of ['/api/jobs', '/api/jobs/{id}/cancel', '/api/jobs/{id}/fork', '/api/assets/scan', '/api/presets', '/api/events', '/api/outputs/{key}'])
      expect(Object.keys(doc.paths)).toContain(p);
    expect(doc.paths['/api/assets'].get.parameters.map((p: { name: string }) => p.name)).toEqual(['status', 'kind', 'q', 'sort', 'limit', 'offset']);
    expect(doc.paths['/api/jobs/{id}/fork'].post.requestBody.content['application/json'].schema.required).toEqual(['fromPosition']);
  });
});
