/**
 * Real ffmpeg/ffprobe. They must be installed (apt-get install ffmpeg) or
 * named by FFMPEG_PATH / FFPROBE_PATH; resolveBinaries() fails the run with
 * that advice otherwise.
 */
import { describe, expect, test } from 'bun:test';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomeOf } from '../actors/failure-policy.ts';
import { isAppError } from '../errors.ts';
import { resolveBinaries } from './binaries.ts';
import { isFfmpegError, isFfmpegStall, runFfmpeg, runFfprobeJson, runFfprobeLines, type FfmpegProgress } from './ffmpeg.ts';

const CORPUS = join(import.meta.dir, '../../../shared/corpus');
const bins = resolveBinaries();
const testsrc = (seconds: number) => ['-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=30:duration=${seconds}`];
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('runFfmpeg', () => {
  test('reports progress with increasing time and a percent for a real encode', async () => {
    const seen: FfmpegProgress[] = [];
    const r = await runFfmpeg([...testsrc(4), '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'null', '-'], {
      durationSeconds: 4,
      onProgress: (p) => seen.push(p),
      bin: bins.ffmpeg,
    });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.outTimeSeconds).toBeGreaterThanOrEqual(seen[i - 1]!.outTimeSeconds);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ done: true, percent: 100, frame: 120 });
    expect(last.outTimeSeconds).toBeCloseTo(4, 1);
    expect(seen.every((p) => p.percent !== null && p.percent >= 0 && p.percent <= 100)).toBe(true);
    expect(r.wallMs).toBeGreaterThan(0);
  }, 60_000);

  test('abort mid-encode rejects within 1 s and leaves no process behind', async () => {
    const ac = new AbortController();
    let pid = 0;
    let progressed!: () => void;
    const running = new Promise<void>((r) => (progressed = r));
    const run = runFfmpeg([...testsrc(600), '-c:v', 'libx264', '-preset', 'medium', '-f', 'null', '-'], {
      signal: ac.signal,
      durationSeconds: 600,
      onSpawn: (p) => (pid = p),
      onProgress: (p) => p.outTimeSeconds > 0 && progressed(),
    });
    const outcome = run.then(
      () => null,
      (e: unknown) => e,
    );
    await running;
    expect(isAlive(pid)).toBe(true);
    const t0 = performance.now();
    ac.abort();
    const err = await outcome;
    const ms = performance.now() - t0;
    expect(isAppError(err, 'invalid_state')).toBe(true);
    expect((err as Error).message).toBe('cancelled');
    expect(ms).toBeLessThan(1000);
    expect(isAlive(pid)).toBe(false);
  }, 60_000);

  test('an already aborted signal starts nothing', async () => {
    let spawned = false;
    await expect(runFfmpeg(testsrc(1), { signal: AbortSignal.abort(), onSpawn: () => (spawned = true) })).rejects.toThrow('cancelled');
    expect(spawned).toBe(false);
  });

  test('a failing command rejects with a reason and the stderr tail', async () => {
    const err = await runFfmpeg(['-i', join(CORPUS, 'derived/truncated_50pct_moov_missing.mp4'), '-f', 'null', '-']).catch((e: unknown) => e);
    expect(isFfmpegError(err)).toBe(true);
    if (!isFfmpegError(err)) return;
    expect(err.code).toBe('unrecoverable');
    expect(err.message).toBe('the file is not a complete MP4/MOV (moov atom not found): a truncated or failed upload?');
    expect(err.stderrTail).toContain('moov atom not found');
    expect(err.exitCode).toBe(1);
  }, 60_000);

  test('the stderr tail stays bounded for a noisy run', async () => {
    // A damaged source makes ffmpeg print warnings for every packet past the cut.
    const r = await runFfmpeg(['-loglevel', 'info', '-i', join(CORPUS, 'derived/truncated_40pct_moov_front.mp4'), '-f', 'null', '-']);
    expect(r.stderrTail.length).toBeLessThanOrEqual(4096);
    expect(r.stderrTail.split('\n').length).toBeLessThanOrEqual(30);
    // And with thousands of lines: a debug-level run of a 10 s encode.
    const noisy = await runFfmpeg(['-loglevel', 'debug', ...testsrc(10), '-f', 'null', '-']);
    expect(noisy.stderrTail.length).toBeLessThanOrEqual(4096);
    expect(noisy.stderrTail.split('\n').length).toBeLessThanOrEqual(30);
  }, 60_000);

  test('a callback that throws stops the run with its error', async () => {
    const boom = new Error('listener broke');
    await expect(
      runFfmpeg([...testsrc(600), '-f', 'null', '-'], {
        onProgress: () => {
          throw boom;
        },
      }),
    ).rejects.toBe(boom);
  }, 60_000);

  test('a missing binary is unavailable', async () => {
    const err = await runFfmpeg(testsrc(1), { bin: '/nonexistent/ffmpeg' }).catch((e: unknown) => e);
    expect(isAppError(err, 'unavailable')).toBe(true);
  });
});

/** An executable script standing in for ffmpeg. */
const fakeFfmpeg = (body: string): string => {
  const path = join(mkdtempSync(join(tmpdir(), 'mpr-fake-ffmpeg-')), 'ffmpeg');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
};

