/**
 * Multipart uploads into a bucket (s3rver): the parts go straight to
 * presigned UploadPart URLs, never through MPR; completing joins them in the
 * bucket and registers the probed asset; abort and the expiry sweep call
 * AbortMultipartUpload, so the bucket keeps no parts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { apiCaller } from '../../test/api.ts';
import { adminHeaders } from '../../test/auth.ts';
import { corpusFile } from '../../test/corpus.ts';
import { S3RVER_CREDENTIALS, type S3Server, startS3Server } from '../../test/s3-server.ts';
import { testEnv } from '../../test/system.ts';
import type { AppError } from '../errors.ts';
import { findUpload } from '../projections/uploads.ts';
import { createFsStorage } from '../storage/fs.ts';
import { createS3Storage } from '../storage/s3.ts';
import type { System } from '../system.ts';
import type { CreatedUpload, UploadPartSlot, UploadProgress } from '../types/uploads.ts';
import { createApp } from './app.ts';

const MiB = 1024 * 1024;
const env = testEnv('sqlite', 'uploads-s3');
let server: S3Server;
let bucket: string;
let s: System;
let app: ReturnType<typeof createApp>;
let auth: Record<string, string>;
let clock = Date.now();

const call = apiCaller({ handle: (r) => app.handle(r) }, () => auth);

/** A real MP4 grown past two 5 MiB parts: a top-level `free` box after it, which players and ffprobe pass over. */
const paddedMp4 = async (): Promise<Uint8Array> => {
  const mp4 = new Uint8Array(await Bun.file(corpusFile('video/mdn_flower.mp4')).arrayBuffer());
  const pad = 11 * MiB;
  const out = new Uint8Array(mp4.length + pad);
  out.set(mp4);
  new DataView(out.buffer).setUint32(mp4.length, pad);
  out.set(new TextEncoder().encode('free'), mp4.length + 4);
  return out;
};

const putToBucket = async (slot: UploadPartSlot, bytes: Uint8Array) => {
  const r = await fetch(slot.url, { method: 'PUT', body: bytes });
  expect(r.status).toBe(200);
  return { number: slot.number, etag: r.headers.get('etag')! };
};

/** Whether the bucket still holds the multipart upload behind an upload (ListParts answers, or says NoSuchUpload). */
const inBucket = async (uploadId: string): Promise<boolean> => {
  const v = findUpload(s.db, uploadId)!;
  return s.storage.input
    .multipart('')
    .listParts(v.key, v.handle)
    .then(
      () => true,
      (e: AppError) => {
        if (e.code !== 'not_found') throw e;
        return false;
      },
    );
};

beforeAll(async () => {
  server = await startS3Server();
  bucket = await server.createBucket();
  const input = createS3Storage({ bucket, endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS });
  s = await env.boot({
    storage: { input, output: createFsStorage(`${env.dataDir}/out`) },
    minUploadPartBytes: 5 * MiB,
    now: () => new Date(clock).toISOString(),
    uploadSweepMs: 3_600_000,
  });
  await s.start({ routers: false });
  app = createApp(s);
  auth = await adminHeaders(s);
});
afterAll(async () => {
  await env.cleanup();
  await server?.stop();
});

describe('uploads to a bucket', () => {
  test('parts straight to presigned URLs, a resume, then complete: the object is whole and the asset probed', async () => {
    const file = await paddedMp4();
    const made = await call('POST', '/api/uploads', { filename: 'padded.mp4', size: file.length, contentType: 'video/mp4', folder: 'in' });
    expect(made.status).toBe(201);
    const u = made.json as CreatedUpload;
    expect(u.mode).toBe('direct');
    expect(u.parts.length).toBe(3);
    expect(u.parts[0]!.url.startsWith(server.endpoint)).toBe(true);
    const slice = (n: number) => file.subarray((n - 1) * u.partSize, Math.min(file.length, n * u.partSize));
    await Promise.all([putToBucket(u.parts[2]!, slice(3)), putToBucket(u.parts[0]!, slice(1))]);
    const progress = (await call('GET', `/api/uploads/${u.id}`)).json as UploadProgress;
    expect(progress.received.map((p) => p.number)).toEqual([1, 3]);
    expect(progress.missing.map((p) => p.number)).toEqual([2]);
    await putToBucket(progress.missing[0]!, slice(2));
    const received = ((await call('GET', `/api/uploads/${u.id}`)).json as UploadProgress).received;
    const done = await call('POST', `/api/uploads/${u.id}/complete`, { parts: received.map(({ number, etag }) => ({ number, etag })) });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({ key: 'in/padded.mp4', status: 'ready' });
    const stored = await s.storage.input.stat('in/padded.mp4');
    expect(stored?.size).toBe(file.length);
    const back = new Uint8Array(await new Response(await s.storage.input.get('in/padded.mp4')).arrayBuffer());
    expect(Bun.hash(back)).toBe(Bun.hash(file));
    expect((await call('GET', `/api/assets/${done.json.assetId}`)).json).toMatchObject({ status: 'ready' });
    // The relay route is not this upload's way in.
    const relay = await app.handle(new Request(`http://localhost/api/uploads/${u.id}/parts/1`, { method: 'PUT', headers: auth, body: 'x' }));
    expect(relay.status).toBe(403);
  });

  test('abort and expiry leave no multipart upload in the bucket', async () => {
    const a = (await call('POST', '/api/uploads', { filename: 'a.mp4', size: 6 * MiB, contentType: 'video/mp4' })).json as CreatedUpload;
    const b = (await call('POST', '/api/uploads', { filename: 'b.mp4', size: 6 * MiB, contentType: 'video/mp4' })).json as CreatedUpload;
    await putToBucket(a.parts[0]!, new Uint8Array(5 * MiB));
    await putToBucket(b.parts[0]!, new Uint8Array(5 * MiB));
    expect([await inBucket(a.id), await inBucket(b.id)]).toEqual([true, true]);
    expect((await call('DELETE', `/api/uploads/${a.id}`)).status).toBe(204);
    expect([await inBucket(a.id), await inBucket(b.id)]).toEqual([false, true]);
    clock += 25 * 3600 * 1000;
    expect(await s.uploads.sweep()).toBe(1);
    expect(await inBucket(b.id)).toBe(false);
    expect((await call('GET', `/api/uploads/${b.id}`)).json.status).toBe('expired');
  });
});
