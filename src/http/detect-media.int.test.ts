/**
 * The media detection's pages show, over HTTP, after a real run of a short
 * profile on real footage: timelines changed and deleted (their cache with
 * them), the frame cache by extraction, the run's cached frames, overlays
 * with layers, filmstrips (made once, a signed URL an <img> loads without a
 * token), a source file streamed through a signed URL (ranges; a wrong,
 * tampered or expired signature refused; no escape from the store), and
 * brand reference images. Each refusal is checked with its status and words.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { apiCaller } from '../../test/api.ts';
import { adminHeaders } from '../../test/auth.ts';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv } from '../../test/system.ts';
import { until } from '../../test/wait.ts';
import type { System } from '../system.ts';
import { createApp } from './app.ts';
import { signSourceUrl } from './source-files.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = testEnv('sqlite', 'detect-media');
let s: System;
let app: ReturnType<typeof createApp>;
let auth: Record<string, string>;
let readOnly: Record<string, string>;
const ids = { video: '', audio: '', broken: '', gone: '', list: '', timeline: '', job: '' };

const call = apiCaller({ handle: (r) => app.handle(r) }, () => auth);
/** A request with no credential at all (what an <img> or a <video> sends). */
const bare = (path: string, init: RequestInit = {}) => app.handle(new Request(`http://localhost${path}`, init));
const refused = async (method: string, path: string, status: number, body?: unknown) => {
  const r = await call(method, path, body);
  expect({ path, status: r.status }).toEqual({ path, status });
  return r.json.error.message as string;
};
const postBytes = (path: string, bytes: Uint8Array | string, type: string | null, headers = auth) =>
  app.handle(new Request(`http://localhost${path}`, { method: 'POST', headers: type ? { ...headers, 'content-type': type } : headers, body: bytes }));

beforeAll(async () => {
  s = await env.boot({ workConcurrency: 2 });
  await s.start();
  app = createApp(s);
  auth = await adminHeaders(s);
  await s.storage.input.putFile('flower.mp4', corpusFile('video/mdn_flower.mp4'));
  await s.storage.input.putFile('roar.mp3', corpusFile('audio/mdn_t-rex-roar.mp3'));
  await s.storage.input.putFile('broken.mp4', corpusFile('video/androidx_sample.mp4'));
  await s.storage.input.putFile('gone.mp4', corpusFile('video/androidx_sample.mp4'));
  await call('POST', '/api/assets/scan', {});
  const assets = (await call('GET', '/api/assets')).json.items as Json[];
  const idOf = (key: string) => assets.find((a) => a.key === key)!.id as string;
  Object.assign(ids, { video: idOf('flower.mp4'), audio: idOf('roar.mp3'), broken: idOf('broken.mp4'), gone: idOf('gone.mp4') });
  // Ready when scanned; spoiled (and removed) behind the scan's back.
  await s.storage.input.put('broken.mp4', 'these bytes are no video at all');
  await s.storage.input.delete('gone.mp4');
  readOnly = { authorization: `Bearer ${(await call('POST', '/api/keys', { name: 'read', scopes: ['read'] })).json.key}` };

  ids.list = (await call('POST', '/api/detect/brands', { name: 'media', brands: [{ name: 'Zantora' }] })).json.id;
  const profile = await call('POST', '/api/detect/config/profiles', {
    name: 'media_test',
    pipeline: { stages: ['extract_frames', 'filter_scenes', 'segment_field'] },
    configs: { extract_frames: { fps: 2, width: 320 } },
  });
  expect(profile.status).toBe(201);
  ids.timeline = (await call('POST', '/api/detect/timeline', { name: 'flower', picks: [{ assetId: ids.video, start: 0, end: 2 }] })).json.id;
  const run = await call('POST', '/api/detect/run', { timelineId: ids.timeline, profile: 'media_test', brandListId: ids.list });
  expect(run.status).toBe(201);
  ids.job = run.json.jobId;
  await until(
    async () => {
      const st = (await call('GET', `/api/detect/status/${ids.job}`)).json;
      if (st.status === 'FAILED') throw new Error(`the run failed: ${st.error}`);
      return st.status === 'COMPLETED';
    },
    'the run to complete',
    120_000,
  );
}, 180_000);
afterAll(() => env.cleanup());

