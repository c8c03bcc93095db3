/**
 * filter_scenes on real video: the corpus's ground-truth cuts, continuous
 * footage without cuts, and a board appearing on a still picture.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusFile } from '../../test/corpus.ts';
import { runFfmpeg } from '../media/ffmpeg.ts';
import { extractFrames } from './extract.ts';
import type { Box } from './frame.ts';
import { cellsOf, reusableFrom, type SceneStep, shotsOf, trackScenes } from './scenes.ts';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

const steps = async (input: string, fps: number, end: number): Promise<SceneStep[]> => {
  const out: SceneStep[] = [];
  for await (const f of trackScenes(extractFrames({ input, start: 0, end, fps }))) out.push(f.scene);
  return out;
};

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mpr-scenes-'));
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('filter_scenes on video', () => {
  test('scene_cuts_concat.mp4: exactly the cuts at 2, 4 and 6 s (MANIFEST), not the 6.23 s flash inside BBB', async () => {
    const s = await steps(corpusFile('derived/scene_cuts_concat.mp4'), 5, 8.1);
    const cuts = s.filter((x) => x.cut).map((x) => x.t);
    expect(cuts.length).toBe(3);
    for (const [i, t] of [2, 4, 6].entries()) expect(Math.abs(cuts[i]! - t)).toBeLessThanOrEqual(0.2 + 1e-9);
    expect(shotsOf(s).map((x) => x.index)).toEqual([0, 1, 2, 3]);
    // Every cell is fresh on a shot's first frame.
    for (const x of s.filter((y) => y.cut)) expect(x.changed.every((c) => c === 1)).toBe(true);
  }, 60_000);

  test('continuous footage (a jerky rooftop pan, macro, film, animation) has no cuts', async () => {
    for (const [name, end] of [
      ['video/androidx_sample_with_increasing_timestamps_360p.mp4', 17.1],
      ['video/mdn_flower.mp4', 5.1],
      ['video/mdn_friday.mp4', 6.2],
      ['video/androidx_bbb_960x540_60fps_vp8.webm', 10],
    ] as const) {
      const s = await steps(corpusFile(name), 5, end);
      expect({ name, cuts: s.filter((x) => x.cut).map((x) => x.t) }).toEqual({ name, cuts: [] });
    }
  }, 120_000);

  test('a small board appearing on a still picture: no cut, its cells changed, the rest reusable', async () => {
    const clip = join(dir, 'board-appears.mp4');
    const board: Box = { x: 820, y: 560, w: 180, h: 44 };
    const on = "enable='gte(t,1.5)'";
    await runFfmpeg([
      '-loop',
      '1',
      '-i',
      corpusFile('image/androidx_london.jpg'),
      '-t',
      '3',
      '-vf',
      `scale=1280:720,setsar=1,drawbox=x=${board.x}:y=${board.y}:w=${board.w}:h=${board.h}:color=white:t=fill:${on},` +
        `drawtext=fontfile=${FONT}:text=ACME:fontsize=30:fontcolor=black:x=${board.x + 50}:y=${board.y + 8}:${on}`,
      '-r',
      '25',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      clip,
    ]);
    const s = await steps(clip, 5, 3);
    expect(s.filter((x) => x.cut)).toEqual([]);
    const frame = { width: 1280, height: 720 };
    const cells = cellsOf(board, frame, 8);
    // The first sample showing the board: 1.6 s (or 1.4 s, should the fps filter round the other way).
    const first = s.find((x) => x.seq > 0 && cells.some((c) => x.changed[c]))!;
    expect([1.4, 1.6].map((t) => t.toFixed(1))).toContain(first.t.toFixed(1));
    console.log(
      `board appears at ${first.t.toFixed(1)} s: ${cells.filter((c) => first.changed[c]).length} of its ${cells.length} cells changed, score ${first.diff!.score.toFixed(3)}`,
    );
    expect(cells.every((c) => first.changed[c])).toBe(true);
    expect(first.diff!.score).toBeLessThan(0.1);
    // Far from the board nothing changed: results from the first frame still hold there.
    const changedElsewhere = [...first.changed.keys()].filter((c) => first.changed[c] && !cells.includes(c));
    expect(changedElsewhere.length).toBeLessThanOrEqual(2);
    expect(reusableFrom(first, { x: 0, y: 0, w: 300, h: 200 }, frame, 8)).toBe(0);
    // After it appeared the board holds still: its results can be reused from that frame.
    const last = s.at(-1)!;
    expect(reusableFrom(last, board, frame, 8)).toBe(first.seq);
  }, 60_000);
});
