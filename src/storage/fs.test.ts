import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkedBody, expectAppError, storageContract, textOf } from './contract.ts';
import { storageFromConfig } from './factory.ts';
import { createFsStorage } from './fs.ts';
import type { Storage } from './index.ts';

storageContract('fs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mpr-fs-storage-'));
  return { storage: createFsStorage(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

/** Every name under dir, dotfiles included, relative with '/'. */
const allNames = async (dir: string): Promise<string[]> => (await readdir(dir, { recursive: true })).map((n) => n.split('\\').join('/')).sort();

describe('fs storage specifics', () => {
  let base: string;
  let root: string;
  let outside: string;
  let s: Storage;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mpr-fs-specific-'));
    root = join(base, 'root');
    outside = join(base, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'secret');
    s = createFsStorage(root);
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  test('creates the root folder and describes itself by path', async () => {
    expect((await stat(root)).isDirectory()).toBe(true);
    expect(s.backend).toBe('fs');
    expect(s.describe).toBe(root);
  });

  test('a symlink that leads outside the root is refused, and not listed', async () => {
    await mkdir(join(root, 'links'), { recursive: true });
    await symlink(outside, join(root, 'links/out-dir'));
    await symlink(join(outside, 'secret.txt'), join(root, 'links/out-file.txt'));
    await s.put('links/inside.txt', 'fine');
    await symlink(join(root, 'links/inside.txt'), join(root, 'links/in-file.txt'));

    await expectAppError(() => s.get('links/out-dir/secret.txt'), 'validation', 'outside');
    await expectAppError(() => s.get('links/out-file.txt'), 'validation', 'outside');
    await expectAppError(() => s.stat('links/out-dir/secret.txt'), 'validation');
    await expectAppError(() => s.put('links/out-dir/planted.txt', 'x'), 'validation');
    await expectAppError(() => s.putFile('links/out-dir/planted.txt', join(outside, 'secret.txt')), 'validation');
    await expectAppError(() => s.delete('links/out-dir/secret.txt'), 'validation');
    await expectAppError(() => s.url('links/out-file.txt'), 'validation');
    await expectAppError(() => s.localPath('links/out-dir/secret.txt'), 'validation');
    await expectAppError(() => s.getToFile('links/out-file.txt', join(base, 'copy.txt')), 'validation');
    expect(await Bun.file(join(outside, 'planted.txt')).exists()).toBe(false);
    expect(await Bun.file(join(outside, 'secret.txt')).text()).toBe('secret');

    // A link that stays inside the root is an ordinary object.
    expect(await textOf(await s.get('links/in-file.txt'))).toBe('fine');
    expect((await s.list('links/')).map((o) => o.key)).toEqual(['links/in-file.txt', 'links/inside.txt']);
    expect(await s.list('links/out-dir/')).toEqual([]);
  });

  test('a symlink cycle does not hang listing', async () => {
    await mkdir(join(root, 'cycle/a'), { recursive: true });
    await writeFile(join(root, 'cycle/a/f.txt'), 'f');
    await symlink(join(root, 'cycle'), join(root, 'cycle/a/loop'));
    const keys = (await s.list('cycle/')).map((o) => o.key);
    expect(keys).toContain('cycle/a/f.txt');
    expect(keys.length).toBeLessThan(5);
  });

  test('temp files are not listed; names no key can reach are skipped', async () => {
    await mkdir(join(root, 'tmpfiles'), { recursive: true });
    await writeFile(join(root, 'tmpfiles/.mpr-0123456789abcdef.part'), 'half');
    await writeFile(join(root, 'tmpfiles/back\\slash.txt'), 'x');
    await s.put('tmpfiles/real.txt', 'whole');
    await writeFile(join(root, 'tmpfiles/.hidden'), 'dotfiles are objects');
    expect((await s.list('tmpfiles/')).map((o) => o.key)).toEqual(['tmpfiles/.hidden', 'tmpfiles/real.txt']);
  });

  test('a write interrupted halfway leaves no partial object and no temp file', async () => {
    const own = join(base, 'interrupted-root');
    const t = createFsStorage(own);
    await t.put('keep.txt', 'k');
    const { stream } = chunkedBody(8 * 1024 * 1024, 64 * 1024, 2 * 1024 * 1024);
    await expect(t.put('interrupted/video.mp4', stream)).rejects.toThrow('producer failed halfway');
    expect(await t.stat('interrupted/video.mp4')).toBeNull();
    // No temp file, no partial video, not even the folder made for it.
    expect(await allNames(own)).toEqual(['keep.txt']);
  });

  test('the stream is written as it arrives, not gathered first', async () => {
    // The producer waits until the first chunk is on disk: a put that
    // buffered the whole body before writing would never finish.
    const firstChunkOnDisk = async (): Promise<void> => {
      for (let i = 0; i < 400; i++) {
        const names = await readdir(join(root, 'live')).catch(() => []);
        const tmp = names.find((n) => n.endsWith('.part'));
        if (tmp && Bun.file(join(root, 'live', tmp)).size > 0) return;
        await Bun.sleep(5);
      }
      throw new Error('the first chunk never reached the disk: put gathers the stream before writing');
    };
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (sent === 1) await firstChunkOnDisk();
        if (sent === 2) return ctl.close();
        sent++;
        ctl.enqueue(new Uint8Array(256 * 1024).fill(sent));
      },
    });
    const put = await s.put('live/growing.bin', stream);
    expect(put.size).toBe(512 * 1024);
  });

  test('deletePrefix removes the emptied folders too', async () => {
    await s.put('jobs/j1/hls/a.ts', 'a');
    await s.put('jobs/j1/hls/b.ts', 'b');
    await s.put('jobs/j2/out.mp4', 'c');
    expect(await s.deletePrefix('jobs/j1/')).toBe(2);
    expect(await readdir(join(root, 'jobs'))).toEqual(['j2']);
  });

  test('a put racing a delete that prunes the same folder still lands', async () => {
    for (let i = 0; i < 100; i++) {
      await s.put('race/d/b.ts', 'b');
      const body = i % 2 ? 'a' : new Blob(['a']).stream();
      await Promise.all([s.delete('race/d/b.ts'), s.put('race/d/a.ts', body)]);
      expect(await textOf(await s.get('race/d/a.ts'))).toBe('a');
      await s.delete('race/d/a.ts');
    }
  });

  test('puts and deletes racing in one folder tree all land: mkdir -p survives the prunes beside it', async () => {
    // Each lane writes and deletes its own key in a shared folder, so the
    // folders are pruned (every delete that empties them) and made again (every
    // put) at the same moment, thousands of times. mkdir -p loses that race
    // with EEXIST (it saw the folder, a prune removed it before it checked) or
    // the temp file's open with ENOENT; both must be retried, never surfaced.
    const lanes = 4;
    const rounds = 1500;
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        const key = `stress/x/y/d/${lane}.ts`;
        for (let i = 0; i < rounds; i++) {
          const body = i % 2 ? `lane ${lane}` : new Blob([`lane ${lane}`]).stream();
          try {
            await s.put(key, body);
            const got = await textOf(await s.get(key));
            if (got !== `lane ${lane}`) failures.push(`round ${i}: read back ${JSON.stringify(got)}`);
          } catch (e) {
            failures.push(`round ${i}: ${e instanceof Error ? e.message : String(e)}`);
          }
          await s.delete(key);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(await s.list('stress/')).toEqual([]);
  }, 120_000);

  test('a root that vanished is unavailable, not recreated', async () => {
    const gone = join(base, 'gone');
    const g = createFsStorage(gone);
    await g.put('a/b.txt', 'x');
    await rm(gone, { recursive: true });
    await expectAppError(() => g.list(), 'unavailable', gone);
    await expectAppError(() => g.put('a/b.txt', 'y'), 'unavailable', gone);
    await expectAppError(() => g.get('a/b.txt'), 'unavailable', gone);
    expect(await Bun.file(join(gone, 'a/b.txt')).exists()).toBe(false);
  });

  test('a root that is a file cannot be used', async () => {
    const file = join(base, 'plain-file');
    await writeFile(file, 'x');
    await expectAppError(() => createFsStorage(file), 'unavailable', file);
  });

  test('a key that clashes with a folder is a conflict', async () => {
    await s.put('clash/inner.txt', 'x');
    await expectAppError(() => s.put('clash', 'y'), 'conflict');
    await expectAppError(() => s.put('clash/inner.txt/deeper', 'y'), 'conflict');
    await s.delete('clash'); // a folder is no object: nothing to delete
    expect(await textOf(await s.get('clash/inner.txt'))).toBe('x');
  });
});

describe('storageFromConfig', () => {
  test('no buckets: both sides are folders, created on demand', async () => {
    const base = await mkdtemp(join(tmpdir(), 'mpr-factory-'));
    try {
      const { input, output } = storageFromConfig({
        mediaIn: join(base, 'in'),
        mediaOut: join(base, 'out'),
        s3EndpointUrl: null,
        s3BucketIn: null,
        s3BucketOut: null,
      });
      expect([input.backend, output.backend]).toEqual(['fs', 'fs']);
      expect([input.describe, output.describe]).toEqual([join(base, 'in'), join(base, 'out')]);
      await output.put('jobs/j1/out.mp4', 'x');
      expect(await Bun.file(join(base, 'out/jobs/j1/out.mp4')).text()).toBe('x');
      expect(await input.list()).toEqual([]);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});
