/**
 * A job never says COMPLETED about output it has not checked: it checks its
 * source again when it starts (a file cut short or replaced since the scan
 * fails it with the reason), and it reads back what it packaged (a missing,
 * empty or broken segment, or a rendition of the wrong length, fails it
 * naming the rendition).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanAssets } from '../../actors/scan.ts';
import { submitTranscode } from './submit.ts';
import { assetIdFor } from '../../events/asset.ts';
import { resolveBinaries } from '../../media/binaries.ts';
import { runFfprobeJson } from '../../media/ffmpeg.ts';
import { createFsStorage } from '../../storage/fs.ts';
import type { System } from '../../system.ts';
import { corpusFile } from '../../../test/corpus.ts';
import { junkBytes, makeClip } from '../../../test/clips.ts';
import { testEnv, type TestEnv } from '../../../test/system.ts';
import { transcodeFile, type HarnessRun } from '../../../test/transcode-harness.ts';
import { waitForJob } from '../../../test/wait.ts';
import { verifyPlanOf } from './package.ts';
import { verifyTranscode } from './verify.ts';

const SLOW = 240_000;

describe('a job re-checks its source when it starts', () => {
  let env: TestEnv;
  let s: System;
  let input: string;
  beforeAll(async () => {
    env = testEnv('sqlite', 'recheck');
    s = await env.boot({ workConcurrency: 2 });
    await s.start();
    input = join(env.dataDir, 'media/in');
    mkdirSync(input, { recursive: true });
  });
  afterAll(() => env.cleanup());

  const scan = async () => {
    await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now });
    await s.projections.waitFor(await s.log.head());
  };

  test(
    'a source cut short after it was scanned fails its job with the reason, not COMPLETED',
    async () => {
      const flower = corpusFile('video/mdn_flower.mp4');
      await Bun.write(join(input, 'cut.mp4'), Bun.file(flower));
      await scan();
      // An upload that was still being written when the scan ran: 40 % of the file.
      truncateSync(join(input, 'cut.mp4'), Math.floor(Bun.file(flower).size * 0.4));
      const { jobId } = await submitTranscode(s, { assetId: assetIdFor('cut.mp4'), presetId: 'hls-abr' });
      const job = await waitForJob(s, jobId, ['COMPLETED', 'FAILED'], 120_000);
      expect(job.status).toBe('FAILED');
      expect(job.error).toContain('the source cut.mp4 changed since it was scanned');
      expect(job.error).toContain('truncated');
    },
    SLOW,
  );

  test(
    'a source replaced by other media fails; one only touched (same bytes, new time) still transcodes',
    async () => {
      await Bun.write(join(input, 'swap.mp4'), Bun.file(corpusFile('video/mdn_flower.mp4')));
      await Bun.write(join(input, 'touched.mp4'), Bun.file(corpusFile('video/androidx_sample.mp4')));
      await scan();
      await Bun.write(join(input, 'swap.mp4'), Bun.file(corpusFile('video/androidx_sample.mp4')));
      await Bun.write(join(input, 'touched.mp4'), Bun.file(corpusFile('video/androidx_sample.mp4')));
      const swap = await submitTranscode(s, { assetId: assetIdFor('swap.mp4'), presetId: 'hls-abr' });
      const touched = await submitTranscode(s, { assetId: assetIdFor('touched.mp4'), presetId: 'hls-abr' });
      const failed = await waitForJob(s, swap.jobId, ['COMPLETED', 'FAILED'], 120_000);
      expect(failed.status).toBe('FAILED');
      expect(failed.error).toMatch(/changed since it was scanned \(its duration went from 5\.1 s to 1\.0 s.*\): scan it again and start a new job/);
      expect((await waitForJob(s, touched.jobId, ['COMPLETED', 'FAILED'], 120_000)).status).toBe('COMPLETED');
    },
    SLOW,
  );
});

describe('a job checks its output before it completes', () => {
  let dir: string;
  let run: HarnessRun;
  const bins = resolveBinaries();
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpr-verify-'));
    const clip = await makeClip(join(dir, 'clip.mp4'), { seconds: 30, openGopKeyint: 60 });
    run = await transcodeFile(clip, { workDir: join(dir, 'w'), workers: 2 });
  }, SLOW);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const verify = (plan = verifyPlanOf(run.params)) =>
    verifyTranscode(
      { output: createFsStorage(run.outDir), ffmpeg: bins.ffmpeg, ffprobe: bins.ffprobe },
      run.result,
      plan,
      join(dir, 'scratch'),
      new AbortController().signal,
    );
  const segment = (rung: string, i: number) => join(run.outDir, `${run.result.prefix}/hls/${rung}/c${i}_000.ts`);

  test(
    'what the job made passes',
    async () => {
      await verify();
    },
    SLOW,
  );

  test(
    'a rendition shorter or longer than planned by more than a segment fails, naming it',
    async () => {
      await expect(verify({ ...verifyPlanOf(run.params), videoSeconds: 60 })).rejects.toThrow(
        'the output failed its check: rendition 180p lasts 30.00 s, more than one segment short of the 60.00 s planned',
      );
      await expect(verify({ ...verifyPlanOf(run.params), videoSeconds: 12, audioSeconds: 12 })).rejects.toThrow(
        /rendition (audio|180p) lasts 30\.0\d s, more than one segment longer/,
      );
    },
    SLOW,
  );

  test(
    'a broken segment (cut to 1.7 kB) fails the read-back, naming the rendition',
    async () => {
      const file = segment('180p', 1);
      const bytes = await Bun.file(file).bytes();
      truncateSync(file, 1700);
      try {
        await expect(verify()).rejects.toThrow(/the output failed its check: rendition 180p has [0-9.]+ s of media missing at 18\.\d+ s/);
      } finally {
        await Bun.write(file, bytes);
      }
    },
    SLOW,
  );

  test(
    'an empty or a missing segment fails, naming the rendition and the segment',
    async () => {
      const file = segment('180p', 0);
      const bytes = await Bun.file(file).bytes();
      try {
        truncateSync(file, 0);
        await expect(verify()).rejects.toThrow('rendition 180p has an empty segment c0_000.ts');
        unlinkSync(file);
        await expect(verify()).rejects.toThrow('rendition 180p is missing its segment c0_000.ts');
      } finally {
        await Bun.write(file, bytes);
      }
      await verify();
    },
    SLOW,
  );
});

describe('an MP3 behind junk bytes', () => {
  test(
    'transcodes to the real sound read as MP3 from its first frame, not minutes of noise',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mpr-junk-'));
      try {
        const file = join(dir, 'roar.mp3');
        await Bun.write(file, Buffer.concat([junkBytes(100_000, 7, true), await Bun.file(corpusFile('audio/mdn_t-rex-roar.mp3')).bytes()]));
        const run = await transcodeFile(file, { preset: 'audio-aac', workDir: join(dir, 'w') });
        const m4a = join(run.outDir, run.result.outputs.audio!);
        // The roar is 2.1 s; read as AMR-NB the junk made 70 s of noise.
        const j = (await runFfprobeJson(['-show_format', m4a])) as { format: { duration: string } };
        expect(Math.abs(Number(j.format.duration) - 2.1)).toBeLessThan(0.3);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});

describe('a file whose timestamps start late', () => {
  test(
    'is ready, and its output starts at 0 and lasts what is present (4 s, not the stated 14 s)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mpr-late-'));
      try {
        const clip = await makeClip(join(dir, 'clip.mkv'), { seconds: 4 });
        const late = join(dir, 'late.mp4');
        const r = Bun.spawnSync([resolveBinaries().ffmpeg, '-v', 'error', '-i', clip, '-c', 'copy', '-output_ts_offset', '10', late]);
        expect(r.exitCode).toBe(0);
        const run = await transcodeFile(late, { workDir: join(dir, 'w') });
        const video = run.result.renditions.find((x) => x.type === 'video')!;
        expect(Math.abs(video.duration - 4)).toBeLessThan(0.1);
        const j = (await runFfprobeJson(['-show_entries', 'format=start_time', join(run.outDir, video.key)])) as { format: { start_time: string } };
        // MPEG-TS's usual 1.4 s mux delay, as for a file that starts at 0: the 10 s are gone.
        expect(Number(j.format.start_time)).toBeLessThan(2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
