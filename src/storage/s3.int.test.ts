import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from '../../test/s3-server.ts';
import { chunkedBody, expectAppError, sha256, storageContract, uniquePrefix } from './contract.ts';
import { storageFromConfig } from './factory.ts';
import type { Storage } from './index.ts';
import { createS3Storage, type S3StorageOptions } from './s3.ts';

let server: S3Server;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(() => server?.stop());

const s3 = (bucket: string, extra: Partial<S3StorageOptions> = {}): Storage =>
  createS3Storage({ bucket, endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS, ...extra });

storageContract('s3 (s3rver)', async () => {
  const bucket = await server.createBucket();
  const storage = s3(bucket);
  const cleanup = async () => {
    // deletePrefix refuses '': empty the bucket one top-level folder at a time.
    const tops = new Set((await storage.list()).map((o) => o.key.split('/')[0]!));
    for (const top of tops) await storage.deletePrefix(top);
  };
  return { storage, cleanup };
});

/** A loopback port nothing listens on. */
const closedPort = (): number => {
  const l = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const port = l.port;
  l.stop(true);
  return port;
};

describe('s3 storage specifics', () => {
  let bucket: string;
  let s: Storage;
  beforeAll(async () => {
    bucket = await server.createBucket();
    s = s3(bucket);
  });

  test('describes itself by bucket and endpoint', () => {
    expect(s.backend).toBe('s3');
    expect(s.describe).toBe(`s3://${bucket} at ${server.endpoint}`);
  });

  test('a missing bucket is unavailable, naming the bucket, for every method', async () => {
    const missing = s3('mpr-no-such-bucket');
    for (const call of [
      () => missing.list(),
      () => missing.stat('a.mp4'),
      () => missing.get('a.mp4'),
      () => missing.put('a.mp4', 'x'),
      () => missing.deletePrefix('a/'),
    ]) {
      const err = await expectAppError(call, 'unavailable', 'mpr-no-such-bucket');
      expect(err.message).toContain('does not exist');
      expect(err.message).toContain(server.endpoint);
    }
  });

  test('an unreachable endpoint is unavailable within seconds, not a hang', async () => {
    const endpoint = `http://127.0.0.1:${closedPort()}`;
    const dead = createS3Storage({ bucket: 'mpr-in', endpoint, credentials: S3RVER_CREDENTIALS });
    const started = performance.now();
    const err = await expectAppError(() => dead.list(), 'unavailable', endpoint);
    expect(err.message).toContain('cannot reach');
    await expectAppError(() => dead.put('a.txt', 'x'), 'unavailable', 'mpr-in');
    await expectAppError(() => dead.stat('a.txt'), 'unavailable', 'mpr-in');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  test('an endpoint that accepts connections but never answers is unavailable, not a hang', async () => {
    const silent = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
    try {
      const endpoint = `http://127.0.0.1:${silent.port}`;
      const mute = createS3Storage({ bucket: 'mpr-in', endpoint, credentials: S3RVER_CREDENTIALS, idleTimeoutMs: 300 });
      const err = await expectAppError(() => mute.stat('a.mp4'), 'unavailable', endpoint);
      expect(err.message).toContain('did not answer in time');
    } finally {
      silent.stop(true);
    }
  });

  test('a full store (MinIO answers 507 XMinioStorageFull) is insufficient_storage, not unavailable', async () => {
    // What MinIO answers a write once its drives are past their free-space threshold.
    const full = Bun.serve({
      hostname: '127.0.0.1',
      port: 0,
      fetch: () =>
        new Response(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>XMinioStorageFull</Code><Message>Storage backend has reached its minimum free drive threshold. Please delete a few objects to proceed.</Message></Error>',
          { status: 507, headers: { 'content-type': 'application/xml' } },
        ),
    });
    try {
      const store = createS3Storage({ bucket: 'mpr-out', endpoint: `http://127.0.0.1:${full.port}`, credentials: S3RVER_CREDENTIALS });
      const err = await expectAppError(() => store.put('a.txt', 'x'), 'insufficient_storage', 'mpr-out');
      expect(err.message).toContain('the store is full');
    } finally {
      full.stop(true);
    }
  });

  test('unknown credentials are unavailable with a hint to check them', async () => {
    const denied = s3(bucket, { credentials: { accessKeyId: 'NOT-A-KEY', secretAccessKey: 'nope' } });
    const err = await expectAppError(() => denied.list(), 'unavailable', bucket);
    expect(err.message).toContain('access denied (check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)');
    await expectAppError(() => denied.stat('x'), 'unavailable', 'access denied');
  });

  test('a ~20 MB stream goes up as a multipart upload and lists with the right size', async () => {
    const p = uniquePrefix('multipart');
    const total = 20 * 1024 * 1024 + 4321;
    const { stream, expected } = chunkedBody(total, 256 * 1024);
    const put = await s.put(`${p}big.mp4`, stream);
    expect(put.size).toBe(total);
    expect(await s.list(p)).toMatchObject([{ key: `${p}big.mp4`, size: total }]);
    expect(await sha256(await s.get(`${p}big.mp4`))).toBe(expected);
    // A range across the 8 MiB part boundary reads straight through it.
    const mid = new Uint8Array(await new Response(await s.get(`${p}big.mp4`, { start: 8 * 1024 * 1024 - 10, end: 8 * 1024 * 1024 + 10 })).arrayBuffer());
    expect(mid.byteLength).toBe(20);
  }, 60_000);

  test('a multipart upload whose body fails after the first part leaves no object', async () => {
    const p = uniquePrefix('aborted');
    const { stream } = chunkedBody(24 * 1024 * 1024, 256 * 1024, 12 * 1024 * 1024);
    await expect(s.put(`${p}half.mp4`, stream)).rejects.toThrow('producer failed halfway');
    expect(await s.stat(`${p}half.mp4`)).toBeNull();
    expect(await s.list(p)).toEqual([]);
  }, 60_000);

  test('a presigned URL of an output is fetchable with plain fetch(), with a content type', async () => {
    const p = uniquePrefix('presigned');
    await s.put(`${p}hls/index.m3u8`, '#EXTM3U\n#EXT-X-ENDLIST\n');
    const url = await s.url(`${p}hls/index.m3u8`, 60);
    expect(url).toContain('X-Amz-Expires=60');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
    expect(await res.text()).toBe('#EXTM3U\n#EXT-X-ENDLIST\n');
    await expectAppError(() => s.url(`${p}hls/index.m3u8`, 0), 'validation');
    await expectAppError(() => s.url(`${p}hls/index.m3u8`, 8 * 24 * 3600), 'validation');
  });

  test('an explicit content type wins over the extension', async () => {
    const p = uniquePrefix('ctype');
    await s.put(`${p}data.bin`, '{}', { contentType: 'application/json' });
    const res = await fetch(await s.url(`${p}data.bin`));
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  test('folder markers and keys our API cannot address are not listed', async () => {
    const p = uniquePrefix('markers');
    // Written with the SDK directly, as the AWS console's "Create folder" does.
    const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const raw = new S3Client({ endpoint: server.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    await raw.send(new PutObjectCommand({ Bucket: bucket, Key: `${p}folder/`, Body: '', ContentLength: 0 }));
    await s.put(`${p}folder/real.mp4`, 'x');
    expect((await s.list(p)).map((o) => o.key)).toEqual([`${p}folder/real.mp4`]);
    raw.destroy();
  });
});

describe('storageFromConfig', () => {
  test('buckets set: both sides on S3 at the endpoint', async () => {
    const [bucketIn, bucketOut] = [await server.createBucket(), await server.createBucket()];
    const env = { AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY };
    // The factory uses the SDK's credential chain, as production does.
    process.env.AWS_ACCESS_KEY_ID = S3RVER_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3RVER_CREDENTIALS.secretAccessKey;
    try {
      const { input, output } = storageFromConfig({
        mediaIn: '/unused/in',
        mediaOut: '/unused/out',
        s3EndpointUrl: server.endpoint,
        s3BucketIn: bucketIn,
        s3BucketOut: bucketOut,
      });
      expect([input.backend, output.backend]).toEqual(['s3', 's3']);
      expect(input.describe).toBe(`s3://${bucketIn} at ${server.endpoint}`);
      expect(output.describe).toBe(`s3://${bucketOut} at ${server.endpoint}`);
      await input.put('in.txt', 'in');
      expect(await output.stat('in.txt')).toBeNull();
      expect((await input.stat('in.txt'))?.size).toBe(2);
    } finally {
      for (const [k, v] of Object.entries(env)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