describe('timelines', () => {
  test('a change keeps what it leaves out and is checked as a new timeline is; a delete drops its cache', async () => {
    const made = (await call('POST', '/api/detect/timeline', { name: 'draft', picks: [{ assetId: ids.video, start: 0, end: 1 }] })).json;
    const renamed = await call('PUT', `/api/detect/timeline/${made.id}`, { name: 'Second half' });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ id: made.id, name: 'Second half', picks: made.picks });
    const repicked = await call('PUT', `/api/detect/timeline/${made.id}`, { picks: [{ assetId: ids.video, start: 1, end: 3.5 }] });
    expect(repicked.json).toMatchObject({ name: 'Second half', duration: 2.5 });
    expect((await call('GET', `/api/detect/timeline/${made.id}`)).json.picks).toEqual([{ assetId: ids.video, start: 1, end: 3.5 }]);

    const put = (body: unknown) => refused('PUT', `/api/detect/timeline/${made.id}`, 400, body);
    expect(await put({ picks: [] })).toStartWith('picks: must list at least one pick');
    expect(await put({ picks: [{ assetId: ids.audio, start: 0, end: 1 }] })).toBe(`picks[0].assetId: asset ${ids.audio} has no video to look at`);
    expect(await put({ name: '' })).toBe('name: a name of 1 to 200 characters');
    expect(await put({ colour: 'red' })).toStartWith('unknown field body.colour');
    expect(await refused('PUT', '/api/detect/timeline/nope', 404, { name: 'x' })).toBe('no timeline nope');

    await s.storage.output.put(`detect/timelines/${made.id}/frames/x/0.jpg`, 'jpeg bytes');
    expect((await call('DELETE', `/api/detect/timeline/${made.id}`)).status).toBe(204);
    expect((await call('GET', `/api/detect/timeline/${made.id}`)).status).toBe(404);
    expect(await s.storage.output.list(`detect/timelines/${made.id}/`)).toEqual([]);
    expect(await refused('DELETE', `/api/detect/timeline/${made.id}`, 404)).toBe(`no timeline ${made.id}`);
    const asReader = await app.handle(new Request(`http://localhost/api/detect/timeline/${ids.timeline}`, { method: 'DELETE', headers: readOnly }));
    expect(asReader.status).toBe(403);
  });

  test("a run's frame cache is listed by extraction, its bytes summed from the store", async () => {
    const r = await call('GET', `/api/detect/timeline/${ids.timeline}/cache`);
    expect(r.status).toBe(200);
    const listed = await s.storage.output.list(`detect/timelines/${ids.timeline}/`);
    const st = (await call('GET', `/api/detect/status/${ids.job}`)).json;
    const frames = st.stages.find((x: Json) => x.stage === 'extract_frames').stats.frames;
    expect(frames).toBe(4);
    expect(r.json).toEqual({
      timelineId: ids.timeline,
      frames,
      bytes: listed.reduce((a, o) => a + o.size, 0),
      sets: [{ fps: 2, width: 320, height: 180, frames, bytes: listed.reduce((a, o) => a + o.size, 0) }],
    });
    // A segment cut short (no manifest) weighs in bytes but holds no whole frames.
    await s.storage.output.put(`detect/timelines/${ids.timeline}/frames/partial/0.jpg`, '12345');
    const after = (await call('GET', `/api/detect/timeline/${ids.timeline}/cache`)).json;
    expect({ frames: after.frames, bytes: after.bytes, sets: after.sets.length }).toEqual({ frames, bytes: r.json.bytes + 5, sets: 1 });
    await s.storage.output.delete(`detect/timelines/${ids.timeline}/frames/partial/0.jpg`);
    expect(await refused('GET', '/api/detect/timeline/nope/cache', 404)).toBe('no timeline nope');
  });
});

