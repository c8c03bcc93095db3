import { describe, expect, test } from 'bun:test';
import type { Box, RgbFrame } from './frame.ts';
import { cellsOf, createSceneTracker, DEFAULT_SCENE_CONFIG, frameDifference, frameSignature, reusableFrom, type SceneStep, shotsOf } from './scenes.ts';

const W = 1280;
const H = 720;
const G = DEFAULT_SCENE_CONFIG.grid;

const solid = (rgb: [number, number, number], width = W, height = H): RgbFrame => {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width, height, data };
};

const fill = (f: RgbFrame, b: Box, rgb: [number, number, number]): RgbFrame => {
  const data = f.data.slice();
  for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) data.set(rgb, (y * f.width + x) * 3);
  return { ...f, data };
};

/** Seeded blocks of colour, `shift` pixels to the left: the same scene after a pan. */
const blocks = (seed: number, shift = 0): RgbFrame => {
  const data = new Uint8Array(W * H * 3);
  const colour = (bx: number, by: number) => {
    let h = (bx * 73856093) ^ (by * 19349663) ^ (seed * 83492791);
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
    return [h & 255, (h >>> 8) & 255, (h >>> 16) & 255] as const;
  };
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const c = colour(Math.floor((x + shift) / 64), Math.floor(y / 64));
      data.set(c, (y * W + x) * 3);
    }
  return { width: W, height: H, data };
};

const changedCells = (s: SceneStep): number[] => [...s.changed.keys()].filter((i) => s.changed[i]);

const run = (frames: RgbFrame[], fps = 5, overrides = {}) => {
  const tracker = createSceneTracker(overrides);
  return frames.map((f, seq) => tracker.push({ seq, t: seq / fps }, f));
};

