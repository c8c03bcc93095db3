/**
 * Multipart uploads into a folder store (parts relayed through MPR's signed
 * part URLs): parallel parts, a resume after a simulated reload, idempotent
 * re-sends, tampered and expired part URLs, a body over its slot, the size
 * limit before anything is stored, hostile names, a stranger's upload,
 * abort, and the sweep of uploads left open. The S3 side is in
 * uploads-s3.int.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { apiCaller } from '../../test/api.ts';
import { adminHeaders } from '../../test/auth.ts';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv } from '../../test/system.ts';
import { findUpload } from '../projections/uploads.ts';
import type { System } from '../system.ts';
import type { CompletedUpload, CreatedUpload, UploadPartSlot, UploadProgress } from '../types/uploads.ts';
import { createApp } from './app.ts';

const env = testEnv('sqlite', 'uploads', { MPR_MAX_UPLOAD_BYTES: String(4 * 1024 * 1024) });
let s: System;
let app: ReturnType<typeof createApp>;
let auth: Record<string, string>;
let clock = Date.now();
const PART = 64 * 1024;

const FLOWER = corpusFile('video/mdn_flower.mp4');
let flower: Uint8Array;

const call = apiCaller({ handle: (r) => app.handle(r) }, () => auth);

const putPart = (slot: UploadPartSlot, bytes: Uint8Array, headers: Record<string, string> = {}) =>
  app.handle(
    new Request(new URL(slot.url, 'http://localhost').href, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': 'application/octet-stream', ...headers },
    }),
  );

const sliceOf = (u: { partSize: number }, bytes: Uint8Array, n: number) => bytes.subarray((n - 1) * u.partSize, Math.min(bytes.length, n * u.partSize));

const create = (filename: string, size: number, folder?: string) =>
  call('POST', '/api/uploads', { filename, size, contentType: 'video/mp4', ...(folder === undefined ? {} : { folder }) });

const staging = () => join(env.dataDir, 'uploads');
const stagedUploads = () => (existsSync(staging()) ? readdirSync(staging()) : []);

beforeAll(async () => {
  s = await env.boot({ minUploadPartBytes: PART, now: () => new Date(clock).toISOString(), uploadSweepMs: 3_600_000 });
  await s.start({ routers: false });
  app = createApp(s);
  auth = await adminHeaders(s);
  flower = new Uint8Array(await Bun.file(FLOWER).arrayBuffer());
});
afterAll(() => env.cleanup());

describe('uploads to a folder store', () => {
  test('parts in parallel, a reload half-way, then complete: the asset is the same bytes, probed and ready to transcode', async () => {
    const made = await create('flower.mp4', flower.length, 'cup/2026');
    expect(made.status).toBe(201);
    const u = made.json as CreatedUpload;
    expect(u).toMatchObject({ key: 'cup/2026/flower.mp4', mode: 'relay', partSize: PART, status: 'open' });
    expect(u.parts.length).toBe(Math.ceil(flower.length / PART));
    expect(u.parts.map((p) => p.size).reduce((a, b) => a + b, 0)).toBe(flower.length);

    // The first half, out of order and in parallel.
    const half = u.parts.filter((p) => p.number % 2 === 0);
    const sent = await Promise.all(half.map((p) => putPart(p, sliceOf(u, flower, p.number))));
    for (const r of sent) {
      expect(r.status).toBe(200);
      expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    }
    // Sending a part again is harmless: the same etag.
    const again = await putPart(half[0]!, sliceOf(u, flower, half[0]!.number));
    expect(again.headers.get('etag')).toBe(sent[0]!.headers.get('etag'));

    // "Reload": the client knows only the id.
    const progress = (await call('GET', `/api/uploads/${u.id}`)).json as UploadProgress;
    expect(progress.received.map((p) => p.number)).toEqual(half.map((p) => p.number));
    expect(progress.missing.map((p) => p.number)).toEqual(u.parts.filter((p) => p.number % 2 === 1).map((p) => p.number));
    const rest = await Promise.all(progress.missing.map((p) => putPart(p, sliceOf(u, flower, p.number))));
    expect(rest.every((r) => r.status === 200)).toBe(true);

    const all = (await call('GET', `/api/uploads/${u.id}`)).json as UploadProgress;
    expect(all.missing).toEqual([]);
    const done = await call('POST', `/api/uploads/${u.id}/complete`, { parts: all.received.map(({ number, etag }) => ({ number, etag })) });
    expect(done.status).toBe(200);
    const c = done.json as CompletedUpload;
    expect(c).toMatchObject({ key: 'cup/2026/flower.mp4', status: 'ready', reason: null });
    // Stored whole, and the staging folder is gone.
    const stored = new Uint8Array(await new Response(await s.storage.input.get('cup/2026/flower.mp4')).arrayBuffer());
    expect(Bun.hash(stored)).toBe(Bun.hash(flower));
    expect(stagedUploads()).toEqual([]);
    // The asset is there, probed, and a job on it starts at once.
    const asset = await call('GET', `/api/assets/${c.assetId}`);
    expect(asset.json).toMatchObject({ key: 'cup/2026/flower.mp4', status: 'ready' });
    const job = await call('POST', '/api/jobs', { assetId: c.assetId, presetId: 'hls-abr' });
    expect(job.status).toBe(201);
    // Completing again answers the same asset; the upload says completed.
    expect((await call('POST', `/api/uploads/${u.id}/complete`, { parts: all.received.map(({ number, etag }) => ({ number, etag })) })).json).toEqual(c);
    expect((await call('GET', `/api/uploads/${u.id}`)).json).toMatchObject({ status: 'completed', assetId: c.assetId, missing: [] });
    // A second upload to the same name is refused: the file exists.
    expect((await create('flower.mp4', flower.length, 'cup/2026')).status).toBe(409);
  });

  test('a completion cut short after the join (a crash before it was recorded) is finished by the next try', async () => {
    const bytes = flower.subarray(0, 3 * PART + 5);
    const u = (await create('crashed.mp4', bytes.length)).json as CreatedUpload;
    const parts = await Promise.all(
      u.parts.map(async (p) => ({ number: p.number, etag: (await putPart(p, sliceOf(u, bytes, p.number))).headers.get('etag')! })),
    );
    // The join happened, then the process died: the parts are gone, the file is there, the log still says open.
    const v = findUpload(s.db, u.id)!;
    await s.storage.input.multipart(join(env.dataDir, 'uploads')).complete(v.key, v.handle, parts);
    const done = await call('POST', `/api/uploads/${u.id}/complete`, { parts });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ key: 'crashed.mp4', status: 'invalid' });
    expect((await call('GET', `/api/uploads/${u.id}`)).json.status).toBe('completed');
  });

  test('part URLs: a tampered, foreign, unsigned or expired one is refused; a body over its slot stores nothing', async () => {
    const u = (await create('refused.mp4', 3 * PART + 10)).json as CreatedUpload;
    const [p1, p2] = u.parts;
    const bytes = new Uint8Array(PART).fill(7);
    // Part 1's signature on part 2's path.
    const foreign = { ...p2!, url: p2!.url.replace(/\?.*$/, new URL(p1!.url, 'http://x').search) };
    expect((await putPart(foreign, bytes)).status).toBe(403);
    const tampered = { ...p1!, url: p1!.url.replace(/sig=[^&]+/, 'sig=AAAA') };
    expect((await putPart(tampered, bytes)).status).toBe(403);
    // A token alone does not open a part: the signed URL does.
    const bare = { ...p1!, url: p1!.url.replace(/\?.*$/, '') };
    expect((await putPart(bare, bytes, auth)).status).toBe(403);
    expect((await putPart(bare, bytes)).status).toBe(401);
    // Over the slot: refused by its declared length, and by what arrives when the length is not declared.
    const over = await putPart(p1!, new Uint8Array(PART + 1));
    expect(over.status).toBe(413);
    const streamed = await app.handle(
      new Request(new URL(p1!.url, 'http://localhost').href, {
        method: 'PUT',
        body: new Blob([new Uint8Array(PART), new Uint8Array(100)]).stream(),
      }),
    );
    expect(streamed.status).toBe(413);
    expect((await call('GET', `/api/uploads/${u.id}`)).json.received).toEqual([]);
    // Short: stored, but not counted as received, and completion names it.
    const short = await putPart(p1!, new Uint8Array(10));
    expect(short.status).toBe(400);
    const prog = (await call('GET', `/api/uploads/${u.id}`)).json as UploadProgress;
    expect(prog.received).toEqual([]);
    const refused = await call('POST', `/api/uploads/${u.id}/complete`, { parts: u.parts.map((p) => ({ number: p.number, etag: '"x"' })) });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('part 1');
    // Expired: a day later the same URL is refused.
    const saved = clock;
    clock += 25 * 3600 * 1000;
    try {
      expect((await putPart(p2!, bytes)).status).toBe(403);
    } finally {
      clock = saved;
    }
    expect((await call('DELETE', `/api/uploads/${u.id}`)).status).toBe(204);
  });

  test('too big, hostile names, other files: refused before anything is stored or logged', async () => {
    const head = await s.log.head();
    const before = stagedUploads().length;
    const big = await create('big.mp4', 4 * 1024 * 1024 + 1);
    expect(big.status).toBe(413);
    expect(big.json.error.message).toContain('MPR_MAX_UPLOAD_BYTES');
    const bad: [string, string | undefined][] = [
      ['../escape.mp4', undefined],
      ['a/b.mp4', undefined],
      ['ok.mp4', '../../etc'],
      ['ok.mp4', '/abs'],
      ['nul\u0000.mp4', undefined],
      ['rtl\u202Egpj.mp4', undefined],
      ['cafe\u0301.mp4', undefined],
      ['dots\uFF0E\uFF0E.mp4', '..\uFF0F'],
      ['notes.txt', undefined],
      ['', undefined],
    ];
    for (const [filename, folder] of bad) {
      const r = await create(filename, 100, folder);
      expect({ filename, status: r.status }).toEqual({ filename, status: 400 });
      expect(r.json.error.code).toBe('validation');
    }
    expect((await call('POST', '/api/uploads', { filename: 'x.mp4', size: 10, contentType: 'video/mp4', extra: 1 })).status).toBe(400);
    expect((await call('POST', '/api/uploads', { filename: 'x.mp4', size: -1, contentType: 'video/mp4' })).status).toBe(400);
    expect((await call('POST', '/api/uploads', { filename: 'x.mp4', size: 1.5, contentType: 'video/mp4' })).status).toBe(400);
    expect(await s.log.head()).toBe(head);
    expect(stagedUploads().length).toBe(before);
  });

  test("another member cannot see, complete or abort someone's upload", async () => {
    const u = (await create('mine.mp4', 100)).json as CreatedUpload;
    expect((await call('POST', '/api/users', { email: 'member@uploads.test', role: 'member', password: 'member-password-1' })).status).toBe(201);
    const login = await call('POST', '/api/auth/login', { email: 'member@uploads.test', password: 'member-password-1' }, {});
    const member = { authorization: `Bearer ${login.json.accessToken}` };
    expect((await call('GET', `/api/uploads/${u.id}`, undefined, member)).status).toBe(404);
    expect((await call('DELETE', `/api/uploads/${u.id}`, undefined, member)).status).toBe(404);
    expect((await call('POST', `/api/uploads/${u.id}/complete`, { parts: [{ number: 1, etag: 'x' }] }, member)).status).toBe(404);
    expect((await call('GET', '/api/uploads', undefined, member)).json.total).toBe(0);
    expect((await call('GET', '/api/uploads?open=true', undefined, auth)).json.items.map((x: { id: string }) => x.id)).toContain(u.id);
    await call('DELETE', `/api/uploads/${u.id}`);
  });

  test('abort drops every part; an aborted upload cannot complete', async () => {
    const before = stagedUploads();
    const u = (await create('aborted.mp4', 2 * PART)).json as CreatedUpload;
    await putPart(u.parts[0]!, new Uint8Array(PART));
    expect(stagedUploads().length).toBe(before.length + 1);
    expect((await call('DELETE', `/api/uploads/${u.id}`)).status).toBe(204);
    expect(stagedUploads()).toEqual(before);
    expect((await call('GET', `/api/uploads/${u.id}`)).json).toMatchObject({ status: 'aborted', missing: [] });
    expect(
      (
        await call('POST', `/api/uploads/${u.id}/complete`, {
          parts: [
            { number: 1, etag: 'x' },
            { number: 2, etag: 'y' },
          ],
        })
      ).status,
    ).toBe(409);
    expect((await putPart(u.parts[1]!, new Uint8Array(PART))).status).toBe(409);
    expect((await call('DELETE', `/api/uploads/${u.id}`)).status).toBe(204);
  });

  test('an upload left open past its time expires, and its parts go', async () => {
    // Every upload the tests above left open goes too.
    const open = (await call('GET', '/api/uploads?open=true')).json.total as number;
    const u = (await create('stale.mp4', 2 * PART)).json as CreatedUpload;
    await putPart(u.parts[0]!, new Uint8Array(PART));
    expect(await s.uploads.sweep()).toBe(0);
    clock += 25 * 3600 * 1000;
    expect(await s.uploads.sweep()).toBe(open + 1);
    expect(stagedUploads()).toEqual([]);
    expect((await call('GET', `/api/uploads/${u.id}`)).json.status).toBe('expired');
    expect(await s.uploads.sweep()).toBe(0);
  });
});
