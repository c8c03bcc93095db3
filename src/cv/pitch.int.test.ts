/**
 * The CV stages on frames ffmpeg renders (a green pitch, stands, a white
 * board carrying a word, level and tilted) and on real corpus footage,
 * through extractFrames as the pipeline will run them; then each stage's
 * time per 1280x720 frame.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { corpusFile } from '../../test/corpus.ts';
import { runFfmpeg } from '../media/ffmpeg.ts';
import { detectEdges, dominantAngle } from './edges.ts';
import { type ExtractedFrame, extractFrames } from './extract.ts';
import { segmentField } from './field.ts';
import { type Box, iou, type RgbFrame } from './frame.ts';
import { encodeJpeg } from './image.ts';
import { loadOpenCv, type OpenCv } from './opencv.ts';
import { prepareRegion, prepareRegions } from './preprocess.ts';
import { createSceneTracker } from './scenes.ts';

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
const BOARD: Box = { x: 240, y: 110, w: 800, h: 60 };
/** Grass in two mowing shades, stands, the board with a word, painted lines, sensor noise. */
const PITCH = [
  'drawbox=x=0:y=0:w=1280:h=110:color=0x3a4050:t=fill',
  'drawbox=x=0:y=300:w=1280:h=100:color=0x34953f:t=fill',
  'drawbox=x=0:y=500:w=1280:h=100:color=0x34953f:t=fill',
  'drawbox=x=100:y=420:w=1080:h=4:color=white:t=fill',
  'drawbox=x=638:y=170:w=4:h=550:color=white:t=fill',
  `drawbox=x=${BOARD.x}:y=${BOARD.y}:w=${BOARD.w}:h=${BOARD.h}:color=white:t=fill`,
  `drawtext=fontfile=${FONT}:text=BRANDX:fontsize=44:fontcolor=black:x=540:y=118`,
  'noise=alls=10:allf=t',
].join(',');

let dir = '';
let ocv: OpenCv;
const clips: Record<'level' | 'tilted' | 'real720', string> = { level: '', tilted: '', real720: '' };

const render = async (name: string, filters: string): Promise<string> => {
  const out = join(dir, name);
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    'color=c=0x2f8a3a:s=1280x720:r=25:d=1',
    '-vf',
    filters,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '18',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  return out;
};

