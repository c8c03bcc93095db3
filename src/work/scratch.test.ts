import { afterEach, describe, expect, test } from 'bun:test';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTime } from '../media/children.ts';
import {
  makeScratch,
  ownerMayRun,
  removeAttemptScratch,
  removeScratch,
  type RunOwner,
  runIdOf,
  runOwnerOf,
  scratchDir,
  sweepScratch,
  thisRunOwner,
} from './scratch.ts';

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
    expect(c0.startsWith(`${join(w, 'job1', 'a1', 'c0')}.`)).toBe(true);
    const c1Name = c1.slice(join(w, 'job1', 'a1').length + 1);

    await removeScratch(w, c0);
    expect(await tree(w)).toEqual(['job1', 'job1/a1', `job1/a1/${c1Name}`]); // the sibling keeps the parents
    await removeScratch(w, c1);
    expect(await tree(w)).toEqual([]); // the work folder itself stays
    await removeScratch(w, c1); // twice is fine
  });

  test('two runs of the same chunk get folders of their own, and removing one leaves the other', async () => {
    // A killed run's ffmpeg may write on until start-up kills it: the rerun
    // must neither clear its folder nor share it.
    const w = await workDir();
    const first = await makeScratch(w, 'job1', 1, 'c3');
    await writeFile(join(first, 'c3_000.ts'), 'the orphan writes here');
    const rerun = await makeScratch(w, 'job1', 1, 'c3');
    expect(rerun).not.toBe(first);
    expect(await tree(w)).toContain(`job1/a1/${first.split('/').at(-1)}/c3_000.ts`); // not cleared by the rerun
    expect(await readdir(rerun)).toEqual([]);

    await writeFile(join(rerun, 'c3_000.ts'), 'the rerun writes here');
    await removeScratch(w, rerun);
    expect(await tree(w)).toEqual(['job1', 'job1/a1', `job1/a1/${first.split('/').at(-1)}`, `job1/a1/${first.split('/').at(-1)}/c3_000.ts`]);
    await removeScratch(w, first);
    expect(await tree(w)).toEqual([]);
    // Many runs, no two alike.
    const many = await Promise.all(Array.from({ length: 200 }, () => makeScratch(w, 'job1', 1, 'c3')));
    expect(new Set(many).size).toBe(200);
  });

  test('removeScratch takes only a run folder makeScratch made', async () => {
    const w = await workDir();
    await makeScratch(w, 'j', 1, 'c0');
    for (const bad of [w, join(w, 'j'), join(w, 'j', 'a1'), join(w, '..', 'etc', 'a1', 'x'), join(w, 'j', 'b1', 'c0.x'), '/etc/passwd']) {
      await expect(removeScratch(w, bad)).rejects.toThrow('removeScratch takes the path makeScratch returned');
    }
    expect((await tree(w)).length).toBe(3);
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
          let dir: string | undefined;
          try {
            dir = await makeScratch(w, 'race', 1, `c${lane}`);
            await writeFile(join(dir, 'out.ts'), 'x'); // the folder really is there
          } catch (e) {
            failures.push(`lane ${lane} round ${i}: ${e instanceof Error ? e.message : String(e)}`);
          }
          if (dir) await removeScratch(w, dir);
        }
      }),
    );
    expect(failures).toEqual([]);
    expect(await tree(w)).toEqual([]);
  }, 120_000);

  test("discarding an attempt removes its folder, and the job's when no other attempt is left", async () => {
    const w = await workDir();
    await makeScratch(w, 'j', 1, 'c0');
    await makeScratch(w, 'j', 1, 'c0'); // a rerun's folder goes with the attempt too
    const pkg = await makeScratch(w, 'j', 2, 'package');
    await removeAttemptScratch(w, 'j', 1);
    expect(await tree(w)).toEqual(['j', 'j/a2', `j/a2/${pkg.split('/').at(-1)}`]);
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
    await writeFile(join(await makeScratch(w, 'crashed', 1, 'c3'), 'half.ts'), 'half a segment');
    const live = await makeScratch(w, 'live', 2, 'c0');
    await writeFile(join(live, 'seg.ts'), 'in progress');
    const liveName = `live/a2/${live.split('/').at(-1)}`;
    await mkdir(join(w, 'live/a1/c0'), { recursive: true }); // its earlier attempt is over
    await writeFile(join(w, 'stray.txt'), 'x');

    const r = await sweepScratch(w, (job, attempt) => job === 'live' && attempt === 2);
    expect(r).toEqual({ removed: 5, kept: 1 });
    expect(await tree(w)).toEqual(['live', 'live/a2', liveName, `${liveName}/seg.ts`]);

    expect(await sweepScratch(join(w, 'missing'))).toEqual({ removed: 0, kept: 0 });
    expect(await sweepScratch(w)).toEqual({ removed: 1, kept: 0 });
    expect(await tree(w)).toEqual([]);
  });

  test('a run id names the process that made the folder', async () => {
    const w = await workDir();
    const me = thisRunOwner();
    expect(me.pid).toBe(process.pid);
    expect(me.start).toBe(processStartTime('self')!);
    const dir = await makeScratch(w, 'j', 1, 'c0');
    expect(runOwnerOf(dir.split('/').at(-1)!)).toEqual(me);
    expect(runOwnerOf(`c0.${runIdOf({ host: 'abc123', pid: 77, start: 9 }, 'ff00')}`)).toEqual({ host: 'abc123', pid: 77, start: 9 });
    expect(runOwnerOf('c0')).toBeNull(); // a folder of an older version: left to the attempt
    expect(runOwnerOf('c0.not-a-run-id')).toBeNull();
  });

  test('a run folder is judged stale only when its maker on this host is surely gone (pure)', () => {
    const self: RunOwner = { host: 'aaaaaa', pid: 100, start: 5000 };
    const other = { host: 'aaaaaa', pid: 200, start: 6000 };
    expect(ownerMayRun(self, self, { start: 5000, exists: true })).toBe(true);
    expect(ownerMayRun(other, self, { start: 6000, exists: true })).toBe(true);
    expect(ownerMayRun(other, self, { start: null, exists: false })).toBe(false);
    expect(ownerMayRun(other, self, { start: 7000, exists: true })).toBe(false); // the pid reused
    expect(ownerMayRun({ ...self, start: 4000 }, self, { start: 5000, exists: true })).toBe(false); // an earlier run with this pid (a restarted container)
    expect(ownerMayRun({ ...other, host: 'bbbbbb' }, self, { start: null, exists: false })).toBe(true); // another host sharing the folder
    // Without start times (no /proc) only a pid that is gone is sure.
    const blind = { ...self, start: 0 };
    expect(ownerMayRun({ ...other, start: 0 }, blind, { start: null, exists: true })).toBe(true);
    expect(ownerMayRun({ ...other, start: 0 }, blind, { start: null, exists: false })).toBe(false);
  });

  test("inside an attempt still live, the sweep removes the run folders of gone processes and keeps the others'", async () => {
    const w = await workDir();
    const me = thisRunOwner();
    const sleeper = Bun.spawn(['sleep', '60'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
    try {
      const gone = Bun.spawn(['true']);
      await gone.exited;
      const live = { host: me.host, pid: sleeper.pid, start: processStartTime(sleeper.pid)! };
      const a = join(w, 'live', 'a1');
      const run = (o: RunOwner, name = 'c0') => join(a, `${name}.${runIdOf(o, 'abcd1234')}`);
      const mine = await makeScratch(w, 'live', 1, 'c0');
      const folders = {
        killed: run({ host: me.host, pid: gone.pid, start: 12345 }),
        earlierWithMyPid: run({ ...me, start: me.start - 1 }, 'c1'),
        pidReused: run({ ...live, start: live.start + 1 }, 'c2'),
        otherLive: run(live, 'c3'),
        otherHost: run({ host: me.host === 'ffffff' ? 'eeeeee' : 'ffffff', pid: gone.pid, start: 1 }, 'c4'),
        oldName: join(a, 'c5'),
      };
      for (const f of Object.values(folders)) {
        await mkdir(f, { recursive: true });
        await writeFile(join(f, 'seg.ts'), 'x');
      }
      const r = await sweepScratch(w, () => true);
      expect(r).toEqual({ removed: 3, kept: 1 });
      const left = (await readdir(a)).sort();
      const names = (...p: string[]) => p.map((x) => x.split('/').at(-1)!).sort();
      expect(left).toEqual(names(mine, folders.otherLive, folders.otherHost, folders.oldName));

      // An attempt left empty goes, its job folder with it.
      await removeScratch(w, mine);
      for (const f of [folders.otherLive, folders.otherHost, folders.oldName]) await rm(f, { recursive: true });
      await mkdir(folders.killed, { recursive: true });
      expect(await sweepScratch(w, () => true)).toEqual({ removed: 1, kept: 1 });
      expect(await tree(w)).toEqual([]);
    } finally {
      sleeper.kill('SIGKILL');
      await sleeper.exited;
    }
  });
});
