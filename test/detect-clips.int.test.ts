/**
 * The labelled clips are what they claim: ffprobe agrees on size, rate and
 * length, the truth files match what makeLabelledClips returned, and the
 * pixels agree with the truth: each board's fill is where its box says at its
 * first frame, and a static board is gone at its end frame.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Box } from '../src/cv/frame.ts';
import { resolveBinaries } from '../src/media/binaries.ts';
import { runFfprobeJson } from '../src/media/ffmpeg.ts';
import { normalise } from '../src/work/detect/match.ts';
import { CLIP_FPS, CLIP_HEIGHT, CLIP_WIDTH, LABELLED_BRANDS, type LabelledClip, makeLabelledClips } from './detect-clips.ts';

const SECONDS = 10;
let dir: string;
let dev: LabelledClip[];
let holdout: LabelledClip[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpr-detect-clips-'));
  dev = await makeLabelledClips(join(dir, 'dev'), { seconds: SECONDS });
  holdout = await makeLabelledClips(join(dir, 'holdout'), { seconds: SECONDS, set: 'holdout' });
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Frames `ns` of a clip as packed RGB24, in order. */
const framesAt = async (path: string, ns: number[]): Promise<Map<number, Uint8Array>> => {
  const wanted = [...new Set(ns)].sort((a, b) => a - b);
  const select = wanted.map((n) => `eq(n\\,${n})`).join('+');
  const proc = Bun.spawn(
    [
      resolveBinaries().ffmpeg,
      '-nostdin',
      '-v',
      'error',
      '-i',
      path,
      '-vf',
      `select=${select}`,
      '-fps_mode',
      'passthrough',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { stdout: 'pipe', stderr: 'pipe' },
  );
  const bytes = new Uint8Array(await new Response(proc.stdout).arrayBuffer());
  const code = await proc.exited;
  if (code !== 0) throw new Error(`ffmpeg exited ${code}: ${await new Response(proc.stderr).text()}`);
  const size = CLIP_WIDTH * CLIP_HEIGHT * 3;
  expect(bytes.length).toBe(size * wanted.length);
  return new Map(wanted.map((n, i) => [n, bytes.subarray(i * size, (i + 1) * size)]));
};

const hex = (c: string) => [1, 2, 3].map((i) => Number.parseInt(c.slice(2 * i, 2 * i + 2), 16));
/** The mean colour of a 4×4 patch just inside the box's top-left corner (inside the board's margin, clear of the text). */
const patch = (frame: Uint8Array, b: Box): number[] => {
  const sum = [0, 0, 0];
  for (let y = b.y + 3; y < b.y + 7; y++) {
    for (let x = b.x + 3; x < b.x + 7; x++) for (let c = 0; c < 3; c++) sum[c]! += frame[(y * CLIP_WIDTH + x) * 3 + c]!;
  }
  return sum.map((v) => v / 16);
};
/** Mean absolute difference per channel between two frames over a box. */
const meanChange = (a: Uint8Array, b: Uint8Array, box: Box): number => {
  let sum = 0;
  for (let y = box.y; y < box.y + box.h; y++) {
    for (let i = (y * CLIP_WIDTH + box.x) * 3; i < (y * CLIP_WIDTH + box.x + box.w) * 3; i++) sum += Math.abs(a[i]! - b[i]!);
  }
  return sum / (box.w * box.h * 3);
};
const near = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);

