/**
 * What every MultipartUploads must do, written once and run against the
 * folder store (multipart.test.ts) and S3 (multipart-s3.int.test.ts). Parts
 * travel the way each mode's clients send them: through putPart on 'relay'
 * stores, as a plain fetch PUT to the presigned part URL on 'direct' ones.
 * Every part but the last is 5 MiB wherever an upload is completed, as S3
 * demands; each test uses its own key prefix.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { randomBytes } from 'node:crypto';
import { chunkedBody, expectAppError, sha256, uniquePrefix } from './contract.ts';
import type { Storage } from './index.ts';
import { MAX_PARTS, MIN_PART_BYTES, type MultipartUploads, type StoredPart } from './multipart.ts';

export interface MultipartFixture {
  /** Where completed objects land. */
  storage: Storage;
  uploads: MultipartUploads;
  /** The part files a store keeps for an upload outside the object (a folder store's staging folder, less its record); null once none of it is left. */
  staged?(handle: string): Promise<string[] | null>;
  cleanup(): Promise<void>;
}

const md5Etag = (bytes: Uint8Array): string => `"${new Bun.CryptoHasher('md5').update(bytes).digest('hex')}"`;
const streamOf = (bytes: Uint8Array): ReadableStream<Uint8Array> => new Blob([bytes]).stream();
/** An etag no part has. */
const WRONG_ETAG = `"${'0'.repeat(32)}"`;
/** Shaped like a handle each store makes, but never made. */
const UNKNOWN_HANDLE = 'NoSuchUpload_x7Kq9Zr2';

/** Two 5 MiB parts and a short last one: S3's smallest upload of three parts. */
const threeParts = (): { source: Uint8Array; parts: Uint8Array[] } => {
  const source = new Uint8Array(randomBytes(2 * MIN_PART_BYTES + 1234));
  return { source, parts: [0, 1, 2].map((i) => source.subarray(i * MIN_PART_BYTES, Math.min((i + 1) * MIN_PART_BYTES, source.byteLength))) };
};

