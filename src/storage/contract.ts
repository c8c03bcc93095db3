/**
 * The one behaviour every Storage must have, written once and run against the
 * folder (fs.test.ts) and S3 (s3.int.test.ts). Each test works under its own
 * random prefix so a shared bucket or folder never leaks between tests.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, type ErrorCode } from '../errors.ts';
import type { Storage } from './index.ts';
import { compareKeys } from './keys.ts';

export interface StorageFixture {
  storage: Storage;
  cleanup(): Promise<void>;
}

/** A real media file from the shared corpus (repo root is two folders up). */
export const CORPUS_VIDEO = resolve(import.meta.dir, '../../../shared/corpus/video/mdn_flower.mp4');

const MiB = 1024 * 1024;

export const uniquePrefix = (label: string): string => `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}/`;

export const bytesOf = (stream: ReadableStream<Uint8Array>): Promise<Uint8Array> => new Response(stream).bytes();
export const textOf = (stream: ReadableStream<Uint8Array>): Promise<string> => new Response(stream).text();

export const sha256 = async (data: ReadableStream<Uint8Array> | Uint8Array | Blob): Promise<string> => {
  const hasher = new Bun.CryptoHasher('sha256');
  if (data instanceof Uint8Array) return hasher.update(data).digest('hex');
  const stream = data instanceof Blob ? data.stream() : data;
  for await (const chunk of stream) hasher.update(chunk);
  return hasher.digest('hex');
};

/** Deterministic, incompressible-looking bytes for chunk `i`. */
const chunkBytes = (i: number, size: number): Uint8Array => {
  const out = new Uint8Array(size);
  let x = (i + 1) * 2654435761;
  for (let j = 0; j < size; j++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[j] = x >>> 24;
  }
  return out;
};

/**
 * A stream of `total` bytes produced chunk by chunk on demand (pull), as an
 * ffmpeg pipe or HTTP upload would, optionally failing after `failAfter` bytes.
 * `expected` is the sha256 of the full content.
 */
export const chunkedBody = (total: number, chunk = 64 * 1024, failAfter?: number) => {
  let sent = 0;
  let i = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (failAfter !== undefined && sent >= failAfter) return ctl.error(new Error('producer failed halfway'));
      if (sent >= total) return ctl.close();
      const n = Math.min(chunk, total - sent);
      ctl.enqueue(chunkBytes(i++, n));
      sent += n;
    },
  });
  const hasher = new Bun.CryptoHasher('sha256');
  for (let k = 0, done = 0; done < total; k++) {
    const n = Math.min(chunk, total - done);
    hasher.update(chunkBytes(k, n));
    done += n;
  }
  return { stream, expected: hasher.digest('hex') };
};

/** Runs fn (sync or async) and expects an AppError with this code. */
export const expectAppError = async (fn: () => unknown, code: ErrorCode, text?: string): Promise<AppError> => {
  let err: unknown;
  try {
    await fn();
  } catch (e) {
    err = e;
  }
  if (!(err instanceof AppError)) throw new Error(`expected AppError(${code}), got ${err === undefined ? 'no error' : String(err)}`);
  expect(err.code).toBe(code);
  if (text !== undefined) expect(err.message).toContain(text);
  return err;
};

const INVALID_KEYS = ['', '/abs/x.mp4', '../x.mp4', 'a/../../x', 'a/./b', 'a//b', 'a\0b', 'a\\b', 'a\nb', `${'x'.repeat(256)}.mp4`];