describe('labelled detection clips', () => {
  test('both sets: the clips and truth files are made', () => {
    expect(dev.map((c) => c.name)).toEqual(['dev-static', 'dev-motion', 'dev-edges']);
    expect(holdout.map((c) => c.name)).toEqual(['holdout-pitch', 'holdout-flower']);
    for (const c of [...dev, ...holdout]) {
      const file = JSON.parse(readFileSync(c.truthPath, 'utf8'));
      expect(file.truth).toEqual(c.truth);
      expect(file.brands).toEqual(c.brands);
      expect(file.seconds).toBe(SECONDS);
    }
  });

  test('ffprobe agrees: 1280×720 H.264 at 25 fps, as long as claimed', async () => {
    for (const c of [...dev, ...holdout]) {
      const j = (await runFfprobeJson([
        '-select_streams',
        'v:0',
        '-count_packets',
        '-show_entries',
        'stream=codec_name,width,height,r_frame_rate,nb_read_packets:format=duration',
        c.path,
      ])) as { streams: { codec_name: string; width: number; height: number; r_frame_rate: string; nb_read_packets: string }[]; format: { duration: string } };
      const s = j.streams[0]!;
      expect({ name: c.name, codec: s.codec_name, w: s.width, h: s.height, rate: s.r_frame_rate, frames: Number(s.nb_read_packets) }).toEqual({
        name: c.name,
        codec: 'h264',
        w: c.width,
        h: c.height,
        rate: `${CLIP_FPS}/1`,
        frames: SECONDS * CLIP_FPS,
      });
      expect(Math.abs(Number(j.format.duration) - c.seconds)).toBeLessThan(0.05);
    }
  }, 120_000);

  test('the truth is well formed; the sets are disjoint and cover every kind of board', () => {
    for (const c of [...dev, ...holdout]) {
      const names = new Set(c.brands.map((b) => b.name));
      for (const t of c.truth) {
        expect(names.has(t.brand)).toBe(true);
        expect(t.start).toBeGreaterThanOrEqual(0);
        expect(t.end).toBeLessThanOrEqual(c.seconds);
        expect(t.end - t.start).toBeGreaterThan(1);
        expect(Number.isInteger(Math.round(t.start * CLIP_FPS * 1000) / 1000)).toBe(true);
        expect(t.box.x >= 0 && t.box.y >= 0 && t.box.x + t.box.w <= c.width && t.box.y + t.box.h <= c.height).toBe(true);
      }
    }
    const devNames = new Set(LABELLED_BRANDS.dev.flatMap((b) => [b.name, ...b.aliases]).map(normalise));
    expect(LABELLED_BRANDS.holdout.flatMap((b) => [b.name, ...b.aliases]).filter((n) => devNames.has(normalise(n)))).toEqual([]);
    for (const set of [dev, holdout]) {
      const kinds = new Set(set.flatMap((c) => c.truth.map((t) => t.kind)));
      for (const k of ['static', 'moving', 'scroll', 'small', 'partial', 'substring', 'alias', 'repeat']) expect(kinds.has(k as never)).toBe(true);
      expect(set.flatMap((c) => c.distractors.map((d) => d.kind))).toContain('near-miss');
    }
  });

  test('the pixels agree: each board is where its box says at its first frame; a static board is gone at its end', async () => {
    for (const c of [...dev, ...holdout]) {
      const boards = [...c.truth, ...c.distractors.filter((d) => d.kind !== 'clutter')];
      const gone = c.truth.filter((t) => t.kind === 'static' || t.kind === 'small' || t.kind === 'repeat');
      const ends = gone.flatMap((t) => [Math.round(t.end * CLIP_FPS) - 1, Math.round(t.end * CLIP_FPS)]);
      const frames = await framesAt(c.path, [...boards.map((b) => Math.round(b.start * CLIP_FPS)), ...ends]);
      for (const b of boards) {
        const fill = hex(c.fills[b.text]!);
        const seen = patch(frames.get(Math.round(b.start * CLIP_FPS))!, b.box);
        expect({ clip: c.name, text: b.text, at: b.start, fill: near(seen, fill, 40) }).toEqual({ clip: c.name, text: b.text, at: b.start, fill: true });
      }
      for (const t of gone) {
        // The board's whole box changes between its last frame and the next (the colour alone could match a dark background).
        const n = Math.round(t.end * CLIP_FPS);
        const change = meanChange(frames.get(n - 1)!, frames.get(n)!, t.box);
        expect({ clip: c.name, text: t.text, at: t.end, gone: change > 20 }).toEqual({ clip: c.name, text: t.text, at: t.end, gone: true });
      }
    }
  }, 120_000);
});