describe('scene tracker', () => {
  test('the first frame opens shot 0 with every cell changed; an identical frame changes nothing', () => {
    const pitch = fill(solid([40, 130, 50]), { x: 0, y: 0, w: W, h: 200 }, [60, 60, 80]);
    const [a, b] = run([pitch, pitch]);
    expect(a).toMatchObject({ seq: 0, t: 0, shot: 0, cut: false, diff: null });
    expect(changedCells(a!).length).toBe(G * G);
    expect(b).toMatchObject({ shot: 0, cut: false });
    expect(b!.diff).toEqual({ changed: 0, hist: 0, score: 0 });
    expect(changedCells(b!)).toEqual([]);
    expect([...b!.refSeq].every((s) => s === 0)).toBe(true);
  });

  test('a different picture is a cut: a new shot, every cell changed', () => {
    const steps = run([blocks(1), blocks(1), blocks(2), blocks(2)]);
    expect(steps.map((s) => s.cut)).toEqual([false, false, true, false]);
    expect(steps.map((s) => s.shot)).toEqual([0, 0, 1, 1]);
    expect(changedCells(steps[2]!).length).toBe(G * G);
    expect(steps[2]!.diff!.score).toBeGreaterThan(DEFAULT_SCENE_CONFIG.cutThreshold);
    expect(shotsOf(steps)).toEqual([
      { index: 0, startSeq: 0, endSeq: 1, start: 0, end: 0.4 },
      { index: 1, startSeq: 2, endSeq: 3, start: 0.4, end: 0.6 },
    ]);
  });

  test('a pan is not a cut, though every cell changed', () => {
    // 54 px is two thumbnail pixels at 1280 wide: the best shift finds it.
    const steps = run([blocks(3), blocks(3, 54), blocks(3, 108)]);
    expect(steps.map((s) => s.cut)).toEqual([false, false, false]);
    expect(steps[1]!.diff!.changed).toBeLessThan(0.2);
    expect(changedCells(steps[1]!).length).toBeGreaterThan(G * G * 0.8);
  });

  test('a board appearing on a still picture is no cut, but its cells, and only those, are changed', () => {
    const still = fill(solid([40, 130, 50]), { x: 0, y: 0, w: W, h: 160 }, [60, 60, 80]);
    const board: Box = { x: 500, y: 400, w: 110, h: 28 };
    const withBoard = fill(fill(still, board, [250, 250, 250]), { x: 515, y: 408, w: 80, h: 12 }, [10, 10, 10]);
    const steps = run([still, still, withBoard, withBoard]);
    expect(steps.map((s) => s.cut)).toEqual([false, false, false, false]);
    expect(steps[2]!.diff!.score).toBeLessThan(0.05);
    const cells = cellsOf(board, still, G);
    expect(changedCells(steps[2]!)).toEqual(cells);
    expect(changedCells(steps[3]!)).toEqual([]);
    // Reuse: the board's results date from frame 2; elsewhere from frame 0.
    expect(reusableFrom(steps[3]!, board, still, G)).toBe(2);
    expect(reusableFrom(steps[3]!, { x: 0, y: 600, w: 300, h: 100 }, still, G)).toBe(0);
    expect(reusableFrom(steps[2]!, board, still, G)).toBeNull();
  });

  test('a red board on grass of the same brightness still changes its cells (colour, not grey)', () => {
    const grass = solid([50, 120, 40]);
    const red = fill(grass, { x: 700, y: 300, w: 160, h: 90 }, [255, 0, 0]);
    const steps = run([grass, red]);
    expect(changedCells(steps[1]!).length).toBeGreaterThan(0);
  });

  test('slow drift adds up: a cell counts as changed once it moved far from the content its results came from', () => {
    const frames = Array.from({ length: 10 }, (_, i) => fill(solid([40, 130, 50]), { x: 0, y: 0, w: 160, h: 90 }, [40 + 6 * i, 130, 50]));
    const steps = run(frames);
    // 6 levels a frame: no single step passes pixelDelta (24), the fifth does against frame 0.
    const firstChange = steps.findIndex((s, i) => i > 0 && s.changed[0] === 1);
    expect(firstChange).toBe(5);
    expect(steps[4]!.refSeq[0]).toBe(0);
    expect(steps[6]!.refSeq[0]).toBe(5);
    expect(steps.every((s, i) => i === 0 || changedCells(s).every((c) => c === 0))).toBe(true);
  });

  test('a second transition inside the minimum shot length is the same transition', () => {
    const steps = run([blocks(4), blocks(4), blocks(5), blocks(6), blocks(6), blocks(6), blocks(7)], 5);
    // 0.4 s: cut; 0.6 s: 0.2 s later, part of it (cells reset all the same); 1.2 s: a cut again.
    expect(steps.map((s) => s.cut)).toEqual([false, false, true, false, false, false, true]);
    expect(changedCells(steps[3]!).length).toBe(G * G);
    expect(steps.map((s) => s.shot)).toEqual([0, 0, 1, 1, 1, 1, 2]);
  });

  test('cellsOf covers the cells a box touches, clipped to the grid', () => {
    const frame = { width: 800, height: 800 };
    expect(cellsOf({ x: 0, y: 0, w: 100, h: 100 }, frame, 8)).toEqual([0]);
    expect(cellsOf({ x: 50, y: 50, w: 100, h: 10 }, frame, 8)).toEqual([0, 1]);
    expect(cellsOf({ x: 750, y: 750, w: 200, h: 200 }, frame, 8)).toEqual([63]);
    expect(cellsOf({ x: -10, y: 790, w: 20, h: 5 }, frame, 8)).toEqual([56]);
  });

  test('signature and difference cost (1280x720)', () => {
    const a = blocks(8);
    const b = blocks(8, 30);
    const n = 20;
    const t0 = performance.now();
    let sa = frameSignature(a);
    for (let i = 0; i < n; i++) sa = frameSignature(i % 2 ? a : b);
    const t1 = performance.now();
    const sb = frameSignature(b);
    for (let i = 0; i < n; i++) frameDifference(sa, sb);
    const t2 = performance.now();
    console.log(`scenes at 1280x720: signature ${((t1 - t0) / n).toFixed(2)} ms, whole-frame difference ${((t2 - t1) / n).toFixed(2)} ms`);
    expect(sa.rgb.length).toBe(48 * 48 * 3);
  });
});
