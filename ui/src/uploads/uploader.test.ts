/** The uploader against a server in memory: parts in parallel, resume, stale uploads, retries, refusals, stopping; the file limiter and the speed meter. */
import { describe, expect, test } from 'bun:test';
import { bytesOf, fakeUploads, fileOf } from '../../test/fake-uploads.ts';
import { ApiError } from '../api.ts';
import { contentTypeOf, createLimiter, createSpeedMeter, type SendProgress, sendFile } from './uploader.ts';

const noWait = { retryDelayMs: 1000, sleep: async () => undefined };

describe('sendFile', () => {
  test('a new upload: 4 parts in flight at most, every part once, completed with the etags in order; the bytes arrive whole', async () => {
    const s = fakeUploads(100);
    const file = fileOf('clip.mp4', 1234);
    const seen: SendProgress[] = [];
    const uploads: string[] = [];
    const r = await sendFile(s.api, {
      file,
      folder: 'cup/2026',
      signal: new AbortController().signal,
      onUpload: (u) => uploads.push(u.id),
      onProgress: (p) => seen.push(p),
    });
    expect(r).toEqual({ uploadId: 'u1', assetId: 'a-u1', key: 'cup/2026/clip.mp4', status: 'ready', reason: null });
    expect(uploads).toEqual(['u1']);
    expect(s.puts.toSorted()).toEqual(Array.from({ length: 13 }, (_, i) => `u1:${i + 1}`).toSorted());
    expect(s.maxParts()).toBe(4);
    expect(s.uploads.get('u1')!.joined).toEqual(await bytesOf(file));
    // Progress: from nothing to the whole file, never backwards at the end, in-flight bytes counted as they go.
    expect(seen[0]).toMatchObject({ sent: 0, partsDone: 0, partCount: 13 });
    expect(seen.at(-1)).toEqual({ sent: 1234, size: 1234, partsDone: 13, partCount: 13, inFlight: 0 });
    expect(Math.max(...seen.map((p) => p.inFlight))).toBe(4);
    expect(seen.some((p) => p.sent % 100 === 50)).toBe(true);
  });

  test('a resume sends only the missing parts of the upload an earlier page started', async () => {
    const s = fakeUploads(100);
    const file = fileOf('clip.mp4', 1000);
    const id = s.seed('clip.mp4', await bytesOf(file), [1, 2, 5]);
    const stale: string[] = [];
    const seen: SendProgress[] = [];
    const r = await sendFile(s.api, {
      file,
      folder: '',
      uploadId: id,
      signal: new AbortController().signal,
      onStale: (x) => stale.push(x),
      onProgress: (p) => seen.push(p),
    });
    expect(r.uploadId).toBe(id);
    expect(stale).toEqual([]);
    expect(s.puts.map((k) => Number(k.split(':')[1])).toSorted((a, b) => a - b)).toEqual([3, 4, 6, 7, 8, 9, 10]);
    expect(seen[0]).toMatchObject({ sent: 300, partsDone: 3, partCount: 10 });
    expect(s.uploads.get(id)!.joined).toEqual(await bytesOf(file));
  });

  test('a stale upload (aborted, expired, unknown) is said and a new one starts; one completed earlier answers its asset', async () => {
    const s = fakeUploads(100);
    const file = fileOf('clip.mp4', 250);
    const bytes = await bytesOf(file);
    for (const over of [{ status: 'aborted' as const }, { expiresAt: new Date(Date.now() - 1000).toISOString() }]) {
      const id = s.seed('clip.mp4', bytes, [1], over);
      const stale: string[] = [];
      const r = await sendFile(s.api, { file, folder: '', uploadId: id, signal: new AbortController().signal, onStale: (x) => stale.push(x) });
      expect(stale).toEqual([id]);
      expect(r.uploadId).not.toBe(id);
    }
    const stale: string[] = [];
    await sendFile(s.api, { file, folder: '', uploadId: 'nope', signal: new AbortController().signal, onStale: (x) => stale.push(x) });
    expect(stale).toEqual(['nope']);

    const done = s.seed('clip.mp4', bytes, [], { status: 'completed', assetId: 'a-earlier' });
    const puts = s.puts.length;
    const r = await sendFile(s.api, { file, folder: '', uploadId: done, signal: new AbortController().signal });
    expect(r).toMatchObject({ uploadId: done, assetId: 'a-earlier', status: 'completed' });
    expect(s.puts.length).toBe(puts);
  });

  test('a part that fails is tried again after 1, 2, 4 s; after the third retry the upload fails and its other parts stop', async () => {
    const s = fakeUploads(100);
    s.beforePart = (_id, n, attempt) => {
      if (n === 2 && attempt <= 2) throw new ApiError(0, 'network', 'The connection dropped while sending a part.');
    };
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const ok = await sendFile(s.api, { file: fileOf('a.mp4', 500), folder: '', signal: new AbortController().signal, retryDelayMs: 1000, sleep });
    expect(ok.status).toBe('ready');
    expect(waits).toEqual([1000, 2000]);

    const t = fakeUploads(100);
    t.beforePart = (_id, n) => {
      if (n === 3) throw new ApiError(503, 'unavailable', 'busy');
    };
    waits.length = 0;
    const failed = sendFile(t.api, { file: fileOf('b.mp4', 5000), folder: '', signal: new AbortController().signal, retryDelayMs: 1000, sleep });
    await expect(failed).rejects.toThrow('busy');
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(t.puts.filter((k) => k === 'u1:3')).toHaveLength(4);
    expect(t.puts.length).toBeLessThan(50); // the rest were not all sent
    expect(t.completed).toEqual([]);
  });

  test('a refusal (the URL expired, the upload was aborted) is not tried again', async () => {
    const s = fakeUploads(100);
    s.beforePart = () => {
      throw new ApiError(403, 'forbidden', 'this link does not open part 1: expired');
    };
    const waits: number[] = [];
    await expect(
      sendFile(s.api, { file: fileOf('a.mp4', 100), folder: '', signal: new AbortController().signal, sleep: async (ms) => void waits.push(ms) }),
    ).rejects.toThrow('expired');
    expect(waits).toEqual([]);
    expect(s.puts).toEqual(['u1:1']);
  });

  test('stopped mid-way: an AbortError, nothing completed, the upload stays open to resume', async () => {
    const s = fakeUploads(100);
    const stop = new AbortController();
    let sent = 0;
    s.beforePart = async () => {
      if (++sent === 3) stop.abort();
    };
    const r = sendFile(s.api, { file: fileOf('a.mp4', 2000), folder: '', signal: stop.signal, ...noWait });
    await expect(r).rejects.toMatchObject({ name: 'AbortError' });
    expect(s.completed).toEqual([]);
    expect(s.aborted).toEqual([]);
    expect(s.uploads.get('u1')!.dto.status).toBe('open');
    expect(s.uploads.get('u1')!.parts.size).toBeLessThan(20);
  });

  test('a file over the limit: the server’s refusal, before any part', async () => {
    const s = fakeUploads(100);
    const big = { name: 'big.mp4', size: 20_000_000, type: 'video/mp4', lastModified: 1, slice: () => new Blob([]) };
    await expect(sendFile(s.api, { file: big, folder: '', signal: new AbortController().signal })).rejects.toThrow('MPR_MAX_UPLOAD_BYTES');
    expect(s.puts).toEqual([]);
  });
});

