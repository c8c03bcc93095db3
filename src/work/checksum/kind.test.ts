import { afterEach, describe, expect, test } from 'bun:test';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppError } from '../../errors.ts';
import { createApp } from '../../http/app.ts';
import { testEnv, type TestEnv } from '../../../test/system.ts';
import { waitForJob } from '../../../test/wait.ts';
import { checksumParams, combineHashes, planRanges } from './kind.ts';
import { signedIn } from '../../../test/auth.ts';

const refused = (p: Record<string, unknown>, words: string) => {
  expect(() => checksumParams(p)).toThrow(words);
  try {
    checksumParams(p);
  } catch (e) {
    expect((e as AppError).code).toBe('validation');
  }
};

describe('checksum params', () => {
  test('a checksum names an input-store key, never a path on the server', () => {
    expect(checksumParams({ inputKey: 'clips/a.mp4' })).toEqual({ inputKey: 'clips/a.mp4', chunkBytes: 1024 * 1024 });
    refused({ path: '/etc/passwd' }, 'give params.inputKey');
    refused({ inputKey: '/etc/passwd' }, 'params.inputKey: storage key "/etc/passwd" is absolute');
    refused({ inputKey: '../../../../etc/passwd' }, 'params.inputKey: storage key "../../../../etc/passwd" has a ".." segment');
    refused({ inputKey: 'a/../../etc/passwd' }, '".." segment');
    refused({}, 'checksum needs params.inputKey');
    refused({ inputKey: 'a', chunkBytes: 5 }, 'params.chunkBytes');
  });

  test('ranges cover the object; the combined hash is of the ordered hashes', () => {
    expect(planRanges(10_000, 4096).map((c) => c.spec)).toEqual([
      { start: 0, end: 4096 },
      { start: 4096, end: 8192 },
      { start: 8192, end: 10_000 },
    ]);
    expect(planRanges(0, 4096)).toEqual([{ n: 0, spec: { start: 0, end: 0 } }]);
    expect(combineHashes(['a', 'b'])).not.toBe(combineHashes(['b', 'a']));
  });
});

describe('checksum jobs over HTTP', () => {
  let env: TestEnv;
  afterEach(() => env?.cleanup());

  test('a checksum job cannot read /etc/passwd: absolute keys, ".." and paths are 400s, a link out of the input folder fails', async () => {
    env = testEnv('sqlite', 'checksum-http');
    const input = join(env.dataDir, 'media/in');
    mkdirSync(input, { recursive: true });
    writeFileSync(join(input, 'ok.bin'), 'x'.repeat(10_000));
    symlinkSync('/etc/passwd', join(input, 'passwd-link'));
    const s = await env.boot({ workConcurrency: 1 });
    await s.start();
    const app = await signedIn(s, createApp(s));
    const post = (params: Record<string, unknown>) =>
      app.handle(
        new Request('http://localhost/api/jobs', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'checksum', params }),
        }),
      );

    for (const params of [
      { path: '/etc/passwd' },
      { inputKey: '/etc/passwd' },
      { inputKey: '../../../../../../etc/passwd' },
      { inputKey: 'x/../../etc/passwd' },
    ]) {
      const res = await post(params);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('validation');
      expect(body.error.message).toContain('inputKey');
    }

    const linked = await post({ inputKey: 'passwd-link' });
    expect(linked.status).toBe(201);
    const failed = await waitForJob(s, ((await linked.json()) as { id: string }).id, ['COMPLETED', 'FAILED']);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toContain('outside the folder');
    expect(JSON.stringify(failed.result)).not.toContain('root:');

    const ok = await post({ inputKey: 'ok.bin', chunkBytes: 4096 });
    expect(ok.status).toBe(201);
    const done = await waitForJob(s, ((await ok.json()) as { id: string }).id, ['COMPLETED', 'FAILED']);
    expect(done.status).toBe('COMPLETED');
    expect(done.result).toMatchObject({ bytes: 10_000, chunks: 3 });
  }, 30_000);
});
