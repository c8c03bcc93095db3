/** Detection's pure parts on synthetic probability maps and frames: no model. */
import { describe, expect, test } from 'bun:test';
import { AppError } from '../../errors.ts';
import { boxesFromMap, DET_DEFAULTS, detSize, detTensorData, type ProbMap, readingOrder, toFrameBoxes } from './detect.ts';

const mapOf = (width: number, height: number, rects: { x: number; y: number; w: number; h: number; p: number }[]): ProbMap => {
  const data = new Float32Array(width * height);
  for (const r of rects) for (let y = r.y; y < r.y + r.h; y++) for (let x = r.x; x < r.x + r.w; x++) data[y * width + x] = r.p;
  return { width, height, data };
};

describe('detSize', () => {
  test('detWidth wide, the frame aspect kept, both multiples of 32', () => {
    expect(detSize(1280, 720, 640)).toEqual({ width: 640, height: 352 });
    expect(detSize(1920, 1080, 960)).toEqual({ width: 960, height: 544 });
    expect(detSize(480, 360, 640)).toEqual({ width: 640, height: 480 }); // small frames grow: small text needs it
    expect(detSize(720, 1280, 640)).toEqual({ width: 640, height: 1152 });
    expect(detSize(4000, 10, 640)).toEqual({ width: 640, height: 32 });
    expect(detSize(1280, 720, 650)).toEqual({ width: 640, height: 352 });
  });

  test('refuses a width under 32', () => {
    expect(() => detSize(1280, 720, 16)).toThrow(AppError);
  });
});

describe('boxesFromMap', () => {
  test('one region becomes one box, grown by area × ratio / perimeter on every side', () => {
    const map = mapOf(100, 50, [{ x: 10, y: 20, w: 40, h: 10, p: 0.9 }]);
    const [box, ...rest] = boxesFromMap(map, DET_DEFAULTS);
    expect(rest).toEqual([]);
    const d = (400 * 1.5) / (2 * (40 + 10)); // 6
    expect(box!.x).toBeCloseTo(10 - d);
    expect(box!.y).toBeCloseTo(20 - d);
    expect(box!.w).toBeCloseTo(40 + 2 * d);
    expect(box!.h).toBeCloseTo(10 + 2 * d);
    expect(box!.score).toBeCloseTo(0.9);
  });

  test('separate regions give separate boxes; diagonal neighbours join one region', () => {
    const map = mapOf(60, 30, [
      { x: 2, y: 2, w: 10, h: 5, p: 0.8 },
      { x: 30, y: 2, w: 10, h: 5, p: 0.8 },
      { x: 2, y: 20, w: 5, h: 5, p: 0.8 },
      { x: 7, y: 25, w: 5, h: 5, p: 0.8 }, // touches the one above at a corner only
    ]);
    const boxes = boxesFromMap(map, { ...DET_DEFAULTS, unclipRatio: 0 });
    expect(boxes.map(({ x, y, w, h }) => ({ x, y, w, h })).sort((a, b) => a.y - b.y || a.x - b.x)).toEqual([
      { x: 2, y: 2, w: 10, h: 5 },
      { x: 30, y: 2, w: 10, h: 5 },
      { x: 2, y: 20, w: 10, h: 10 },
    ]);
  });

  test('pixels at or below the binary threshold are background', () => {
    const map = mapOf(40, 20, [
      { x: 5, y: 5, w: 10, h: 5, p: 0.3 },
      { x: 20, y: 5, w: 10, h: 5, p: 0.31 },
    ]);
    expect(boxesFromMap(map, { ...DET_DEFAULTS, boxThreshold: 0 }).map((b) => b.x)).toEqual([20 - (50 * 1.5) / 30]);
  });

  test('a region whose mean probability is under boxThreshold is dropped', () => {
    const weak = mapOf(40, 20, [{ x: 5, y: 5, w: 20, h: 6, p: 0.5 }]);
    expect(boxesFromMap(weak, DET_DEFAULTS)).toEqual([]);
    // Half strong, half weak: the mean decides.
    const mixed = mapOf(40, 20, [
      { x: 5, y: 5, w: 10, h: 6, p: 0.95 },
      { x: 15, y: 5, w: 10, h: 6, p: 0.4 },
    ]);
    const [box] = boxesFromMap(mixed, DET_DEFAULTS);
    expect(box!.score).toBeCloseTo(0.675);
  });

  test('a region thinner than minSize is dropped', () => {
    const map = mapOf(60, 20, [
      { x: 2, y: 2, w: 40, h: 2, p: 0.9 },
      { x: 2, y: 10, w: 40, h: 3, p: 0.9 },
    ]);
    expect(boxesFromMap(map, DET_DEFAULTS)).toHaveLength(1);
    expect(boxesFromMap(map, { ...DET_DEFAULTS, minSize: 2 })).toHaveLength(2);
  });

  test('keeps the best maxCandidates regions', () => {
    const map = mapOf(100, 10, [
      { x: 0, y: 0, w: 5, h: 5, p: 0.7 },
      { x: 10, y: 0, w: 5, h: 5, p: 0.9 },
      { x: 20, y: 0, w: 5, h: 5, p: 0.8 },
    ]);
    expect(boxesFromMap(map, { ...DET_DEFAULTS, maxCandidates: 2 }).map((b) => Math.round(b.score * 10))).toEqual([9, 8]);
  });

  test('an empty map has no boxes', () => {
    expect(boxesFromMap(mapOf(64, 32, []), DET_DEFAULTS)).toEqual([]);
  });
});

