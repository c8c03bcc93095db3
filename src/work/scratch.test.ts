import { afterEach, describe, expect, test } from 'bun:test';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeScratch, removeAttemptScratch, removeScratch, scratchDir, sweepScratch } from './scratch.ts';

const dirs: string[] = [];
const workDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'mpr-scratch-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const tree = async (dir: string) => (await readdir(dir, { recursive: true })).sort();

describe('scratch folders', () => {
  test('a chunk removing its folder takes the attempt and job folders with it once they are empty', async () => {
    const w = await workDir();
    const c0 = await makeScratch(w, 'job1', 1, 'c0');
    const c1 = await makeScratch(w, 'job1', 1, 'c1');
    await writeFile(join(c0, 'seg.ts'), 'x');
    expect(c0).toBe(join(w, 'job1', 'a1', 'c0'));

    await removeScratch(w, 'job1', 1, 'c0');
    expect(await tree(w)).toEqual(['job1', 'job1/a1', 'job1/a1/c1']); // the sibling keeps the parents
    await removeScratch(w, 'job1', 1, 'c1');
    expect(await tree(w)).toEqual([]); // the work folder itself stays
    await removeScratch(w, 'job1', 1, 'c1'); // twice is fine
    expect(c1).toBe(join(w, 'job1', 'a1', 'c1'));
  });

  test('making a folder while siblings of the same attempt remove theirs never fails', async () => {
    // Each lane makes and removes its own chunk folder in one attempt, so the
    // attempt's and job's folders are pruned and made again thousands of
    // times at once: a plain mkdir -p loses that race (EEXIST or ENOENT).
    const w = await workDir();
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, lane) => {
        for (let i = 0; i < 1500; i++) {
          try {
            const dir = await makeScratch(w, 'race', 1, `c${lane}`);
            await writeFile(join(dir, 'out.ts'), 'x'); // the folder really is there
          } catch (e) {
            failures.push(`lane ${lane} round ${i}: ${e instanceof Error ? e.message : String(e)}`);
          }
          await removeScratch(w, 'race', 1, `c${lane}`);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(await tree(w)).toEqual([]);
  }, 120_000);

  test("discarding an attempt removes its folder, and the job's when no other attempt is left", async () => {
    const w = await workDir();
    await makeScratch(w, 'j', 1, 'c0');
    await makeScratch(w, 'j', 2, 'package');
    await removeAttemptScratch(w, 'j', 1);
    expect(await tree(w)).toEqual(['j', 'j/a2', 'j/a2/package']);
    await removeAttemptScratch(w, 'j', 2);
    expect(await tree(w)).toEqual([]);
  });

  test('names that would leave the work folder are refused', () => {
    expect(() => scratchDir('/w', '..', 1, 'c0')).toThrow('plain folder name');
    expect(() => scratchDir('/w', 'j', 1, '../../etc')).toThrow('plain folder name');
    expect(() => scratchDir('/w', 'j', 0, 'c0')).toThrow('whole number');
  });

  test('the start-up sweep removes leftovers and keeps attempts that may still run', async () => {
    const w = await workDir();
    await mkdir(join(w, 'done/a1/c0'), { recursive: true }); // empty husks
    await mkdir(join(w, 'done/a2'), { recursive: true });
    await makeScratch(w, 'crashed', 1, 'c3');
    await writeFile(join(w, 'crashed/a1/c3/half.ts'), 'half a segment');
    await makeScratch(w, 'live', 2, 'c0');
    await writeFile(join(w, 'live/a2/c0/seg.ts'), 'in progress');
    await mkdir(join(w, 'live/a1/c0'), { recursive: true }); // its earlier attempt is over
    await writeFile(join(w, 'stray.txt'), 'x');

    const r = await sweepScratch(w, (job, attempt) => job === 'live' && attempt === 2);
    expect(r).toEqual({ removed: 5, kept: 1 });
    expect(await tree(w)).toEqual(['live', 'live/a2', 'live/a2/c0', 'live/a2/c0/seg.ts']);

    expect(await sweepScratch(join(w, 'missing'))).toEqual({ removed: 0, kept: 0 });
    expect(await sweepScratch(w)).toEqual({ removed: 1, kept: 0 });
    expect(await tree(w)).toEqual([]);
  });
});