export const multipartContract = (name: string, make: () => Promise<MultipartFixture>): void => {
  describe(`MultipartUploads contract: ${name}`, () => {
    let fixture: MultipartFixture | undefined;
    let m: MultipartUploads;
    let storage: Storage;

    beforeAll(async () => {
      fixture = await make();
      ({ uploads: m, storage } = fixture);
    });
    afterAll(() => fixture?.cleanup());

    /** Sends one part as this mode's clients do; answers what the store acknowledged. */
    const send = async (key: string, handle: string, number: number, bytes: Uint8Array): Promise<StoredPart> => {
      if (m.mode === 'relay') return m.putPart(key, handle, number, streamOf(bytes), bytes.byteLength);
      const url = await m.partUrl(key, handle, number, bytes.byteLength, 300);
      expect(url).not.toBeNull();
      const res = await fetch(url!, { method: 'PUT', body: bytes });
      expect(res.status).toBe(200);
      const etag = res.headers.get('etag');
      expect(etag).not.toBeNull();
      return { number, etag: etag!, size: bytes.byteLength };
    };

    const listing = (parts: readonly StoredPart[]) => parts.map(({ number, etag, size }) => ({ number, etag, size }));

    test('parts sent in parallel and out of order join into the source, in order', async () => {
      const key = `${uniquePrefix('mp-join')}in/video.mp4`;
      const { source, parts } = threeParts();
      const handle = await m.start(key, { contentType: 'video/mp4' });
      expect(await storage.stat(key)).toBeNull(); // nothing at the key until complete
      const sent = await Promise.all([3, 1, 2].map((n) => send(key, handle, n, parts[n - 1]!)));
      for (const p of sent) expect(p.etag).toBe(md5Etag(parts[p.number - 1]!));
      const byNumber = [...sent].sort((a, b) => a.number - b.number);
      expect(listing(await m.listParts(key, handle))).toEqual(listing(byNumber));
      const object = await m.complete(key, handle, byNumber);
      expect(object).toMatchObject({ key, size: source.byteLength });
      expect(Number.isNaN(Date.parse(object.modifiedAt))).toBe(false);
      expect(await sha256(await storage.get(key))).toBe(await sha256(source));
      expect((await storage.stat(key))?.size).toBe(source.byteLength);
      await expectAppError(() => m.listParts(key, handle), 'not_found'); // the upload ended
      expect((await fixture!.staged?.(handle)) ?? null).toBeNull();
    }, 60_000);

    test('listParts tells a resuming client what arrived; it completes with those etags', async () => {
      const key = `${uniquePrefix('mp-resume')}clip.mp4`;
      const { source, parts } = threeParts();
      const handle = await m.start(key, { contentType: 'video/mp4' });
      expect(await m.listParts(key, handle)).toEqual([]);
      await send(key, handle, 3, parts[2]!);
      await send(key, handle, 1, parts[0]!);
      const some = await m.listParts(key, handle);
      expect(some.map((p) => [p.number, p.size, p.etag])).toEqual([
        [1, MIN_PART_BYTES, md5Etag(parts[0]!)],
        [3, 1234, md5Etag(parts[2]!)],
      ]);
      await send(key, handle, 2, parts[1]!);
      const all = await m.listParts(key, handle);
      expect(all.map((p) => p.number)).toEqual([1, 2, 3]);
      await m.complete(key, handle, all);
      expect(await sha256(await storage.get(key))).toBe(await sha256(source));
    }, 60_000);

    test('re-sending a part replaces it', async () => {
      const key = `${uniquePrefix('mp-resend')}a.bin`;
      const [first, second] = [new TextEncoder().encode('first version of part one'), new TextEncoder().encode('v2')];
      const handle = await m.start(key, { contentType: 'application/octet-stream' });
      const old = await send(key, handle, 1, first);
      const now = await send(key, handle, 1, second);
      expect(listing(await m.listParts(key, handle))).toEqual([{ number: 1, etag: md5Etag(second), size: 2 }]);
      await expectAppError(() => m.complete(key, handle, [old]), 'validation', 'part 1');
      await m.complete(key, handle, [now]);
      expect(await new Response(await storage.get(key)).text()).toBe('v2');
    });

    test('complete refuses a wrong etag, a missing part or parts out of order, naming the part; the upload stays usable', async () => {
      const key = `${uniquePrefix('mp-refuse')}b.bin`;
      const [one, two] = [new Uint8Array(randomBytes(MIN_PART_BYTES)), new TextEncoder().encode('the end')];
      const handle = await m.start(key, { contentType: 'application/octet-stream' });
      const p1 = await send(key, handle, 1, one);
      const p2 = await send(key, handle, 2, two);
      await expectAppError(() => m.complete(key, handle, [{ number: 1, etag: WRONG_ETAG }, p2]), 'validation', 'part 1');
      await expectAppError(() => m.complete(key, handle, [p1, { number: 2, etag: p1.etag }]), 'validation', 'part 2');
      await expectAppError(() => m.complete(key, handle, [p1, p2, { number: 3, etag: p2.etag }]), 'validation', 'part 3');
      await expectAppError(() => m.complete(key, handle, [p2, p1]), 'validation', 'part 1');
      await expectAppError(() => m.complete(key, handle, [p1, p1]), 'validation', 'part 1');
      await expectAppError(() => m.complete(key, handle, [{ number: MAX_PARTS + 1, etag: p1.etag }]), 'validation');
      await expectAppError(() => m.complete(key, handle, []), 'validation');
      expect(await storage.stat(key)).toBeNull();
      expect(listing(await m.listParts(key, handle))).toEqual([p1, p2]);
      // Quotes are how S3 writes etags, not part of them.
      const object = await m.complete(key, handle, [p1, { number: 2, etag: p2.etag.replaceAll('"', '') }]);
      expect(object.size).toBe(MIN_PART_BYTES + two.byteLength);
      expect(await sha256(await storage.get(key))).toBe(await sha256(Buffer.concat([one, two])));
    }, 60_000);

    test('abort removes every part and leaves no object; aborting again is fine', async () => {
      const key = `${uniquePrefix('mp-abort')}c.bin`;
      const handle = await m.start(key, { contentType: 'application/octet-stream' });
      await send(key, handle, 1, new Uint8Array(1000));
      await send(key, handle, 2, new Uint8Array(10));
      expect((await fixture!.staged?.(handle))?.length ?? 1).toBeGreaterThan(0);
      await m.abort(key, handle);
      await expectAppError(() => m.listParts(key, handle), 'not_found');
      await expectAppError(() => m.complete(key, handle, [{ number: 1, etag: WRONG_ETAG }]), 'not_found');
      await expectAppError(() => m.putPart(key, handle, 3, streamOf(new Uint8Array(5)), 5), 'not_found');
      expect(await storage.stat(key)).toBeNull();
      expect((await fixture!.staged?.(handle)) ?? null).toBeNull();
      await m.abort(key, handle);
      await m.abort(key, UNKNOWN_HANDLE);
    });

    test("an unknown handle, or another key's, is not_found", async () => {
      const key = `${uniquePrefix('mp-unknown')}d.bin`;
      await expectAppError(() => m.listParts(key, UNKNOWN_HANDLE), 'not_found');
      await expectAppError(() => m.complete(key, UNKNOWN_HANDLE, [{ number: 1, etag: WRONG_ETAG }]), 'not_found');
      const handle = await m.start(key, { contentType: 'application/octet-stream' });
      const part = await send(key, handle, 1, new Uint8Array(3));
      await expectAppError(() => m.listParts(`${key}.other`, handle), 'not_found');
      await expectAppError(() => m.complete(`${key}.other`, handle, [part]), 'not_found');
      await m.abort(`${key}.other`, handle); // not this key's upload: nothing to do
      expect(await m.listParts(key, handle)).toHaveLength(1);
      await m.abort(key, handle);
    });

    test('bad keys, handles and part numbers are validation errors', async () => {
      const key = `${uniquePrefix('mp-invalid')}e.bin`;
      const handle = await m.start(key, { contentType: 'application/octet-stream' });
      await expectAppError(() => m.start('../e.bin', { contentType: 'text/plain' }), 'validation');
      for (const n of [0, -1, 1.5, MAX_PARTS + 1, Number.NaN]) {
        await expectAppError(() => m.putPart(key, handle, n, streamOf(new Uint8Array(1)), 1), 'validation');
        await expectAppError(() => m.partUrl(key, handle, n, 1, 60), 'validation');
      }
      for (const bad of ['', 'has space', 'tab\there']) {
        await expectAppError(() => m.listParts(key, bad), 'validation');
        await expectAppError(() => m.putPart(key, bad, 1, streamOf(new Uint8Array(1)), 1), 'validation');
        await expectAppError(() => m.abort(key, bad), 'validation');
      }
      await expectAppError(() => m.listParts('a//b', handle), 'validation');
      expect(await m.listParts(key, handle)).toEqual([]);
      await m.abort(key, handle);
    });

    test('a body over maxBytes is refused as it streams and leaves no part; one of exactly maxBytes is taken', async () => {
      const key = `${uniquePrefix('mp-too-large')}f.bin`;
      const handle = await m.start(key, { contentType: 'application/octet-stream' });
      let pulled = 0;
      const { stream } = chunkedBody(8 * 1024 * 1024, 64 * 1024);
      const counted = stream.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, ctl) {
            pulled += chunk.byteLength;
            ctl.enqueue(chunk);
          },
        }),
      );
      await expectAppError(() => m.putPart(key, handle, 1, counted, 1024 * 1024), 'too_large', 'part 1');
      expect(pulled).toBeLessThan(2 * 1024 * 1024); // the sender was stopped, not drained
      expect(await m.listParts(key, handle)).toEqual([]);
      expect((await fixture!.staged?.(handle)) ?? []).toEqual([]); // no temp file either
      const exact = await m.putPart(key, handle, 1, streamOf(new Uint8Array(4096)), 4096);
      expect(exact).toEqual({ number: 1, etag: md5Etag(new Uint8Array(4096)), size: 4096 });
      await m.abort(key, handle);
    });

    test('a body that fails halfway leaves no part, and the one before intact', async () => {
      const key = `${uniquePrefix('mp-broken')}g.bin`;
      const handle = await m.start(key, { contentType: 'application/octet-stream' });
      const kept = await m.putPart(key, handle, 1, streamOf(new TextEncoder().encode('kept')), 100);
      const broken = chunkedBody(2 * 1024 * 1024, 64 * 1024, 1024 * 1024);
      await expect(m.putPart(key, handle, 1, broken.stream, 4 * 1024 * 1024)).rejects.toThrow('producer failed halfway');
      expect(listing(await m.listParts(key, handle))).toEqual([kept]);
      await m.abort(key, handle);
    });

    test('partUrl answers by mode: a presigned URL on direct stores, null on relay ones', async () => {
      const key = `${uniquePrefix('mp-url')}h.bin`;
      const handle = await m.start(key, { contentType: 'application/octet-stream' });
      const url = await m.partUrl(key, handle, 1, 10, 60);
      if (m.mode === 'relay') expect(url).toBeNull();
      else expect(url).toStartWith('http');
      await m.abort(key, handle);
    });
  });
};