export const storageContract = (name: string, make: () => Promise<StorageFixture>): void => {
  describe(`Storage contract: ${name}`, () => {
    let fixture: StorageFixture | undefined;
    let s: Storage;
    let scratch: string;

    beforeAll(async () => {
      fixture = await make();
      s = fixture.storage;
      scratch = await mkdtemp(join(tmpdir(), 'mpr-storage-contract-'));
    });
    afterAll(async () => {
      await fixture?.cleanup();
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    test('put/get round trip: string, bytes, Blob', async () => {
      const p = uniquePrefix('roundtrip');
      const str = await s.put(`${p}a.txt`, 'héllo wörld');
      expect(str).toMatchObject({ key: `${p}a.txt`, size: Buffer.byteLength('héllo wörld') });
      expect(Number.isNaN(Date.parse(str.modifiedAt))).toBe(false);
      expect(await textOf(await s.get(`${p}a.txt`))).toBe('héllo wörld');

      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      expect((await s.put(`${p}b.bin`, all)).size).toBe(256);
      expect(await bytesOf(await s.get(`${p}b.bin`))).toEqual(all);

      const blob = new Blob(['blob ', new Uint8Array([1, 2, 3])]);
      expect((await s.put(`${p}c.bin`, blob, { contentType: 'application/octet-stream' })).size).toBe(8);
      expect(await bytesOf(await s.get(`${p}c.bin`))).toEqual(new Uint8Array(await blob.arrayBuffer()));

      expect((await s.put(`${p}empty`, '')).size).toBe(0);
      expect((await bytesOf(await s.get(`${p}empty`))).byteLength).toBe(0);
    });

    test('put of a multi-MB stream produced chunk by chunk', async () => {
      const p = uniquePrefix('stream');
      const { stream, expected } = chunkedBody(6 * MiB + 123);
      const put = await s.put(`${p}big.bin`, stream);
      expect(put.size).toBe(6 * MiB + 123);
      expect(await sha256(await s.get(`${p}big.bin`))).toBe(expected);
      expect((await s.stat(`${p}big.bin`))?.size).toBe(6 * MiB + 123);
    });

    test('a body stream that fails halfway leaves no object, and an old one intact', async () => {
      const p = uniquePrefix('interrupted');
      const broken = chunkedBody(4 * MiB, 64 * 1024, MiB);
      await expect(s.put(`${p}new.bin`, broken.stream)).rejects.toThrow('producer failed halfway');
      expect(await s.stat(`${p}new.bin`)).toBeNull();
      await s.put(`${p}old.bin`, 'old');
      await expect(s.put(`${p}old.bin`, chunkedBody(4 * MiB, 64 * 1024, MiB).stream)).rejects.toThrow();
      expect(await textOf(await s.get(`${p}old.bin`))).toBe('old');
      expect((await s.list(p)).map((o) => o.key)).toEqual([`${p}old.bin`]);
    });

    test('range get', async () => {
      const p = uniquePrefix('range');
      await s.put(`${p}r.txt`, '0123456789');
      const range = async (start: number, end?: number) => textOf(await s.get(`${p}r.txt`, { start, end }));
      expect(await range(0, 5)).toBe('01234');
      expect(await range(5)).toBe('56789');
      expect(await range(3, 4)).toBe('3');
      expect(await range(7, 100)).toBe('789');
      expect(await range(4, 4)).toBe('');
      expect(await range(10)).toBe('');
      expect(await range(50, 60)).toBe('');
      await expectAppError(() => s.get(`${p}r.txt`, { start: -1 }), 'validation');
      await expectAppError(() => s.get(`${p}r.txt`, { start: 5, end: 2 }), 'validation');
      await expectAppError(() => s.get(`${p}absent.txt`, { start: 0, end: 2 }), 'not_found');
    });

    test('stat: size and time, absent → null, a "folder" is not an object', async () => {
      const p = uniquePrefix('stat');
      const before = Date.now();
      await s.put(`${p}dir/x.bin`, new Uint8Array(1000));
      const st = await s.stat(`${p}dir/x.bin`);
      expect(st).toMatchObject({ key: `${p}dir/x.bin`, size: 1000 });
      // S3 keeps whole seconds; allow for it and for clock skew with the server.
      expect(Math.abs(Date.parse(st!.modifiedAt) - before)).toBeLessThan(60_000);
      expect(await s.stat(`${p}absent.bin`)).toBeNull();
      expect(await s.stat(`${p}dir`)).toBeNull();
      expect(await s.stat(`${p}dir/x.bin/deeper`)).toBeNull();
    });

    test('list: prefix, nested folders, sorted by key', async () => {
      const p = uniquePrefix('list');
      const keys = [`${p}b.mp4`, `${p}a/z.ts`, `${p}a/b/c/deep.ts`, `${p}video1.mp4`, `${p}vid/x.ts`, `${p}A.mp4`, `${p}a/a.ts`];
      await Promise.all(keys.map((k, i) => s.put(k, 'x'.repeat(i))));
      const listed = await s.list(p);
      expect(listed.map((o) => o.key)).toEqual([...keys].sort(compareKeys));
      expect(listed.find((o) => o.key === `${p}a/z.ts`)?.size).toBe(1);
      expect((await s.list(`${p}a/`)).map((o) => o.key)).toEqual([`${p}a/a.ts`, `${p}a/b/c/deep.ts`, `${p}a/z.ts`]);
      expect((await s.list(`${p}vid`)).map((o) => o.key)).toEqual([`${p}vid/x.ts`, `${p}video1.mp4`]);
      expect((await s.list(`${p}a/b/c/deep.ts`)).map((o) => o.key)).toEqual([`${p}a/b/c/deep.ts`]);
      expect(await s.list(`${p}nothing/`)).toEqual([]);
      const everything = (await s.list()).map((o) => o.key);
      for (const k of keys) expect(everything).toContain(k);
      expect(everything).toEqual([...everything].sort(compareKeys));
    });

    test('list paginates past 1000 objects; deletePrefix deletes them all', async () => {
      const p = uniquePrefix('many');
      const keys = Array.from({ length: 1100 }, (_, i) => `${p}${String(i).padStart(4, '0')}.ts`);
      for (let i = 0; i < keys.length; i += 100) await Promise.all(keys.slice(i, i + 100).map((k) => s.put(k, 'x')));
      const listed = await s.list(p);
      expect(listed.length).toBe(1100);
      expect(listed.map((o) => o.key)).toEqual(keys);
      expect(await s.deletePrefix(p)).toBe(1100);
      expect(await s.list(p)).toEqual([]);
    }, 60_000);

    test('overwrite replaces the content and size', async () => {
      const p = uniquePrefix('overwrite');
      await s.put(`${p}o.txt`, 'first version');
      const second = await s.put(`${p}o.txt`, 'v2');
      expect(second.size).toBe(2);
      expect(await textOf(await s.get(`${p}o.txt`))).toBe('v2');
      expect((await s.list(p)).map((o) => [o.key, o.size])).toEqual([[`${p}o.txt`, 2]]);
    });

    test('delete; deleting an absent key is fine', async () => {
      const p = uniquePrefix('delete');
      await s.put(`${p}d/x.txt`, 'x');
      await s.put(`${p}keep.txt`, 'k');
      await s.delete(`${p}d/x.txt`);
      expect(await s.stat(`${p}d/x.txt`)).toBeNull();
      await expectAppError(() => s.get(`${p}d/x.txt`), 'not_found', `${p}d/x.txt`);
      await s.delete(`${p}d/x.txt`);
      await s.delete(`${p}never/was.txt`);
      expect((await s.list(p)).map((o) => o.key)).toEqual([`${p}keep.txt`]);
    });

    test('deletePrefix removes only what is under the prefix', async () => {
      const p = uniquePrefix('delprefix');
      for (const k of ['a/1', 'a/2', 'a/sub/3', 'ab', 'b/1']) await s.put(`${p}${k}`, k);
      expect(await s.deletePrefix(`${p}a/`)).toBe(3);
      expect((await s.list(p)).map((o) => o.key)).toEqual([`${p}ab`, `${p}b/1`]);
      expect(await s.deletePrefix(`${p}nothing/`)).toBe(0);
      await expectAppError(() => s.deletePrefix(''), 'validation');
      await s.put(`${p}a/again`, 'the folder can be written again');
      expect(await textOf(await s.get(`${p}a/again`))).toBe('the folder can be written again');
    });

    test('url gives something that reads the object; localPath matches the backend', async () => {
      const p = uniquePrefix('url');
      const key = `${p}out/index.m3u8`;
      await s.put(key, '#EXTM3U\n');
      const url = await s.url(key, 120);
      if (s.backend === 's3') {
        expect(url).toStartWith('http');
        const res = await fetch(url);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('#EXTM3U\n');
        expect(s.localPath(key)).toBeNull();
      } else {
        expect(url).toStartWith('file:///');
        const local = s.localPath(key);
        expect(local).not.toBeNull();
        expect(fileURLToPath(url)).toBe(local!);
        expect(await Bun.file(local!).text()).toBe('#EXTM3U\n');
      }
    });

    test('putFile/getToFile round trip a real video (sha256)', async () => {
      const p = uniquePrefix('files');
      const source = Bun.file(CORPUS_VIDEO);
      if (!(await source.exists())) throw new Error(`corpus file missing: ${CORPUS_VIDEO} (the shared corpus should be checked out beside the repo)`);
      const expected = await sha256(source);
      const put = await s.putFile(`${p}in/mdn_flower.mp4`, CORPUS_VIDEO);
      expect(put.size).toBe(source.size);
      expect((await s.stat(`${p}in/mdn_flower.mp4`))?.size).toBe(source.size);
      const dest = join(scratch, p, 'nested/copy.mp4');
      await s.getToFile(`${p}in/mdn_flower.mp4`, dest);
      expect(await sha256(Bun.file(dest))).toBe(expected);
      expect(await sha256(await s.get(`${p}in/mdn_flower.mp4`))).toBe(expected);
      await expectAppError(() => s.getToFile(`${p}absent.mp4`, join(scratch, p, 'absent.mp4')), 'not_found');
      expect(await Bun.file(join(scratch, p, 'absent.mp4')).exists()).toBe(false);
      await expectAppError(() => s.putFile(`${p}x.mp4`, join(scratch, 'no-such-file.mp4')), 'not_found', 'no-such-file.mp4');
    });

    test('get of a missing key → not_found naming the key', async () => {
      const key = `${uniquePrefix('missing')}nope.mp4`;
      await expectAppError(() => s.get(key), 'not_found', key);
    });

    test('unicode and spaces in keys', async () => {
      const p = uniquePrefix('unicode');
      const keys = [`${p}dossier/é vidéo ü.mp4`, `${p}with space/a b.txt`, `${p}日本/動画 #1+%.mp4`];
      for (const k of keys) await s.put(k, k);
      expect((await s.list(p)).map((o) => o.key)).toEqual([...keys].sort(compareKeys));
      for (const k of keys) {
        expect(await textOf(await s.get(k))).toBe(k);
        expect((await s.stat(k))?.size).toBe(Buffer.byteLength(k));
      }
      expect((await s.list(`${p}dossier/é`)).map((o) => o.key)).toEqual([keys[0]!]);
      const url = await s.url(keys[0]!);
      const body = s.backend === 's3' ? await (await fetch(url)).text() : await Bun.file(fileURLToPath(url)).text();
      expect(body).toBe(keys[0]!);
      expect(await s.deletePrefix(`${p}dossier/`)).toBe(1);
    });

    test('invalid keys are refused by every method with code validation', async () => {
      const dest = join(scratch, 'never-written');
      for (const key of INVALID_KEYS) {
        await expectAppError(() => s.stat(key), 'validation');
        await expectAppError(() => s.get(key), 'validation');
        await expectAppError(() => s.put(key, 'x'), 'validation');
        await expectAppError(() => s.putFile(key, CORPUS_VIDEO), 'validation');
        await expectAppError(() => s.getToFile(key, dest), 'validation');
        await expectAppError(() => s.delete(key), 'validation');
        await expectAppError(() => s.url(key), 'validation');
        await expectAppError(() => s.localPath(key), 'validation');
      }
      for (const prefix of ['/abs/', '../', 'a//', 'a\\b', 'a/../']) {
        await expectAppError(() => s.list(prefix), 'validation');
        await expectAppError(() => s.deletePrefix(prefix), 'validation');
      }
      expect(await Bun.file(dest).exists()).toBe(false);
    });
  });
};