describe("a run's frames and overlays", () => {
  test('a cached frame comes as JPEG by its number on the timeline; refusals say why', async () => {
    const res = await app.handle(new Request(`http://localhost/api/detect/frames/${ids.job}/3`, { headers: auth }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(new Uint8Array(await res.arrayBuffer())).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'jpeg', width: 320, height: 180 });
    expect(await refused('GET', `/api/detect/frames/${ids.job}/4`, 400)).toBe("seq: frame 4 is past the timeline's last (3)");
    expect(await refused('GET', '/api/detect/frames/nope/0', 404)).toBe('no detect job nope');
    expect(await refused('GET', `/api/detect/frames/${ids.job}/x`, 400)).toContain('seq');
    expect((await bare(`/api/detect/frames/${ids.job}/0`)).status).toBe(401);
  });

  test('layers draw other stages of the run over the same frame, kept in a file of their own', async () => {
    const plain = await call('POST', '/api/detect/overlays', { jobId: ids.job, stage: 'filter_scenes', seq: 1 });
    expect(plain.status).toBe(201);
    const layered = await call('POST', '/api/detect/overlays', { jobId: ids.job, stage: 'filter_scenes', seq: 1, layers: ['segment_field'] });
    expect(layered.status).toBe(201);
    expect(layered.json.layers).toEqual(['segment_field']);
    expect(layered.json.key).toContain('/overlays/filter_scenes+segment_field/1.png');
    expect(layered.json.key).not.toBe(plain.json.key);
    expect(layered.json.url).toEndWith('/filter_scenes/1?layers=segment_field');
    expect(layered.json.shapes.masks).toBe(plain.json.shapes.masks + 1);
    expect(layered.json.shapes.boxes).toBeGreaterThanOrEqual(plain.json.shapes.boxes);

    const png = await app.handle(new Request(`http://localhost${layered.json.url}`, { headers: auth }));
    expect(png.status).toBe(200);
    const kept = new Uint8Array(await new Response(await s.storage.output.get(layered.json.key)).arrayBuffer());
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(kept);
    const plainPng = new Uint8Array(await new Response(await s.storage.output.get(plain.json.key)).arrayBuffer());
    expect(plainPng).not.toEqual(kept);

    const post = (layers: unknown) => refused('POST', '/api/detect/overlays', 400, { jobId: ids.job, stage: 'filter_scenes', seq: 1, layers });
    expect(await post(['segment_field', 'nope'])).toContain('layers[1]');
    expect(await post(['filter_scenes'])).toBe('layers[0]: filter_scenes is the stage drawn already');
    expect(await post(['segment_field', 'segment_field'])).toBe('layers[1]: segment_field is listed twice');
    expect(await post(['ocr'])).toBe('layers[0]: ocr is not a stage of this run (extract_frames, filter_scenes, segment_field)');
    const base = layered.json.url.split('?')[0];
    expect(await refused('GET', `${base}?layers=segment_field,detect_objects`, 400)).toStartWith('layers[1]: "detect_objects" draws nothing on a frame');
    expect(await refused('GET', `${base}?layers=x&layers=y`, 400)).toContain('more than once');
  });
});

describe('a dropped frame cache', () => {
  test("a run's frames are gone with it: a 409 that says how to get them back", async () => {
    expect((await call('DELETE', `/api/detect/timeline/${ids.timeline}/cache`)).json.removed).toBeGreaterThan(4);
    expect(await refused('GET', `/api/detect/frames/${ids.job}/0`, 409)).toBe(
      `the frame cache of job ${ids.job}'s timeline was dropped: run the timeline again to extract its frames`,
    );
    expect((await call('GET', `/api/detect/timeline/${ids.timeline}/cache`)).json).toEqual({ timelineId: ids.timeline, frames: 0, bytes: 0, sets: [] });
  });
});

