import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAppError, uniquePrefix } from './contract.ts';
import { createFsStorage } from './fs.ts';
import { createFsMultipart } from './fs-multipart.ts';
import type { Storage } from './index.ts';
import type { MultipartUploads } from './multipart.ts';
import { multipartContract } from './multipart-contract.ts';

/** The staging folder's names for an upload, less its record; null when the folder is gone. */
const stagedIn = (stagingDir: string) => async (handle: string) => {
  const names = await readdir(join(stagingDir, handle)).catch(() => null);
  return names ? names.filter((n) => n !== 'upload.json').sort() : null;
};

multipartContract('fs (staging folder)', async () => {
  const base = await mkdtemp(join(tmpdir(), 'mpr-multipart-'));
  const storage = createFsStorage(join(base, 'media'));
  const stagingDir = join(base, 'staging');
  return { storage, uploads: storage.multipart(stagingDir), staged: stagedIn(stagingDir), cleanup: () => rm(base, { recursive: true, force: true }) };
});

describe('fs multipart specifics', () => {
  let base: string;
  let stagingDir: string;
  let storage: Storage;
  let m: MultipartUploads;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mpr-multipart-fs-'));
    stagingDir = join(base, 'staging');
    storage = createFsStorage(join(base, 'media'));
    m = storage.multipart(stagingDir);
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  test("relay mode; start makes a url-safe handle and a folder holding the upload's record", async () => {
    expect(m.mode).toBe('relay');
    const prefix = uniquePrefix('fs-start');
    const key = `${prefix}a b/video.mp4`;
    const handle = await m.start(key, { contentType: 'video/mp4' });
    expect(handle).toMatch(/^[A-Za-z0-9_-]{21}$/);
    const record = JSON.parse(await readFile(join(stagingDir, handle, 'upload.json'), 'utf8'));
    expect(record).toMatchObject({ key, contentType: 'video/mp4' });
    expect(Number.isNaN(Date.parse(record.createdAt))).toBe(false);
    expect(await m.start(key, { contentType: 'video/mp4' })).not.toBe(handle);
    // Nothing lands in the store until complete.
    expect(await storage.list(prefix)).toEqual([]);
  });

  test('handles that could leave the staging folder are refused before any disk access', async () => {
    await writeFile(join(base, 'upload.json'), JSON.stringify({ key: 'x.bin', contentType: 'text/plain', createdAt: '' }));
    for (const handle of ['..', '../outside', '/etc', 'a/b', '.', `${'a'.repeat(20)}.`, 'a'.repeat(22)]) {
      await expectAppError(() => m.listParts('x.bin', handle), 'validation');
      await expectAppError(() => m.abort('x.bin', handle), 'validation');
      await expectAppError(() => m.putPart('x.bin', handle, 1, new Blob(['x']).stream(), 1), 'validation');
    }
    expect(await readdir(base)).toContain('upload.json');
  });

  test('parts sit in the staging folder named by number and md5; a re-send leaves one file', async () => {
    const key = `${uniquePrefix('fs-layout')}x.bin`;
    const handle = await m.start(key, { contentType: 'application/octet-stream' });
    await m.putPart(key, handle, 7, new Blob(['one']).stream(), 10);
    const part = await m.putPart(key, handle, 7, new Blob(['two']).stream(), 10);
    const md5 = new Bun.CryptoHasher('md5').update('two').digest('hex');
    expect(part).toEqual({ number: 7, etag: `"${md5}"`, size: 3 });
    expect((await readdir(join(stagingDir, handle))).sort()).toEqual([`7.${md5}.part`, 'upload.json']);
    await m.abort(key, handle);
  });

  test('files other than parts in the folder are ignored; a vanished part is a conflict, not a half object', async () => {
    const key = `${uniquePrefix('fs-vanish')}y.bin`;
    const handle = await m.start(key, { contentType: 'application/octet-stream' });
    const p1 = await m.putPart(key, handle, 1, new Blob(['a']).stream(), 1);
    const p2 = await m.putPart(key, handle, 2, new Blob(['b']).stream(), 1);
    await writeFile(join(stagingDir, handle, '.incoming-3-leftover'), 'from a crash');
    await writeFile(join(stagingDir, handle, 'notes.txt'), 'not a part');
    expect((await m.listParts(key, handle)).map((p) => p.number)).toEqual([1, 2]);
    // Part 2 goes after complete checked it and before the join reaches it: no object may appear.
    const dir = join(stagingDir, handle);
    const name2 = (await readdir(dir)).find((n) => n.startsWith('2.'))!;
    const racing: Storage = {
      ...storage,
      async put(k, body, o) {
        await unlink(join(dir, name2));
        return storage.put(k, body, o);
      },
    };
    await expectAppError(() => createFsMultipart(racing, stagingDir).complete(key, handle, [p1, p2]), 'conflict', 'part 2');
    expect(await storage.stat(key)).toBeNull();
    await m.putPart(key, handle, 2, new Blob(['b']).stream(), 1);
    const object = await m.complete(key, handle, [p1, p2]);
    expect(object.size).toBe(2);
    expect(await readdir(stagingDir)).not.toContain(handle);
  });

  test('an upload.json that is not JSON is corrupt; abort removes it all the same', async () => {
    const key = `${uniquePrefix('fs-corrupt')}z.bin`;
    const handle = await m.start(key, { contentType: 'application/octet-stream' });
    await writeFile(join(stagingDir, handle, 'upload.json'), '{not json');
    await expectAppError(() => m.listParts(key, handle), 'corrupt');
    await m.abort(key, handle);
    expect(await readdir(stagingDir)).not.toContain(handle);
  });
});
