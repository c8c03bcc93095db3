import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { S3Client } from '@aws-sdk/client-s3';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from '../../test/s3-server.ts';
import { expectAppError, uniquePrefix } from './contract.ts';
import type { Storage } from './index.ts';
import { multipartContract } from './multipart-contract.ts';
import { createS3Multipart } from './s3-multipart.ts';
import { createS3Storage } from './s3.ts';

let server: S3Server;
beforeAll(async () => {
  server = await startS3Server();
});
afterAll(() => server?.stop());

const s3 = (bucket: string): Storage => createS3Storage({ bucket, endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS });

multipartContract('s3 (s3rver)', async () => {
  const storage = s3(await server.createBucket());
  return { storage, uploads: storage.multipart('/unused'), cleanup: async () => {} };
});

describe('s3 multipart specifics', () => {
  let storage: Storage;
  beforeAll(async () => {
    storage = s3(await server.createBucket());
  });

  test('direct mode, one instance per store', () => {
    expect(storage.multipart('a').mode).toBe('direct');
    expect(storage.multipart('b')).toBe(storage.multipart('a'));
  });

  test('a part URL signs its length, carries no checksum, and refuses a body of any other length', async () => {
    const m = storage.multipart('');
    const key = `${uniquePrefix('mp-signed')}part.bin`;
    const handle = await m.start(key, { contentType: 'application/octet-stream' });
    const url = new URL((await m.partUrl(key, handle, 1, 100, 120))!);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('120');
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    for (const size of [101, 99, 0]) {
      const res = await fetch(url.href, { method: 'PUT', body: new Uint8Array(size) });
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('SignatureDoesNotMatch');
    }
    expect(await m.listParts(key, handle)).toEqual([]);
    const res = await fetch(url.href, { method: 'PUT', body: new Uint8Array(100), headers: { 'content-type': 'video/mp4' } });
    expect(res.status).toBe(200);
    const etag = res.headers.get('etag');
    expect(etag).toBe(`"${new Bun.CryptoHasher('md5').update(new Uint8Array(100)).digest('hex')}"`);
    expect(await m.listParts(key, handle)).toEqual([{ number: 1, size: 100, etag: etag! }]);
    await m.abort(key, handle);
    expect((await fetch(url.href, { method: 'PUT', body: new Uint8Array(100) })).status).toBe(404); // NoSuchUpload
  });

  test('on AWS, where the SDK checksums every request, part URLs still carry no checksum a browser cannot send', async () => {
    // Presigning is local: no request leaves the machine.
    const aws = new S3Client({ region: 'eu-west-1', credentials: S3RVER_CREDENTIALS });
    const m = createS3Multipart(aws, 'mpr-bucket', (e) => (e instanceof Error ? e : new Error(String(e))));
    const url = new URL((await m.partUrl('in/a.mp4', 'upload-id', 3, 5 * 1024 * 1024, 60))!);
    expect(url.hostname).toContain('amazonaws.com');
    expect([...url.searchParams.keys()].filter((k) => /checksum/i.test(k))).toEqual([]);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
    expect(url.searchParams.get('partNumber')).toBe('3');
    aws.destroy();
  });

  test('a missing bucket is unavailable, naming it', async () => {
    const m = s3('mpr-no-such-bucket').multipart('');
    await expectAppError(() => m.start('a.mp4', { contentType: 'video/mp4' }), 'unavailable', 'mpr-no-such-bucket');
  });
});