describe('toFrameBoxes', () => {
  test('scales map pixels to frame pixels, rounding outwards and clipping to the frame', () => {
    const boxes = toFrameBoxes(
      [
        { x: 10.2, y: 5.5, w: 20, h: 4, score: 0.9 },
        { x: -3, y: -2, w: 10, h: 10, score: 0.8 },
        { x: 630, y: 340, w: 20, h: 20, score: 0.7 },
      ],
      { width: 640, height: 352 },
      { width: 1280, height: 720 },
    );
    const sy = 720 / 352;
    expect(boxes[0]).toEqual({ x: 20, y: Math.floor(5.5 * sy), w: 61 - 20, h: Math.ceil(9.5 * sy) - Math.floor(5.5 * sy), score: 0.9 });
    expect(boxes[1]).toMatchObject({ x: 0, y: 0, w: 14, h: Math.ceil(8 * sy) });
    expect(boxes[2]).toMatchObject({ x: 1260, w: 20, y: Math.floor(340 * sy), h: 720 - Math.floor(340 * sy) });
  });

  test('drops boxes left empty by clipping', () => {
    expect(toFrameBoxes([{ x: 700, y: 0, w: 10, h: 10, score: 1 }], { width: 640, height: 352 }, { width: 640, height: 352 })).toEqual([]);
  });
});

describe('readingOrder', () => {
  test('top to bottom, left to right within a line even when the right box sits a little higher', () => {
    const a = { x: 300, y: 10, w: 100, h: 20 };
    const b = { x: 10, y: 14, w: 100, h: 20 };
    const c = { x: 10, y: 60, w: 100, h: 20 };
    const d = { x: 200, y: 58, w: 50, h: 20 };
    expect(readingOrder([c, a, d, b])).toEqual([b, a, c, d]);
  });
});

describe('detTensorData', () => {
  test('BGR planes normalised with ImageNet mean and std, as PaddleOCR feeds OpenCV images', () => {
    const frame = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3) };
    for (let i = 0; i < 8; i++) frame.data.set([255, 128, 0], i * 3); // R, G, B
    const t = detTensorData(frame, 2, 1);
    expect(t).toHaveLength(6);
    expect(t[0]).toBeCloseTo((0 - 0.485) / 0.229, 4); // plane 0: blue
    expect(t[2]).toBeCloseTo((128 / 255 - 0.456) / 0.224, 4);
    expect(t[4]).toBeCloseTo((1 - 0.406) / 0.225, 4); // plane 2: red
  });

  test('halving averages each 2×2 block', () => {
    const frame = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3) };
    const greys = [0, 100, 50, 50, 200, 100, 50, 50];
    greys.forEach((g, i) => {
      frame.data.set([g, g, g], i * 3);
    });
    const t = detTensorData(frame, 2, 1);
    const back = (v: number) => (v * 0.229 + 0.485) * 255;
    expect(back(t[0]!)).toBeCloseTo(100, 3);
    expect(back(t[1]!)).toBeCloseTo(50, 3);
  });
});