test('contentTypeOf: the browser’s type, else one from the extension, else octet-stream', () => {
  expect(contentTypeOf({ name: 'a.mp4', type: 'video/mp4' })).toBe('video/mp4');
  expect(contentTypeOf({ name: 'a.MKV', type: '' })).toBe('video/x-matroska');
  expect(contentTypeOf({ name: 'a.flac', type: 'audio/flac; codecs=x' })).toBe('audio/flac');
  expect(contentTypeOf({ name: 'a.xyz', type: '' })).toBe('application/octet-stream');
});

test('createLimiter: 2 at a time, the rest in the order they came', async () => {
  const run = createLimiter(2);
  let active = 0;
  let most = 0;
  const order: number[] = [];
  const releases: (() => void)[] = [];
  const task = (n: number) =>
    run(async () => {
      order.push(n);
      most = Math.max(most, ++active);
      await new Promise<void>((r) => releases.push(r));
      active--;
      return n;
    });
  const all = Promise.all([1, 2, 3, 4, 5].map(task));
  await Bun.sleep(1);
  expect(order).toEqual([1, 2]);
  while (releases.length) {
    releases.shift()!();
    await Bun.sleep(1);
  }
  expect(await all).toEqual([1, 2, 3, 4, 5]);
  expect(order).toEqual([1, 2, 3, 4, 5]);
  expect(most).toBe(2);
});

test('createSpeedMeter: bytes a second over the window, none from a single reading', () => {
  const m = createSpeedMeter(3000);
  expect(m.add(0, 0)).toBeNull();
  expect(m.add(1000, 1_000_000)).toBe(1_000_000);
  expect(m.add(2000, 3_000_000)).toBe(1_500_000);
  // Readings older than the window go, but for the last one before it.
  expect(m.add(6000, 4_000_000)).toBe(250_000);
  expect(m.add(7000, 5_000_000)).toBe(400_000);
});
