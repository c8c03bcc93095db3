/**
 * A chunk's ffmpeg crashing or hanging, with real processes: ffmpeg is a
 * wrapper script that, on a mode file's say, stops itself (SIGSTOP: a hang the
 * stall watchdog must end) or dies of SIGSEGV before running the real
 * ffmpeg, for the first video chunk only (its segment pattern c0_%03d.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanAssets } from '../actors/scan.ts';
import { assetIdFor } from '../events/asset.ts';
import { chunkStream } from '../events/chunk.ts';
import type { System } from '../system.ts';
import { submitTranscode } from './transcode/submit.ts';
import { corpusFile } from '../../test/corpus.ts';
import { testEnv, type TestEnv } from '../../test/system.ts';
import { waitForJob } from '../../test/wait.ts';

const realFfmpeg = Bun.which('ffmpeg');
const realFfprobe = Bun.which('ffprobe');

describe('faults of a chunk: a crashed or hung ffmpeg, an input that is not a file', () => {
  let env: TestEnv;
  let s: System;
  let bin: string;
  /** once: the first matching run misbehaves; always: every one does. */
  const mode = (what: 'stall' | 'crash' | null, times: 'once' | 'always' = 'once') => {
    rmSync(join(bin, 'mode'), { force: true });
    rmSync(join(bin, 'done'), { recursive: true, force: true });
    if (what) writeFileSync(join(bin, 'mode'), `${what} ${times}`);
  };

  beforeAll(async () => {
    if (!realFfmpeg || !realFfprobe) throw new Error('ffmpeg and ffprobe must be on PATH (apt-get install ffmpeg)');
    bin = mkdtempSync(join(tmpdir(), 'mpr-ffaults-bin-'));
    // `mkdir done` is atomic: exactly one run misbehaves in "once" mode.
    writeFileSync(
      join(bin, 'ffmpeg'),
      `#!/bin/sh
D=$(dirname "$0")
case "$*" in
  *c0_%03d.ts*)
    if [ -f "$D/mode" ]; then
      read -r what times < "$D/mode"
      if [ "$times" = always ] || mkdir "$D/done" 2>/dev/null; then
        echo "[swscaler @ 0x55] deprecated pixel format used, make sure you did set range correctly" >&2
        if [ "$what" = stall ]; then kill -STOP $$; else kill -SEGV $$; fi
      fi
    fi
    ;;
esac
exec ${realFfmpeg} "$@"
`,
    );
    chmodSync(join(bin, 'ffmpeg'), 0o755);
    env = testEnv('sqlite', 'ffaults', { FFMPEG_PATH: join(bin, 'ffmpeg'), FFPROBE_PATH: realFfprobe, MPR_STALL_SECONDS: '3' });
    s = await env.boot({ workConcurrency: 2 });
    await s.start();
    const input = join(env.dataDir, 'media/in');
    mkdirSync(input, { recursive: true });
    await Bun.write(join(input, 'flower.mp4'), Bun.file(corpusFile('video/mdn_flower.mp4')));
    await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now });
    await s.projections.waitFor(await s.log.head());
  });
  afterAll(async () => {
    await env.cleanup();
    rmSync(bin, { recursive: true, force: true });
  });

  const run = async () => {
    const { jobId } = await submitTranscode(s, { assetId: assetIdFor('flower.mp4'), presetId: 'hls-abr' });
    const job = await waitForJob(s, jobId, ['COMPLETED', 'FAILED', 'CANCELLED'], 120_000);
    const events = await s.log.readStream(chunkStream(jobId, 0));
    return { job, events };
  };

  test('a stopped ffmpeg is killed by the watchdog, ChunkStalled is logged, and the job completes on the retry', async () => {
    mode('stall');
    const t0 = performance.now();
    const { job, events } = await run();
    expect(job.status).toBe('COMPLETED');
    expect(events.map((e) => e.type)).toEqual(['ChunkCreated', 'ChunkStarted', 'ChunkStalled', 'ChunkSucceeded']);
    const stalled = events.find((e) => e.type === 'ChunkStalled')!.data as { stalledSeconds: number; reason: string; worker: string };
    expect(stalled.stalledSeconds).toBe(3);
    expect(stalled.reason).toBe('ffmpeg made no progress for 3 s (hung or stopped): killed');
    expect(stalled.worker).toBeString();
    expect(performance.now() - t0).toBeLessThan(60_000);
  }, 180_000);

  test('an ffmpeg that dies of SIGSEGV once is retried: the job completes, nothing failed', async () => {
    mode('crash');
    const { job, events } = await run();
    expect(job.status).toBe('COMPLETED');
    expect(events.map((e) => e.type)).toEqual(['ChunkCreated', 'ChunkStarted', 'ChunkSucceeded']);
  }, 180_000);

  test('a crash that repeats past the retry limit fails the job with the crash as the reason, the noise left out', async () => {
    mode('crash', 'always');
    const { job, events } = await run();
    expect(job.status).toBe('FAILED');
    const failed = events.find((e) => e.type === 'ChunkFailed')!.data as { reason: string; detail?: string | null };
    expect(failed.reason).toBe('ffmpeg crashed (SIGSEGV) (after 3 tries)');
    expect(failed.detail ?? null).toBeNull();
    expect(job.error).toContain('ffmpeg crashed (SIGSEGV)');
    mode(null);
  }, 180_000);

  test('a source replaced by a FIFO fails its job saying so, not "no longer in the input store" (and ffmpeg never blocks on it)', async () => {
    const input = join(env.dataDir, 'media/in');
    await Bun.write(join(input, 'pipe.mp4'), Bun.file(corpusFile('video/mdn_flower.mp4')));
    await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now }, { prefix: 'pipe.mp4' });
    await s.projections.waitFor(await s.log.head());
    rmSync(join(input, 'pipe.mp4'));
    expect(Bun.spawnSync(['mkfifo', join(input, 'pipe.mp4')]).exitCode).toBe(0);
    const { jobId } = await submitTranscode(s, { assetId: assetIdFor('pipe.mp4'), presetId: 'hls-abr' });
    const job = await waitForJob(s, jobId, ['COMPLETED', 'FAILED', 'CANCELLED'], 60_000);
    expect(job.status).toBe('FAILED');
    expect(job.error).toContain('the input pipe.mp4 is a FIFO (named pipe), not a media file');
    expect(job.error).not.toContain('no longer in the input store');
  }, 120_000);
});