describe('runFfmpeg: failures, classified', () => {
  test('an ffmpeg that dies of SIGSEGV is a transient failure: the policy retries it', async () => {
    const bin = fakeFfmpeg(`echo '[h264 @ 0x55] something odd' >&2\nkill -SEGV $$`);
    const err = await runFfmpeg(testsrc(1), { bin }).catch((e: unknown) => e);
    expect(isFfmpegError(err)).toBe(true);
    expect(isAppError(err, 'unavailable')).toBe(true);
    expect((err as Error).message).toBe('ffmpeg crashed (SIGSEGV): something odd');
    expect(outcomeOf(err)).toBe('retry');
  });

  // ffmpeg 5.1 exits 0 here: only its trailer write failed.
  test('a real full disk (/dev/full) fails at once with "disk full", the scaler noise left out of the tail', async () => {
    const jpeg = join(CORPUS, 'image/androidx_london.jpg');
    const args = ['-loop', '1', '-i', jpeg, '-t', '1', '-vf', 'scale=320:-2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast'];
    const err = await runFfmpeg([...args, '-f', 'mpegts', '/dev/full']).catch((e: unknown) => e);
    expect(isAppError(err, 'insufficient_storage')).toBe(true);
    expect((err as Error).message).toBe('disk full: /dev/full');
    expect(outcomeOf(err)).toBe('fail');
    const tail = isFfmpegError(err) ? err.stderrTail : '';
    expect(tail).toContain('No space left on device');
    expect(tail).not.toContain('deprecated pixel format');
  }, 60_000);

  test('a run past its timeout is killed and fails', async () => {
    let pid = 0;
    const err = await runFfmpeg([...testsrc(600), '-f', 'null', '-'], { timeoutMs: 500, onSpawn: (p) => (pid = p) }).catch((e: unknown) => e);
    expect(isAppError(err, 'unrecoverable')).toBe(true);
    expect((err as Error).message).toBe('ffmpeg did not finish within 0.5 s');
    expect(isAlive(pid)).toBe(false);
  }, 60_000);

  test('a real ffmpeg stopped with SIGSTOP is killed by the stall watchdog: a stall, retried', async () => {
    let pid = 0;
    let progressed!: () => void;
    const running = new Promise<void>((r) => (progressed = r));
    const run = runFfmpeg([...testsrc(600), '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'null', '-'], {
      stallMs: 700,
      onSpawn: (p) => (pid = p),
      onProgress: (p) => p.outTimeSeconds > 0 && progressed(),
    }).catch((e: unknown) => e);
    await running;
    process.kill(pid, 'SIGSTOP');
    const t0 = performance.now();
    const err = await run;
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(isFfmpegStall(err)).toBe(true);
    expect(isAppError(err, 'unavailable')).toBe(true);
    expect((err as Error).message).toBe('ffmpeg made no progress for 0.7 s (hung or stopped): killed');
    expect(outcomeOf(err)).toBe('retry');
    expect(isAlive(pid)).toBe(false);
  }, 60_000);

  test('a slow but working run is not a stall', async () => {
    const r = await runFfmpeg([...testsrc(3), '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'null', '-'], { stallMs: 1500 });
    expect(r.wallMs).toBeGreaterThan(0);
  }, 60_000);
});

describe('runFfprobeJson', () => {
  test('returns parsed JSON', async () => {
    const json = (await runFfprobeJson(['-show_format', join(CORPUS, 'video/mdn_flower.mp4')])) as { format: { format_name: string } };
    expect(json.format.format_name).toBe('mov,mp4,m4a,3gp,3g2,mj2');
  });

  test('a file ffprobe cannot read is corrupt, with a reason', async () => {
    const err = await runFfprobeJson(['-show_format', join(CORPUS, 'derived/zero_bytes.mp4')]).catch((e: unknown) => e);
    expect(isFfmpegError(err) && err.code).toBe('corrupt');
    expect((err as Error).message).toMatch(/moov atom not found/);
  });

  test('times out instead of hanging', async () => {
    // A lavfi source that never ends makes ffprobe read frames forever.
    const t0 = performance.now();
    const err = await runFfprobeJson(['-f', 'lavfi', '-show_frames', 'testsrc2=duration=10000'], { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(performance.now() - t0).toBeLessThan(5000); // 0.3 s + spawn and kill, on a busy machine
    expect(isAppError(err, 'unrecoverable')).toBe(true);
    expect((err as Error).message).toBe('ffprobe did not finish within 0.3 s');
  });

  test('abort rejects with cancelled', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await expect(runFfprobeJson(['-f', 'lavfi', '-show_frames', 'testsrc2=duration=10000'], { signal: ac.signal })).rejects.toThrow('cancelled');
  });
});

test('runFfprobeLines streams lines as they come', async () => {
  let lines = 0;
  const r = await runFfprobeLines(
    ['-show_entries', 'packet=pts_time', '-of', 'csv=p=0', join(CORPUS, 'video/androidx_long_1080p_lowbitrate.mp4')],
    () => lines++,
  );
  expect(r.exitCode).toBe(0);
  // One per packet (`grep -c .` of the same command); blank lines are dropped.
  expect(lines).toBe(27759);
});
