/**
 * A detection run end to end over HTTP, on a labelled clip made with
 * drawn-in brand boards (test/detect-clips.ts): the run pauses after
 * extract_frames as asked, steps one stage, resumes and completes with the
 * brands the truth says (recall and precision ≥ 0.95); part 2's stages are
 * skipped with their reason. Replaying match_brands with a stricter setting
 * reuses every stage before it (no OCR item runs again) and hangs its
 * checkpoint beside the first try. Bad requests are 400s naming the field.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiCaller } from '../../../test/api.ts';
import { adminHeaders } from '../../../test/auth.ts';
import { type LabelledClip, makeLabelledClips } from '../../../test/detect-clips.ts';
import { testEnv } from '../../../test/system.ts';
import { until } from '../../../test/wait.ts';
import { createApp } from '../../http/app.ts';
import { readBytes } from '../../storage/index.ts';
import type { System } from '../../system.ts';
import { scoreClip } from './score.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = testEnv('sqlite', 'detect-run');
const ARTIFACTS = join(import.meta.dir, '../../../test-artifacts/detect');
let s: System;
let app: ReturnType<typeof createApp>;
let auth: Record<string, string>;
let dir: string;
let clip: LabelledClip;
let timelineId = '';
let brandListId = '';
const call = apiCaller({ handle: (r) => app.handle(r) }, () => auth);

const status = async (jobId: string) => (await call('GET', `/api/detect/status/${jobId}`)).json as Json;
const waitFor = async (jobId: string, ok: (st: Json) => boolean, what: string, ms = 120_000) => {
  let last: Json = null;
  await until(
    async () => {
      last = await status(jobId);
      if (last.status === 'FAILED') throw new Error(`job failed: ${last.error}`);
      return ok(last);
    },
    what,
    ms,
  ).catch((e) => {
    throw new Error(`${(e as Error).message}; last status ${JSON.stringify(last)}`);
  });
  return last;
};
const stageOf = (st: Json, name: string) => st.stages.find((x: Json) => x.stage === name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpr-detect-run-'));
  clip = (await makeLabelledClips(dir, { seconds: 10 }))[0]!;
  s = await env.boot({ workConcurrency: 2 });
  await s.start();
  app = createApp(s);
  auth = await adminHeaders(s);
  await s.storage.input.putFile('clip.mp4', clip!.path);
  await call('POST', '/api/assets/scan', {});
  const assets = (await call('GET', '/api/assets')).json.items as Json[];
  const asset = assets.find((a) => a.key === 'clip.mp4')!;
  await until(async () => (await call('GET', `/api/assets/${asset.id}`)).json.status === 'ready', 'the asset to be ready');
  timelineId = (await call('POST', '/api/detect/timeline', { name: 'labelled', picks: [{ assetId: asset.id, start: 0, end: clip!.seconds }] })).json.id;
  brandListId = (await call('POST', '/api/detect/brands', { name: 'dev', brands: clip!.brands })).json.id;
}, 240_000);
afterAll(async () => {
  await env.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('a detection run', () => {
  let jobId = '';

  test('bad requests are refused, naming the field', async () => {
    const base = { timelineId, profile: 'generic_broadcast', brandListId };
    const refused = async (body: unknown) => {
      const r = await call('POST', '/api/detect/run', body);
      expect(r.status).toBe(400);
      return r.json.error.message as string;
    };
    expect(await refused({ ...base, profile: 'nope' })).toContain('profile');
    expect(await refused({ ...base, timelineId: 'nope' })).toContain('timelineId');
    expect(await refused({ ...base, pauseAfter: 'nope' })).toContain('pauseAfter');
    expect(await refused({ ...base, configOverrides: { ocr: { det_width: 'wide' } } })).toContain('configOverrides.ocr.det_width');
  });

  test('pauses after extract_frames, steps one stage, resumes and finds the brands the truth says', async () => {
    const started = await call('POST', '/api/detect/run', { timelineId, profile: 'generic_broadcast', brandListId, pauseAfter: 'extract_frames' });
    expect(started.status).toBe(201);
    jobId = started.json.jobId;
    let st = await waitFor(jobId, (x) => x.paused && stageOf(x, 'extract_frames').status === 'completed', 'the pause after extract_frames');
    expect(st.status).toBe('PAUSED');
    expect(stageOf(st, 'extract_frames').stats.frames).toBe(clip.seconds * 2);
    expect(stageOf(st, 'filter_scenes').status).toBe('waiting');
    expect((await s.storage.output.list(`detect/timelines/${timelineId}/frames/`)).length).toBeGreaterThan(clip.seconds * 2);

    st = (await call('POST', `/api/detect/step/${jobId}`)).json;
    st = await waitFor(jobId, (x) => x.paused && stageOf(x, 'filter_scenes').status === 'completed', 'the step through filter_scenes');
    expect(stageOf(st, 'detect_edges').status).toBe('waiting');

    await call('POST', `/api/detect/resume/${jobId}`);
    st = await waitFor(jobId, (x) => x.status === 'COMPLETED', 'the run to complete', 240_000);
    for (const name of ['detect_objects', 'escalate_vlm', 'escalate_cloud'])
      expect(stageOf(st, name)).toMatchObject({ status: 'skipped', reason: 'not available yet' });
    expect(stageOf(st, 'ocr').status).toBe('completed');

    const job = (await call('GET', `/api/detect/jobs/${jobId}`)).json;
    const report = job.result.report;
    const score = scoreClip(clip.truth, report.intervals);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
    expect(score.precision).toBeGreaterThanOrEqual(0.95);
    expect(job.urls.intervals).toContain('/api/outputs/');
  }, 300_000);

  test('replaying match_brands reuses every stage before it: no OCR item runs again; its checkpoint hangs beside the first', async () => {
    const r = await call('POST', '/api/detect/replay-stage', { jobId, stage: 'match_brands', overrides: { min_similarity: 0.99 }, downstream: true });
    expect(r.status).toBe(201);
    const replay = r.json.jobId as string;
    const st = await waitFor(replay, (x) => x.status === 'COMPLETED', 'the replay to complete');
    expect(st.parent).toBe(jobId);
    for (const name of ['extract_frames', 'filter_scenes', 'detect_edges', 'preprocess', 'ocr'])
      expect(stageOf(st, name)).toMatchObject({ reusedFrom: jobId, chunks: 0 });
    expect(stageOf(st, 'match_brands')).toMatchObject({ status: 'completed', reusedFrom: null });
    // Nothing of the replay read text: its plan has no OCR item at all.
    const plan = ((await s.actors.job(replay).load()).state.plan ?? []).map((c) => c.stage);
    expect(new Set(plan)).toEqual(new Set(['match_brands', 'compile_report']));

    await s.projections.catchUp();
    const tree = (await call('GET', `/api/detect/checkpoints/${timelineId}/match_brands`)).json as Json[];
    expect(tree).toHaveLength(2);
    expect(tree[0].parent).toBe(tree[1].parent);
    expect(tree[1].overrides).toEqual({ min_similarity: 0.99 });
  }, 120_000);

  test('overlays draw a stage on a frame: the brand boxes where the truth has a board, the edge lines, the bare frame; bad asks are refused', async () => {
    const board = clip.truth[0]!;
    const seq = Math.round(((board.start + board.end) / 2) * 2);
    const made = await call('POST', '/api/detect/overlays', { jobId, stage: 'match_brands', seq });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ jobId, stage: 'match_brands', seq, timelineId, t: seq / 2 });
    expect(made.json.shapes.boxes).toBeGreaterThanOrEqual(1);
    const png = await app.handle(new Request(`http://localhost${made.json.url}`, { headers: auth }));
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = new Uint8Array(await png.arrayBuffer());
    // Kept for a person to look at, as the browser tests keep their screenshots.
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'match_brands.png'), bytes);
    expect([...bytes.slice(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    // Width and height from the PNG header: the frame cache's size.
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([1280, 720]);

    // The edge lines are found again from the frame with the run's settings.
    const edges = await call('POST', '/api/detect/overlays', { jobId, stage: 'detect_edges', seq });
    expect(edges.json.shapes.lines).toBeGreaterThan(0);
    writeFileSync(join(ARTIFACTS, 'detect_edges.png'), await readBytes(s.storage.output, edges.json.key));
    expect((await call('POST', '/api/detect/overlays', { jobId, stage: 'extract_frames', seq: 0 })).json.shapes).toEqual({ boxes: 0, lines: 0, masks: 0 });
    // Not drawn before: the GET draws it.
    const ocr = await app.handle(new Request(`http://localhost/api/detect/overlays/${timelineId}/${jobId}/ocr/${seq + 1}`, { headers: auth }));
    expect(ocr.status).toBe(200);
    expect(await s.storage.output.stat(`detect/jobs/${jobId}/a1/overlays/ocr/${seq + 1}.png`)).not.toBeNull();

    const refused = async (body: unknown, status: number, field: string) => {
      const r = await call('POST', '/api/detect/overlays', body);
      expect(r.status).toBe(status);
      expect(r.json.error.message).toContain(field);
    };
    await refused({ jobId, stage: 'ocr', seq: 100_000 }, 400, 'seq');
    await refused({ jobId, stage: 'compile_report', seq: 0 }, 400, 'stage');
    await refused({ jobId, stage: 'segment_field', seq: 0 }, 400, 'not a stage of this run');
    await refused({ jobId, stage: 'ocr', seq: -1 }, 400, 'seq');
    await refused({ jobId: 'nope', stage: 'ocr', seq: 0 }, 404, 'nope');
    const elsewhere = await app.handle(new Request(`http://localhost/api/detect/overlays/other/${jobId}/ocr/0`, { headers: auth }));
    expect(elsewhere.status).toBe(404);
  }, 120_000);

  test('the airing history lists every brand the runs saw, and which jobs saw each', async () => {
    await s.projections.catchUp();
    const aired = (await call('GET', '/api/detect/airings')).json;
    const truthBrands = [...new Set(clip.truth.map((x) => x.brand.toLowerCase()))].sort();
    expect(aired.items.map((b: Json) => b.brand.toLowerCase()).sort()).toEqual(truthBrands);
    // The first run and its replay both saw it.
    const one = (await call('GET', `/api/detect/airings/${encodeURIComponent(clip.truth[0]!.brand.toUpperCase())}`)).json;
    expect(one.items.map((a: Json) => a.jobId)).toContain(jobId);
    expect(one.total).toBe(2);
    expect(one.items[0].exposureSeconds).toBeGreaterThan(0);
    expect((await call('GET', '/api/detect/airings/Nobody')).json).toEqual({ items: [], total: 0 });
  });

  test('stop in the middle of OCR frees the workers at once and ends the run CANCELLED', async () => {
    const started = await call('POST', '/api/detect/run', { timelineId, profile: 'generic_broadcast', brandListId });
    const id = started.json.jobId as string;
    await waitFor(id, (x) => stageOf(x, 'ocr').status === 'running' && s.work().busy > 0, 'OCR items to run');
    const at = performance.now();
    const stopped = await call('POST', `/api/detect/stop/${id}`);
    expect(stopped.status).toBe(200);
    await until(() => s.work().busy === 0, 'the workers to be free', 10_000);
    // The target is 1 s (an OCR read is dropped at once; a frame's CV step finishes first); the limit above allows a busy machine.
    console.log(`stop freed the workers in ${Math.round(performance.now() - at)} ms`);
    await until(async () => (await status(id)).status === 'CANCELLED', 'the run to end CANCELLED', 10_000);
    expect(stageOf(await status(id), 'match_brands').status).toBe('waiting');
  }, 120_000);

  test("the run's events stream from its start", async () => {
    const ctl = new AbortController();
    const res = await app.handle(new Request(`http://localhost/api/detect/stream/${jobId}`, { headers: auth, signal: ctl.signal }));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('JobCompleted') && !text.includes('JobFailed')) text += new TextDecoder().decode((await reader.read()).value);
    ctl.abort();
    expect(text.indexOf('JobCreated')).toBeLessThan(text.indexOf('StageStarted'));
    expect(text).toContain('StageCompleted');
  }, 60_000);
});
