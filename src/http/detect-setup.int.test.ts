/**
 * Detection's setup over HTTP: profiles (built-ins read-only, create,
 * duplicate and tweak, the resolved pipeline, bad ones refused naming the
 * field), stages with their settings, timelines checked against their assets,
 * brand lists, and a timeline's frame cache dropped.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { apiCaller } from '../../test/api.ts';
import { adminHeaders } from '../../test/auth.ts';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv } from '../../test/system.ts';
import type { System } from '../system.ts';
import { createApp } from './app.ts';

const env = testEnv('sqlite', 'detect-setup');
let s: System;
let app: ReturnType<typeof createApp>;
let auth: Record<string, string>;
let video = '';
let audio = '';

const call = apiCaller({ handle: (r) => app.handle(r) }, () => auth);
const refusal = async (method: string, path: string, body: unknown) => {
  const r = await call(method, path, body);
  expect(r.status).toBe(400);
  return r.json.error.message as string;
};

beforeAll(async () => {
  s = await env.boot();
  await s.start({ routers: false });
  app = createApp(s);
  auth = await adminHeaders(s);
  await s.storage.input.putFile('flower.mp4', corpusFile('video/mdn_flower.mp4'));
  await s.storage.input.putFile('roar.mp3', corpusFile('audio/mdn_t-rex-roar.mp3'));
  await call('POST', '/api/assets/scan', {});
  const assets = (await call('GET', '/api/assets')).json.items as { id: string; key: string }[];
  video = assets.find((a) => a.key === 'flower.mp4')!.id;
  audio = assets.find((a) => a.key === 'roar.mp3')!.id;
});
afterAll(() => env.cleanup());

describe('profiles', () => {
  test('built-ins are listed and read-only; a duplicate can be tweaked, resolved and deleted', async () => {
    const list = (await call('GET', '/api/detect/config/profiles')).json as { name: string; builtIn: boolean }[];
    expect(list.filter((p) => p.builtIn).map((p) => p.name)).toEqual(['soccer_broadcast', 'generic_broadcast']);
    expect((await call('PUT', '/api/detect/config/profiles/soccer_broadcast', { name: 'x', pipeline: { stages: ['extract_frames'] } })).status).toBe(409);
    expect((await call('DELETE', '/api/detect/config/profiles/soccer_broadcast')).status).toBe(409);

    const copy = await call('POST', '/api/detect/config/profiles/soccer_broadcast/duplicate', { name: 'my_league' });
    expect(copy.status).toBe(201);
    expect(copy.json).toMatchObject({ name: 'my_league', basedOn: 'soccer_broadcast', builtIn: false });
    const changed = await call('PUT', '/api/detect/config/profiles/my_league', {
      name: 'ignored-the-path-wins',
      pipeline: copy.json.pipeline,
      configs: { ...copy.json.configs, ocr: { det_width: 960 } },
    });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ name: 'my_league', basedOn: 'soccer_broadcast', configs: { ocr: { det_width: 960 } } });
    const pipeline = (await call('GET', '/api/detect/config/profiles/my_league/pipeline')).json;
    expect(pipeline.order[0]).toBe('extract_frames');
    expect(pipeline.configs.ocr).toMatchObject({ det_width: 960, min_confidence: 0.5 });
    expect((await call('POST', '/api/detect/config/profiles/soccer_broadcast/duplicate', { name: 'my_league' })).status).toBe(409);
    expect((await call('DELETE', '/api/detect/config/profiles/my_league')).status).toBe(204);
    expect((await call('GET', '/api/detect/config/profiles/my_league')).status).toBe(404);
  });

  test('a bad profile is a 400 naming the field, and nothing is logged', async () => {
    const head = await s.log.head();
    const p = (over: Record<string, unknown>) => ({ name: 'bad', pipeline: { stages: ['extract_frames', 'ocr'] }, ...over });
    expect(await refusal('POST', '/api/detect/config/profiles', p({ configs: { ocr: { det_width: 'wide' } } }))).toBe(
      'configs.ocr.det_width: must be a whole number, got "wide"',
    );
    expect(await refusal('POST', '/api/detect/config/profiles', p({ pipeline: { stages: ['extract_frames', 'teleport'] } }))).toStartWith(
      'pipeline.stages[1]: unknown stage "teleport"',
    );
    const cycle = {
      stages: ['extract_frames', 'preprocess', 'ocr'],
      edges: [
        { from: 'preprocess', to: 'ocr' },
        { from: 'ocr', to: 'preprocess' },
      ],
    };
    expect(await refusal('POST', '/api/detect/config/profiles', p({ pipeline: cycle }))).toContain('a cycle: preprocess → ocr → preprocess');
    expect(await refusal('POST', '/api/detect/config/profiles', p({ extra: true }))).toStartWith('unknown field body.extra');
    expect(await s.log.head()).toBe(head);
  });

  test('stages describe their settings', async () => {
    const stages = (await call('GET', '/api/detect/config/stages')).json as { name: string; available: boolean }[];
    expect(stages).toHaveLength(11);
    expect(stages.filter((x) => !x.available).map((x) => x.name)).toEqual(['detect_objects', 'escalate_vlm', 'escalate_cloud']);
    const ocr = (await call('GET', '/api/detect/config/stages/ocr')).json;
    expect(ocr.defaults.det_width).toBe(640);
    expect(ocr.schema.properties.det_width).toMatchObject({ type: 'integer', minimum: 320 });
    expect((await call('GET', '/api/detect/config/stages/nope')).status).toBe(404);
  });
});

describe('timelines and brand lists', () => {
  test('a timeline of picks is checked against its assets', async () => {
    const made = await call('POST', '/api/detect/timeline', {
      name: 'Final, first half',
      picks: [
        { assetId: video, start: 0, end: 2.5 },
        { assetId: video, start: 3, end: 5 },
      ],
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ name: 'Final, first half', duration: 4.5 });
    expect((await call('GET', `/api/detect/timeline/${made.json.id}`)).json.picks).toHaveLength(2);
    expect((await call('GET', '/api/detect/timeline')).json.total).toBe(1);

    const t = (picks: unknown) => refusal('POST', '/api/detect/timeline', { name: 'x', picks });
    expect(await t([])).toStartWith('picks: must list at least one pick');
    expect(await t([{ assetId: video, start: 0, end: 60 }])).toMatch(/^picks\[0\]\.end: 60 s is past the end of the asset \(5\.\d+ s\)$/);
    expect(await t([{ assetId: video, start: 3, end: 2 }])).toStartWith('picks[0].end: must be after start');
    expect(await t([{ assetId: 'nope', start: 0, end: 1 }])).toBe('picks[0].assetId: no asset nope');
    expect(await t([{ assetId: audio, start: 0, end: 1 }])).toBe(`picks[0].assetId: asset ${audio} has no video to look at`);
    expect(await t([{ assetId: video, start: -1, end: 1 }])).toStartWith('picks[0].start: seconds, a number ≥ 0');
  });

  test("a timeline's frame cache is dropped on request", async () => {
    const tl = (await call('POST', '/api/detect/timeline', { name: 'cache', picks: [{ assetId: video, start: 0, end: 1 }] })).json;
    await s.storage.output.put(`detect/timelines/${tl.id}/frames/x/000001.jpg`, 'jpeg bytes');
    await s.storage.output.put(`detect/timelines/${tl.id}/frames/x/000002.jpg`, 'jpeg bytes');
    const r = await call('DELETE', `/api/detect/timeline/${tl.id}/cache`);
    expect({ status: r.status, json: r.json }).toEqual({ status: 200, json: { removed: 2 } });
    expect(await s.storage.output.list(`detect/timelines/${tl.id}/`)).toEqual([]);
  });

  test('brand lists: made, changed, refused with the field named, deleted', async () => {
    const made = await call('POST', '/api/detect/brands', { name: 'Cup sponsors', brands: [{ name: 'Zantora', aliases: ['ZNT'] }, { name: 'Quvello' }] });
    expect(made.status).toBe(201);
    expect(made.json.brands.map((b: { name: string }) => b.name)).toEqual(['Zantora', 'Quvello']);
    const renamed = await call('PUT', `/api/detect/brands/${made.json.id}`, { name: 'Cup sponsors 2026' });
    expect(renamed.json).toMatchObject({ name: 'Cup sponsors 2026', brands: made.json.brands });
    expect((await call('POST', '/api/detect/brands', { name: 'empty', brands: [] })).status).toBe(400);
    expect(await refusal('POST', '/api/detect/brands', { name: 'x', brands: [{ name: 'Ok' }, { aliases: ['no name'] }] })).toStartWith('brands[1].name');
    expect((await call('GET', '/api/detect/brands')).json.total).toBe(1);
    expect((await call('DELETE', `/api/detect/brands/${made.json.id}`)).status).toBe(204);
    expect((await call('GET', `/api/detect/brands/${made.json.id}`)).status).toBe(404);
  });
});

describe('settings, sources and scenarios', () => {
  test('settings name the default profile and brand list; a run that names neither uses them; bad ones are refused naming the field', async () => {
    expect((await call('GET', '/api/detect/config')).json).toEqual({
      defaultProfile: 'generic_broadcast',
      defaultBrandListId: null,
      updatedBy: null,
      updatedAt: null,
    });
    expect(await refusal('PUT', '/api/detect/config', { defaultProfile: 'nope' })).toBe('defaultProfile: no profile "nope"');
    expect(await refusal('PUT', '/api/detect/config', { defaultBrandListId: 'nope' })).toBe('defaultBrandListId: no brand list "nope"');
    expect(await refusal('PUT', '/api/detect/config', { colour: 'red' })).toContain('colour');

    const tl = (await call('POST', '/api/detect/timeline', { name: 'defaults', picks: [{ assetId: video, start: 0, end: 1 }] })).json;
    expect(await refusal('POST', '/api/detect/run', { timelineId: tl.id })).toBe('brandListId: required (no default brand list is set)');
    const list = (await call('POST', '/api/detect/brands', { name: 'defaults', brands: [{ name: 'Zantora' }] })).json;
    const set = await call('PUT', '/api/detect/config', { defaultProfile: 'soccer_broadcast', defaultBrandListId: list.id });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({ defaultProfile: 'soccer_broadcast', defaultBrandListId: list.id });
    expect(set.json.updatedBy).toBeString();

    const run = await call('POST', '/api/detect/run', { timelineId: tl.id });
    expect(run.status).toBe(201);
    const job = (await call('GET', `/api/detect/jobs/${run.json.jobId}`)).json;
    expect(job.params).toMatchObject({ profile: 'soccer_broadcast', brandListId: list.id });

    // The combination that ran is a scenario, named.
    await call('POST', '/api/detect/run', { timelineId: tl.id });
    const scenarios = (await call('GET', '/api/detect/scenarios')).json;
    expect(scenarios.items[0]).toMatchObject({
      timelineId: tl.id,
      timelineName: 'defaults',
      profile: 'soccer_broadcast',
      brandListId: list.id,
      brandListName: 'defaults',
      runs: 2,
      lastCompletedJobId: null,
    });
    expect(await refusal('GET', '/api/detect/scenarios?limit=0', undefined)).toContain('limit');
    await call('PUT', '/api/detect/config', { defaultProfile: 'generic_broadcast', defaultBrandListId: null });
  });

  test('sources are the ready videos; a job that is no span of its source has no chunks to pick', async () => {
    const sources = (await call('GET', '/api/detect/sources')).json;
    expect(sources.items.map((x: { id: string }) => x.id)).toEqual([video]);
    expect(sources.items[0]).toMatchObject({ key: 'flower.mp4', width: expect.any(Number) });
    const detectJob = (await call('GET', '/api/detect/jobs')).json.items[0].id;
    expect((await call('GET', `/api/detect/sources/${detectJob}/chunks`)).status).toBe(404);
  });
});