const frames = async (input: string, fps: number, end: number): Promise<ExtractedFrame[]> => {
  const out: ExtractedFrame[] = [];
  for await (const f of extractFrames({ input, start: 0, end, fps })) out.push(f);
  return out;
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpr-pitch-'));
  ocv = await loadOpenCv();
  clips.level = await render('level.mp4', PITCH);
  // ffmpeg turns clockwise for a positive angle: the board falls to the right, +3° in the edges' convention.
  clips.tilted = await render('tilted.mp4', `${PITCH},rotate=3*PI/180:c=0x2f8a3a`);
  clips.real720 = join(dir, 'real720.mp4');
  await runFfmpeg([
    '-i',
    corpusFile('video/mdn_flower.mp4'),
    '-t',
    '2',
    '-an',
    '-vf',
    'scale=1280:720',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    clips.real720,
  ]);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('CV stages on a rendered pitch', () => {
  test('segment_field: the share is the green area, the band above the edge is the board', async () => {
    const [f] = await frames(clips.level, 5, 0.2);
    const r = segmentField(ocv, f!.frame);
    // Green: all below the stands but the board; the painted lines count as field.
    const green = (1280 * 610 - 800 * 60) / (1280 * 720);
    expect(Math.abs(r.share - green)).toBeLessThan(0.02);
    const candidates = r.regions.map((x) => ({ kind: x.kind, iou: iou(x.box, BOARD) }));
    expect(candidates.some((c) => c.iou >= 0.5)).toBe(true);
  });

  test('detect_edges: the board is among the proposals; preprocess makes its crop', async () => {
    const [f] = await frames(clips.level, 5, 0.2);
    const r = detectEdges(ocv, f!.frame);
    const hit = r.proposals.find((p) => iou(p.box, BOARD) >= 0.5);
    expect(hit).toBeDefined();
    const angle = dominantAngle(r.segments, hit!.box);
    expect(Math.abs(angle ?? 0)).toBeLessThan(0.5);
    const crop = await prepareRegion(f!.frame, { box: hit!.box, angle });
    expect(crop.angle).toBe(0);
    expect(crop.scale).toBe(1);
    expect(crop.image.height).toBe(crop.box.h);
  });

  test('a tilted board: its proposal, its angle from the edges, and a levelled crop', async () => {
    const [f] = await frames(clips.tilted, 5, 0.2);
    const r = detectEdges(ocv, f!.frame);
    const turned = { x: 240, y: 95, w: 800, h: 95 }; // about where the 3° turn about the centre puts the board
    const hit = r.proposals.filter((p) => iou(p.box, turned) >= 0.4).sort((a, b) => iou(b.box, turned) - iou(a.box, turned))[0];
    expect(hit).toBeDefined();
    const angle = dominantAngle(r.segments, hit!.box)!;
    expect(Math.abs(angle - 3)).toBeLessThan(1);
    const crop = await prepareRegion(f!.frame, { box: hit!.box, angle });
    expect(crop.angle).toBeCloseTo(-angle, 9);
    expect(crop.image.width).toBeGreaterThan(crop.box.w);
  });
});

describe('CV stages on corpus footage', () => {
  test('flower, rooftop and film frames: shares in range, boxes inside the frame, crops made', async () => {
    for (const name of ['video/mdn_flower.mp4', 'video/androidx_sample_with_increasing_timestamps_360p.mp4', 'video/mdn_friday.mp4']) {
      for (const { frame } of await frames(corpusFile(name), 1, 3)) {
        const field = segmentField(ocv, frame);
        expect(field.share).toBeGreaterThanOrEqual(0);
        expect(field.share).toBeLessThanOrEqual(1);
        const edges = detectEdges(ocv, frame);
        const boxes = [...field.regions.map((r) => r.box), ...edges.proposals.map((p) => p.box)];
        for (const b of boxes) {
          expect(b.x).toBeGreaterThanOrEqual(0);
          expect(b.y).toBeGreaterThanOrEqual(0);
          expect(b.x + b.w).toBeLessThanOrEqual(frame.width);
          expect(b.y + b.h).toBeLessThanOrEqual(frame.height);
        }
        const crops = await prepareRegions(
          frame,
          edges.proposals.slice(0, 3).map((p) => ({ box: p.box, angle: dominantAngle(edges.segments, p.box) })),
        );
        for (const c of crops) expect(c.image.height).toBeGreaterThanOrEqual(Math.min(40, c.box.h));
      }
    }
  }, 60_000);
});

describe('per-frame cost at 1280x720', () => {
  const msPer = async (n: number, f: (i: number) => unknown): Promise<number> => {
    await f(0);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await f(i);
    return (performance.now() - t0) / n;
  };

  test('each stage, on the rendered pitch and on real footage', async () => {
    const rows: string[] = [];
    for (const [label, input] of [
      ['pitch', clips.level],
      ['flower', clips.real720],
    ] as const) {
      const t0 = performance.now();
      const fs = await frames(input, 5, 1);
      const extractMs = (performance.now() - t0) / fs.length;
      const list: RgbFrame[] = fs.map((f) => f.frame);
      expect(list[0]).toMatchObject({ width: 1280, height: 720 });
      const n = list.length;
      const tracker = createSceneTracker();
      const scenes = await msPer(n, (i) => tracker.push({ seq: i + 1, t: (i + 1) / 5 }, list[i % n]!));
      const field = await msPer(n, (i) => segmentField(ocv, list[i % n]!));
      const edges = await msPer(n, (i) => detectEdges(ocv, list[i % n]!));
      // Board proposals first, then the field's candidates (the whole frame, where there is no field).
      const regions = [...detectEdges(ocv, list[0]!).proposals, ...segmentField(ocv, list[0]!).regions].slice(0, 5);
      const prep = await msPer(n, (i) => prepareRegions(list[i % n]!, regions));
      const jpeg = await msPer(n, (i) => encodeJpeg(list[i % n]!, 85));
      rows.push(
        `${label}: extract@5fps ${extractMs.toFixed(1)} ms/frame (incl. probe and start), scenes ${scenes.toFixed(1)}, field ${field.toFixed(1)}, edges ${edges.toFixed(1)}, ` +
          `preprocess ${prep.toFixed(1)} for ${regions.length} regions (${regions.map((r) => `${r.box.w}x${r.box.h}`).join(' ')}), jpeg q85 ${jpeg.toFixed(1)} ms`,
      );
    }
    console.log(rows.join('\n'));
  }, 120_000);
});