describe('filmstrips', () => {
  test('made once with ffmpeg, kept, and loaded by an <img> through a signed URL', async () => {
    const r = await call('GET', `/api/detect/sources/${ids.video}/filmstrip?count=4&height=48`);
    expect(r.status).toBe(200);
    // flower.mp4: 960x540, 5.055 s.
    expect(r.json).toMatchObject({ assetId: ids.video, count: 4, width: 86, height: 48 });
    expect(r.json.times).toEqual([0.632, 1.896, 3.159, 4.423]);
    expect(r.json.url).toStartWith(`/api/outputs/detect/filmstrips/${ids.video}/4x48-`);
    const img = await bare(r.json.url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(new Uint8Array(await img.arrayBuffer())).metadata();
    expect({ width: meta.width, height: meta.height }).toEqual({ width: 4 * 86, height: 48 });

    const again = await call('GET', `/api/detect/sources/${ids.video}/filmstrip?count=4&height=48`);
    expect(again.json).toEqual(r.json);
    expect((await s.storage.output.list(`detect/filmstrips/${ids.video}/`)).map((o) => o.key.split('.').at(-1))).toEqual(['jpg', 'json']);
    const defaults = (await call('GET', `/api/detect/sources/${ids.video}/filmstrip`)).json;
    expect({ count: defaults.count, height: defaults.height, times: defaults.times.length }).toEqual({ count: 20, height: 90, times: 20 });

    // The signature opens this asset's strips, nothing else; without it an <img> gets nothing.
    expect((await bare(r.json.url.split('?')[0])).status).toBe(401);
    const elsewhere = r.json.url.replace(`/filmstrips/${ids.video}/`, `/filmstrips/${ids.audio}/`);
    expect((await bare(elsewhere)).status).toBe(403);
  }, 60_000);

  test('refusals: a bad count or height names it; an unknown asset, one with no video, a file ffmpeg cannot read', async () => {
    const strip = (q: string, asset = ids.video) => call('GET', `/api/detect/sources/${asset}/filmstrip${q}`);
    for (const [q, field] of [
      ['?count=1', 'count'],
      ['?count=61', 'count'],
      ['?count=abc', 'count'],
      ['?height=31', 'height'],
      ['?height=241', 'height'],
      ['?height=1.5', 'height'],
    ] as const) {
      const r = await strip(q);
      expect({ q, status: r.status }).toEqual({ q, status: 400 });
      expect(r.json.error.message).toStartWith(`${field}: a whole number from`);
    }
    expect(await refused('GET', '/api/detect/sources/nope/filmstrip', 404)).toBe('no asset nope');
    expect(await refused('GET', `/api/detect/sources/${ids.audio}/filmstrip`, 409)).toBe(`asset ${ids.audio} has no video: no filmstrip`);
    const broken = await refused('GET', `/api/detect/sources/${ids.broken}/filmstrip?count=3`, 422);
    expect(broken).toStartWith('ffmpeg cannot read broken.mp4 for a filmstrip: ');
    expect(broken).not.toContain(env.dataDir);
  }, 60_000);
});

describe('source media', () => {
  test('a signed URL streams the file to a <video>: whole, by range, and its headers', async () => {
    const r = await call('GET', `/api/detect/sources/${ids.video}/media`);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ assetId: ids.video, contentType: 'video/mp4' });
    expect(r.json.url).toStartWith('/api/sources/flower.mp4?');
    const ttl = Date.parse(r.json.expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(55 * 60_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);

    const size = (await s.storage.input.stat('flower.mp4'))!.size;
    const whole = await bare(r.json.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect((await whole.arrayBuffer()).byteLength).toBe(size);

    const part = await bare(r.json.url, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${size}`);
    const expected = new Uint8Array(await new Response(await s.storage.input.get('flower.mp4', { start: 100, end: 200 })).arrayBuffer());
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(expected);
    const tail = await bare(r.json.url, { headers: { range: 'bytes=-10' } });
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 10}-${size - 1}/${size}`);
    expect((await bare(r.json.url, { headers: { range: `bytes=${size}-` } })).status).toBe(416);
    const head = await bare(r.json.url, { method: 'HEAD' });
    expect({ status: head.status, length: head.headers.get('content-length') }).toEqual({ status: 200, length: String(size) });
  });

  test('a signature opens its one file until it expires, and no other', async () => {
    const url = (await call('GET', `/api/detect/sources/${ids.video}/media`)).json.url as string;
    const [path, query] = url.split('?') as [string, string];
    const why = async (u: string, init: RequestInit = {}) => {
      const res = await bare(u, init);
      return { status: res.status, message: ((await res.json()) as Json).error.message as string };
    };
    // Another file with this file's signature.
    expect(await why(`/api/sources/roar.mp3?${query}`)).toEqual({ status: 403, message: expect.stringContaining('bad signature') });
    // A tampered signature, expiry or key id.
    const q = new URLSearchParams(query);
    const tampered = (k: string, v: string) => {
      const t = new URLSearchParams(q);
      t.set(k, v);
      return `${path}?${t}`;
    };
    expect((await why(tampered('sig', `${q.get('sig')!.slice(0, -2)}AA`))).status).toBe(403);
    expect((await why(tampered('exp', String(Number(q.get('exp')) + 3600)))).message).toContain('bad signature');
    expect((await why(tampered('kid', 'other'))).message).toContain('unknown key');
    // Expired: signed right, an hour ago.
    const secret = await s.auth.secrets.current();
    const old = signSourceUrl('flower.mp4', Math.floor(Date.now() / 1000) - 60, secret);
    expect(await why(old)).toEqual({ status: 403, message: expect.stringContaining('expired') });
    // A signed key cannot leave the store.
    const out = signSourceUrl('../../etc/passwd', Math.floor(Date.now() / 1000) + 600, secret).split('?')[1];
    expect((await bare(`/api/sources/..%2F..%2Fetc%2Fpasswd?${out}`)).status).toBe(400);
    expect((await bare(`/api/sources/..%2F..%2Fetc%2Fpasswd?${query}`)).status).toBe(403);
    // An output grant does not open a source, nor a source signature an output.
    const strip = (await call('GET', `/api/detect/sources/${ids.video}/filmstrip?count=4&height=48`)).json.url as string;
    expect((await bare(`/api/sources/flower.mp4?${strip.split('?')[1]}`)).status).toBe(403);
    expect((await bare(`${strip.split('?')[0]}?${query}`)).status).toBe(403);
    // No signature: the token's (read scope) or no one's.
    expect((await bare(path)).status).toBe(401);
    expect((await app.handle(new Request(`http://localhost${path}`, { headers: { ...readOnly, range: 'bytes=0-9' } }))).status).toBe(206);
  });

  test('refusals: an unknown asset, a file gone from the store', async () => {
    expect(await refused('GET', '/api/detect/sources/nope/media', 404)).toBe('no asset nope');
    expect(await refused('GET', `/api/detect/sources/${ids.gone}/media`, 409)).toContain('gone.mp4 is no longer in the input store');
  });
});

describe('brand reference images', () => {
  const url = () => `/api/detect/brands/${ids.list}/images`;

  test('kept in the input store under the list, read back by key, usable in a brand', async () => {
    const png = await Bun.file(corpusFile('image/androidx_testvid_1022ms_000.png')).bytes();
    const res = await postBytes(url(), png, 'image/png');
    expect(res.status).toBe(201);
    const made = (await res.json()) as Json;
    expect(made.key).toMatch(new RegExp(`^brands/${ids.list}/[A-Za-z0-9_-]+\\.png$`));
    expect(made.url).toBe(`/api/detect/brands/${ids.list}/images/${made.key}`);
    expect(new Uint8Array(await new Response(await s.storage.input.get(made.key)).arrayBuffer())).toEqual(png);
    const back = await app.handle(new Request(`http://localhost${made.url}`, { headers: auth }));
    expect({ status: back.status, type: back.headers.get('content-type') }).toEqual({ status: 200, type: 'image/png' });
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(png);

    // A JPEG sent without a precise type is kept as what its bytes are.
    const jpeg = await postBytes(url(), await Bun.file(corpusFile('image/androidx_london.jpg')).bytes(), 'image/png');
    expect(((await jpeg.json()) as Json).key).toEndWith('.jpg');

    const changed = await call('PUT', `/api/detect/brands/${ids.list}`, { brands: [{ name: 'Zantora', images: [made.key] }] });
    expect(changed.json.brands[0].images).toEqual([made.key]);
  });

  test('refusals: not an image, another format, too big, not image/*, an unknown list, a reader', async () => {
    const why = async (res: Response) => ({ status: res.status, message: ((await res.json()) as Json).error.message as string });
    expect(await why(await postBytes(url(), 'no picture here', 'image/png'))).toEqual({
      status: 400,
      message: expect.stringMatching(/^body: not an image/),
    });
    const tiff = new Uint8Array(
      await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } })
        .tiff()
        .toBuffer(),
    );
    expect(await why(await postBytes(url(), tiff, 'image/tiff'))).toEqual({ status: 415, message: 'body: a tiff image; send PNG, JPEG or WebP' });
    expect((await why(await postBytes(url(), new Uint8Array(5 * 1024 * 1024 + 1), 'image/png'))).status).toBe(413);
    expect((await why(await postBytes(url(), '{"a":1}', 'application/json'))).message).toStartWith("send the image's bytes as image/png");
    expect((await postBytes(url(), 'x', 'text/plain')).status).toBe(415);
    expect((await postBytes(url(), 'x', null)).status).toBe(415);
    expect(await why(await postBytes('/api/detect/brands/nope/images', await Bun.file(corpusFile('image/androidx_london.jpg')).bytes(), 'image/jpeg'))).toEqual(
      {
        status: 404,
        message: 'no brand list nope',
      },
    );
    expect((await postBytes(url(), 'x', 'image/png', readOnly)).status).toBe(403);
    expect((await postBytes(url(), 'x', 'image/png', {})).status).toBe(401);
  });

  test("only a list's own keys are read back", async () => {
    const other = (await call('POST', '/api/detect/brands', { name: 'other', brands: [{ name: 'Quvello' }] })).json.id;
    const jpeg = await Bun.file(corpusFile('image/androidx_london.jpg')).bytes();
    const made = (await (await postBytes(`/api/detect/brands/${other}/images`, jpeg, 'image/jpeg')).json()) as Json;
    const get = (path: string) => app.handle(new Request(`http://localhost${path}`, { headers: auth }));
    const own = await get(`/api/detect/brands/${other}/images/${made.key}`);
    expect({ status: own.status, type: own.headers.get('content-type') }).toEqual({ status: 200, type: 'image/jpeg' });
    expect(new Uint8Array(await own.arrayBuffer())).toEqual(jpeg);
    const name = made.key.split('/').at(-1);
    for (const path of [
      `/api/detect/brands/${ids.list}/images/${made.key}`,
      `/api/detect/brands/${ids.list}/images/brands/${ids.list}/..%2F${other}%2F${name}`,
      `/api/detect/brands/${ids.list}/images/brands/${ids.list}/${name}`,
      `/api/detect/brands/${other}/images/flower.mp4`,
      `/api/detect/brands/${other}/images/brands/${other}/missing.png`,
      `/api/detect/brands/nope/images/brands/nope/${name}`,
    ]) {
      const r = await get(path);
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
    }
    expect((await bare(made.url)).status).toBe(401);
  });
});
