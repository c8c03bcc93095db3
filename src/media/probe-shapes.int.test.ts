/**
 * probeAndClassify on file shapes the corpus lacks, made here with ffmpeg:
 * a timeline that starts late, and an MP3 behind junk bytes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBinaries } from './binaries.ts';
import { probeAndClassify } from './probe.ts';
import { demuxArgs } from './probe-input.ts';
import { junkBytes as junk } from '../../test/clips.ts';

const CORPUS = join(import.meta.dir, '../../../shared/corpus');
const T_REX = join(CORPUS, 'audio/mdn_t-rex-roar.mp3');
const bins = resolveBinaries();
let dir = '';

const run = (args: string[]): Uint8Array => {
  const r = Bun.spawnSync([bins.ffmpeg, '-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { cwd: dir });
  if (r.exitCode !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
};

/** Decoded PCM (s16le), opened the way a probe says. */
const pcm = (file: string, demux: Parameters<typeof demuxArgs>[0] = null): Buffer =>
  Buffer.from(run([...demuxArgs(demux), '-i', file, '-map', '0:a:0', '-f', 's16le', '-']));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpr-probe-shapes-'));
  // 4 s of 160x120 video and a tone, then the same packets on a timeline that starts at 10 s.
  run([
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=160x120:rate=25:duration=4',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=4',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '25',
    '-c:a',
    'aac',
    '-shortest',
    'clip.mkv',
  ]);
  for (const ext of ['mp4', 'mkv']) run(['-i', 'clip.mkv', '-c', 'copy', '-output_ts_offset', '10', `late.${ext}`]);
  const mp3 = await Bun.file(T_REX).bytes();
  await Bun.write(join(dir, 'amr-junk.mp3'), Buffer.concat([junk(100_000, 7, true), mp3]));
  await Bun.write(join(dir, 'random-junk.mp3'), Buffer.concat([junk(100_000, 7, false), mp3]));
  await Bun.write(join(dir, 'only-junk.mp3'), junk(100_000, 7, true));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a timeline that starts late', () => {
  test.each(['mp4', 'mkv'])(
    '%s: 4 s of media from 10 s, stated as 14 s, is ready and measured from its first timestamp',
    async (ext) => {
      const { probe, verdict } = await probeAndClassify(join(dir, `late.${ext}`), { bins });
      expect(verdict).toMatchObject({ kind: 'video', status: 'ready', reason: null, videoStream: 0, audioStream: 1 });
      expect(probe!.duration).toBeCloseTo(14.04, 2);
      expect(probe!.startTime).toBeCloseTo(10, 2);
      expect(probe!.presentDuration).toBeCloseTo(4.04, 1);
    },
    120_000,
  );
});

describe('an MP3 behind 100 kB of junk', () => {
  test('sniffed as AMR-NB: read as MP3 from its first good frame, and that decodes to the real sound', async () => {
    const file = join(dir, 'amr-junk.mp3');
    // What ffprobe makes of it by itself: minutes of AMR-NB.
    const sniffed = JSON.parse(Bun.spawnSync([bins.ffprobe, '-v', 'quiet', '-of', 'json', '-show_format', file]).stdout.toString());
    expect(sniffed.format.format_name).toBe('amrnb');

    const { probe, verdict } = await probeAndClassify(file, { bins });
    expect(verdict).toMatchObject({ kind: 'audio', status: 'ready', reason: null, audioStream: 0 });
    // 100 000 junk bytes, then the 417-byte ID3 tag before the file's first frame.
    expect(probe!.demux).toEqual({ format: 'mp3', skipInitialBytes: 100_417 });
    expect(probe!.container).toBe('mp3');
    expect(probe!.presentDuration).toBeCloseTo(2.116, 2);
    expect(probe!.decode).toMatchObject({ errors: 0 });
    // The original's samples, whole: only its gapless trim (read from the skipped tag) is missing.
    expect(pcm(file, probe!.demux).includes(pcm(T_REX))).toBe(true);
  }, 120_000);

  test('uniformly random junk (sniffed as MP3, its junk frames fail to decode): read from the first good frame', async () => {
    const { probe, verdict } = await probeAndClassify(join(dir, 'random-junk.mp3'), { bins });
    expect(verdict).toMatchObject({ kind: 'audio', status: 'ready', reason: null });
    expect(probe!.demux).toEqual({ format: 'mp3', skipInitialBytes: 100_417 });
    expect(probe!.presentDuration).toBeCloseTo(2.116, 2);
  }, 120_000);

  test('junk alone, named .mp3: damaged, with the count of decode errors', async () => {
    const { probe, verdict } = await probeAndClassify(join(dir, 'only-junk.mp3'), { bins });
    expect(verdict).toMatchObject({ kind: null, status: 'invalid', videoStream: null, audioStream: null });
    expect(verdict.reason).toMatch(/^the file is damaged: \d+ decode errors against \d+ good frames in the 9\.0 s checked at its start, middle and end$/);
    expect(probe!.container).toBe('amrnb');
    expect(probe!.decode!.errors).toBeGreaterThan(0);
  }, 120_000);
});
