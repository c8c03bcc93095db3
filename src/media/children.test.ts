import { afterAll, afterEach, describe, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../test/wait.ts';
import { extractFrames } from '../cv/extract.ts';
import type { Logger } from '../logger.ts';
import { type ChildRecord, describeKilled, judgeRecord, parseProcStat, parseRecord, type ProcStat, reapOrphans, trackChildrenIn } from './children.ts';
import { runFfmpeg } from './ffmpeg.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'mpr-children-'));
  dirs.push(d);
  return d;
};
/** Processes a test started: killed whatever happens. */
const spawned: number[] = [];
const killQuietly = (pid: number) => {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
};
afterEach(() => {
  trackChildrenIn(null);
  for (const pid of spawned.splice(0)) killQuietly(pid);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
afterAll(() => trackChildrenIn(null));

const statOf = (pid: number | 'self'): ProcStat | null => {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
};
/** Running: there, and not a zombie waiting to be reaped. */
const running = (pid: number) => {
  const s = statOf(pid);
  return s !== null && s.state !== 'Z';
};

const capture = () => {
  const lines: string[] = [];
  const at = (l: string) => (m: string) => lines.push(`${l} ${m}`);
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
};

const sleeper = () => {
  const p = Bun.spawn(['sleep', '60'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
  spawned.push(p.pid);
  return p;
};

const record = (over: Partial<ChildRecord> = {}): ChildRecord => ({
  pid: 4242,
  startTime: 1000,
  comm: 'ffmpeg',
  bin: '/usr/bin/ffmpeg',
  owner: { pid: 4200, startTime: 900 },
  ...over,
});

describe('parsing /proc and judging a record (pure)', () => {
  test('the start time is field 22, and a command name may hold spaces and parentheses', () => {
    const rest = Array.from({ length: 50 }, (_, i) => String(i + 3)); // field i+3
    expect(parseProcStat(`77 (ffmpeg) ${rest.join(' ')}`)).toEqual({ comm: 'ffmpeg', state: '3', startTime: 22 });
    expect(parseProcStat(`77 (a b) c)) S ${rest.slice(1).join(' ')}`)).toEqual({ comm: 'a b) c)', state: 'S', startTime: 22 });
    expect(parseProcStat('garbage')).toBeNull();
    expect(parseProcStat('77 (ffmpeg) S 1 2')).toBeNull();
    const self = statOf('self');
    expect(self?.comm).toBe('bun');
    expect(self!.startTime).toBeGreaterThan(0);
  });

  test('a record is killed only when its owner is gone and the pid is still the very child recorded', () => {
    const r = record();
    const child: ProcStat = { comm: 'ffmpeg', state: 'R', startTime: 1000 };
    expect(judgeRecord(r, null, child)).toBe('kill');
    expect(judgeRecord(r, { comm: 'bun', state: 'S', startTime: 555 }, child)).toBe('kill'); // the owner's pid reused
    expect(judgeRecord(r, { comm: 'bun', state: 'Z', startTime: 900 }, child)).toBe('kill'); // the owner died, unreaped
    expect(judgeRecord(r, { comm: 'bun', state: 'S', startTime: 900 }, child)).toBe('keep');
    expect(judgeRecord(r, null, null)).toBe('drop');
    expect(judgeRecord(r, null, { ...child, startTime: 1001 })).toBe('drop'); // the child's pid reused
    expect(judgeRecord(r, null, { ...child, comm: 'postgres' })).toBe('drop');
    expect(judgeRecord(r, null, { ...child, state: 'Z' })).toBe('drop');
  });

  test('records read back are checked, and the log line names what was killed', () => {
    expect(parseRecord(JSON.stringify(record()))).toEqual(record());
    expect(parseRecord('{"pid": 4242')).toBeNull();
    expect(parseRecord(JSON.stringify(record({ pid: 1 })))).toBeNull(); // never init
    expect(parseRecord(JSON.stringify({ ...record(), owner: null }))).toBeNull();
    expect(
      describeKilled([
        { pid: 10, comm: 'ffmpeg' },
        { pid: 11, comm: 'ffmpeg' },
      ]),
    ).toBe('killed 2 ffmpeg processes a previous run left: pids 10, 11');
    expect(describeKilled([{ pid: 10, comm: 'ffmpeg' }])).toBe('killed 1 ffmpeg process a previous run left: pid 10');
    expect(
      describeKilled([
        { pid: 10, comm: 'ffmpeg' },
        { pid: 12, comm: 'sleep' },
      ]),
    ).toBe('killed 2 processes a previous run left: ffmpeg 10; sleep 12');
  });
});

const CHILDREN = join(import.meta.dir, 'children.ts');
const FFMPEG = join(import.meta.dir, 'ffmpeg.ts');

describe('orphans of a killed process (real processes)', () => {
  test('a SIGKILLed owner leaves an ffmpeg and a sleep running; reapOrphans kills both and removes their records', async () => {
    const dir = tempDir();
    // The owner: records an ffmpeg through runFfmpeg (the path every transcode
    // takes) and a plain child, prints their pids, and waits to be killed.
    const script = `
      const { trackChildrenIn, childStarted } = await import(${JSON.stringify(CHILDREN)});
      const { runFfmpeg } = await import(${JSON.stringify(FFMPEG)});
      trackChildrenIn(${JSON.stringify(dir)});
      const sleep = Bun.spawn(['sleep', '60'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
      childStarted(sleep.pid, 'sleep');
      // -re: a slow, endless run, as an encode looks from outside.
      void runFfmpeg(['-re', '-f', 'lavfi', '-i', 'nullsrc=s=16x16:r=5', '-f', 'null', '-'], {
        onSpawn: (pid) => console.log('pids', sleep.pid, pid),
      }).catch(() => {});
      await Bun.sleep(120_000);
    `;
    const owner = Bun.spawn(['bun', '-e', script], { stdin: 'ignore', stdout: 'pipe', stderr: 'inherit' });
    spawned.push(owner.pid);
    const reader = owner.stdout.getReader();
    let out = '';
    await until(
      async () => {
        const r = await reader.read();
        if (r.value) out += new TextDecoder().decode(r.value);
        return r.done || /pids \d+ \d+\n/.test(out);
      },
      'the owner to print its children',
      30_000,
    );
    const [sleepPid, ffmpegPid] = /pids (\d+) (\d+)/.exec(out)!.slice(1).map(Number) as [number, number];
    spawned.push(sleepPid, ffmpegPid);
    expect(readdirSync(dir).sort()).toEqual([`${ffmpegPid}.json`, `${sleepPid}.json`].sort());

    // While the owner runs, its records are its own.
    const live = capture();
    expect(await reapOrphans(dir, live.logger)).toEqual({ killed: [], kept: 2, dropped: 0 });
    expect(running(sleepPid) && running(ffmpegPid)).toBe(true);

    owner.kill('SIGKILL');
    await owner.exited;
    await Bun.sleep(300); // the orphans outlive their parent
    expect(running(sleepPid)).toBe(true);
    expect(running(ffmpegPid)).toBe(true);

    const { logger, lines } = capture();
    const r = await reapOrphans(dir, logger);
    expect(r.killed.map((k) => k.pid).sort()).toEqual([ffmpegPid, sleepPid].sort());
    expect(r.kept + r.dropped).toBe(0);
    // reapOrphans waits for them to die, so nothing they write lands after it returns.
    expect(running(sleepPid)).toBe(false);
    expect(running(ffmpegPid)).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
    expect(lines).toEqual([expect.stringMatching(/^info killed 2 processes a previous run left: /)]);
    expect(lines[0]).toContain(`ffmpeg ${ffmpegPid}`);
    expect(lines[0]).toContain(`sleep ${sleepPid}`);
  }, 60_000);

  test('a record whose start time or command does not match the process at that pid is dropped, not killed', async () => {
    const dir = tempDir();
    const a = sleeper();
    const b = sleeper();
    const real = statOf(a.pid)!;
    // An owner that is gone: a pid that has exited.
    const gone = Bun.spawn(['true']);
    await gone.exited;
    const deadOwner = { pid: gone.pid, startTime: 1 };
    writeFileSync(join(dir, `${a.pid}.json`), JSON.stringify(record({ pid: a.pid, startTime: real.startTime + 1, comm: 'sleep', owner: deadOwner })));
    writeFileSync(join(dir, `${b.pid}.json`), JSON.stringify(record({ pid: b.pid, startTime: statOf(b.pid)!.startTime, comm: 'ffmpeg', owner: deadOwner })));
    writeFileSync(join(dir, '999.json'), 'not a record');

    const { logger, lines } = capture();
    expect(await reapOrphans(dir, logger)).toEqual({ killed: [], kept: 0, dropped: 3 });
    expect(running(a.pid) && running(b.pid)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
    expect(lines).toEqual([]);
  });

  test("a live owner's records are kept and its children left alone, even when the owner is this very process", async () => {
    const dir = tempDir();
    const a = sleeper();
    const self = statOf('self')!;
    writeFileSync(
      join(dir, `${a.pid}.json`),
      JSON.stringify(record({ pid: a.pid, startTime: statOf(a.pid)!.startTime, comm: 'sleep', owner: { pid: process.pid, startTime: self.startTime } })),
    );
    expect(await reapOrphans(dir, capture().logger)).toEqual({ killed: [], kept: 1, dropped: 0 });
    expect(running(a.pid)).toBe(true);
    expect(readdirSync(dir)).toEqual([`${a.pid}.json`]);

    // The same pid with another start time is another process: the owner is gone.
    writeFileSync(
      join(dir, `${a.pid}.json`),
      JSON.stringify(record({ pid: a.pid, startTime: statOf(a.pid)!.startTime, comm: 'sleep', owner: { pid: process.pid, startTime: self.startTime - 1 } })),
    );
    const r = await reapOrphans(dir, capture().logger);
    expect(r.killed).toEqual([{ pid: a.pid, comm: 'sleep' }]);
    expect(running(a.pid)).toBe(false);
  });

  test('a folder never tracked reaps nothing', async () => {
    expect(await reapOrphans(join(tempDir(), 'missing'), capture().logger)).toEqual({ killed: [], kept: 0, dropped: 0 });
  });
});

describe('runs in this process', () => {
  test('runFfmpeg records its ffmpeg while it runs and leaves no record however it ends', async () => {
    const dir = join(tempDir(), 'run', 'children');
    expect(trackChildrenIn(dir)).toBe(true);
    const seen: boolean[] = [];
    const onSpawn = (pid: number) => {
      const r = parseRecord(readFileSync(join(dir, `${pid}.json`), 'utf8'));
      seen.push(r?.comm === 'ffmpeg' && r.owner.pid === process.pid && r.startTime === statOf(pid)?.startTime);
    };
    // Finished.
    await runFfmpeg(['-f', 'lavfi', '-i', 'nullsrc=s=16x16:d=0.2', '-f', 'null', '-'], { onSpawn });
    expect(readdirSync(dir)).toEqual([]);
    // Failed.
    await expect(runFfmpeg(['-i', join(dir, 'missing.mp4'), '-f', 'null', '-'], { onSpawn })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual([]);
    // Cancelled mid-run.
    const ac = new AbortController();
    const run = runFfmpeg(['-re', '-f', 'lavfi', '-i', 'nullsrc=s=16x16:r=5', '-f', 'null', '-'], {
      signal: ac.signal,
      onSpawn: (pid) => {
        onSpawn(pid);
        setTimeout(() => ac.abort(), 200);
      },
    });
    await expect(run).rejects.toThrow('cancelled');
    expect(readdirSync(dir)).toEqual([]);
    expect(seen).toEqual([true, true, true]);
  }, 30_000);

  test('extractFrames records its ffmpeg and removes the record, also when the consumer stops early', async () => {
    const dir = join(tempDir(), 'children');
    const video = join(tempDir(), 'v.mp4');
    await runFfmpeg(['-f', 'lavfi', '-i', 'testsrc=s=64x48:r=10:d=2', '-pix_fmt', 'yuv420p', video]);
    trackChildrenIn(dir);
    const recorded: boolean[] = [];
    const onSpawn = (pid: number) => recorded.push(existsSync(join(dir, `${pid}.json`)));
    let n = 0;
    for await (const _ of extractFrames({ input: video, start: 0, end: 2, fps: 5, onSpawn })) n++;
    expect(n).toBe(10);
    expect(readdirSync(dir)).toEqual([]);
    for await (const _ of extractFrames({ input: video, start: 0, end: 2, fps: 5, onSpawn })) break;
    expect(readdirSync(dir)).toEqual([]);
    expect(recorded).toEqual([true, true]);
  }, 30_000);

  test('nothing is recorded until tracking is turned on', async () => {
    const dir = join(tempDir(), 'children');
    trackChildrenIn(dir);
    trackChildrenIn(null);
    await runFfmpeg(['-re', '-f', 'lavfi', '-i', 'nullsrc=s=16x16:d=0.2', '-f', 'null', '-'], {
      onSpawn: (pid) => expect(existsSync(join(dir, `${pid}.json`))).toBe(false),
    });
    expect(readdirSync(dir)).toEqual([]);
  });
});
