/**
 * Chunk joins are frame-exact: a constant-rate source transcoded in
 * parallel chunks has as many frames out as in, ffmpeg reads every rung and
 * the master back without a word, and every segment but the last has the
 * target length. Clips with open GOPs and B-frames (the hard case for
 * cutting) at 30 and 29.97 fps; the 6-minute corpus file is covered by the
 * corpus test. Trimming cuts on the same grid, frame-accurately.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMediaPlaylist } from '../../media/hls.ts';
import { decodeErrors, framePsnr, makeClip, videoFrames } from '../../../test/clips.ts';
import { transcodeFile, type HarnessRun } from '../../../test/transcode-harness.ts';

const SLOW = 240_000;

const rungPlaylists = (r: HarnessRun) => r.result.renditions.filter((x) => x.type === 'video').map((x) => ({ name: x.name, path: join(r.outDir, x.key) }));

const segmentDurations = async (path: string) => parseMediaPlaylist(await Bun.file(path).text()).segments.map((s) => s.duration);

describe('frame-exact chunk joins', () => {
  let dir: string;
  let open30: string;
  let ntsc: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mpr-joins-'));
    open30 = await makeClip(join(dir, 'open30.mp4'), { seconds: 40, openGopKeyint: 45 });
    ntsc = await makeClip(join(dir, 'ntsc.mp4'), { seconds: 45, rate: '30000/1001', openGopKeyint: 100 });
  }, SLOW);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test(
    'open GOPs and B-frames at 30 fps, 3 chunks: same frame count, clean read-back, full-length segments',
    async () => {
      const r = await transcodeFile(open30, { workDir: join(dir, 'w1'), workers: 3 });
      expect(r.chunks).toBe(4); // three video chunks and the audio track
      expect(readdirSync(join(dir, 'w1', 'scratch'))).toEqual([]); // every chunk's scratch folder went with it, and their parents
      const master = join(r.outDir, r.result.outputs.master!);
      expect(await decodeErrors(master)).toBe('');
      for (const rung of rungPlaylists(r)) {
        expect(await videoFrames(rung.path)).toBe(1200);
        expect(await decodeErrors(rung.path)).toBe('');
        const durations = await segmentDurations(rung.path);
        for (const d of durations.slice(0, -1)) expect(Math.abs(d - 6)).toBeLessThanOrEqual(1 / 30 + 1e-6);
        expect(durations.reduce((a, b) => a + b, 0)).toBeCloseTo(40, 2);
      }
    },
    SLOW,
  );

  test(
    '29.97 fps (30000/1001): HLS and MP4 keep every frame',
    async () => {
      const hls = await transcodeFile(ntsc, { workDir: join(dir, 'w2'), workers: 3 });
      const frames = await videoFrames(ntsc);
      expect(frames).toBe(1349);
      expect(await decodeErrors(join(hls.outDir, hls.result.outputs.master!))).toBe('');
      for (const rung of rungPlaylists(hls)) {
        expect(await videoFrames(rung.path)).toBe(frames);
        for (const d of (await segmentDurations(rung.path)).slice(0, -1)) expect(Math.abs(d - 6.006)).toBeLessThanOrEqual(1001 / 30000 + 1e-6);
      }
      const mp4 = await transcodeFile(ntsc, { preset: 'mp4-720p', workDir: join(dir, 'w3'), workers: 3 });
      const file = join(mp4.outDir, mp4.result.outputs.mp4[0]!);
      expect(await videoFrames(file)).toBe(frames);
      expect(await decodeErrors(file)).toBe('');
    },
    SLOW,
  );

  test(
    'a trimmed range starts on the exact source frame and has exactly its frames',
    async () => {
      const r = await transcodeFile(open30, { workDir: join(dir, 'w4'), workers: 2, range: { start: 3.5, end: 17.25 } });
      expect(r.result.duration).toBeCloseTo(13.75, 6);
      const [rung] = rungPlaylists(r);
      expect(await videoFrames(rung!.path)).toBe(413); // 13.75 s × 30, rounded
      expect(await decodeErrors(join(r.outDir, r.result.outputs.master!))).toBe('');
      // Output frame 0 is source frame 105 (3.5 s): far closer to it than to either neighbour.
      const right = await framePsnr(rung!.path, 0, open30, 105);
      expect(right).toBeGreaterThan((await framePsnr(rung!.path, 0, open30, 104)) + 6);
      expect(right).toBeGreaterThan((await framePsnr(rung!.path, 0, open30, 106)) + 6);
      // And the last one is source frame 517.
      const last = await framePsnr(rung!.path, 412, open30, 517);
      expect(last).toBeGreaterThan((await framePsnr(rung!.path, 412, open30, 518)) + 6);
      const audio = r.result.renditions.find((x) => x.type === 'audio')!;
      expect(Math.abs(audio.duration - 13.75)).toBeLessThan(0.1);
    },
    SLOW,
  );
});
