import { describe, expect, test } from 'bun:test';
import { isAppError } from '../errors.ts';
import type { Box, RgbFrame } from './frame.ts';
import { clipBox, DEFAULT_PREPROCESS_CONFIG, prepareRegion, prepareRegions, upscaleFor } from './preprocess.ts';

const frameOf = (width: number, height: number, rgb: [number, number, number]): RgbFrame => {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width, height, data };
};
const paint = (f: RgbFrame, b: Box, rgb: [number, number, number]) => {
  for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) f.data.set(rgb, (y * f.width + x) * 3);
};
const range = (f: RgbFrame): [number, number] => {
  let lo = 255;
  let hi = 0;
  for (const v of f.data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return [lo, hi];
};

/** A grey frame with a low-contrast "word": bars of 110 on 140, 16 px high. */
const faint = (): RgbFrame => {
  const f = frameOf(1280, 720, [140, 140, 140]);
  for (let i = 0; i < 6; i++) paint(f, { x: 402 + i * 14, y: 302, w: 8, h: 16 }, [110, 110, 110]);
  return f;
};

describe('preprocess (pure parts)', () => {
  test('clipBox pads and clips to the frame; a box outside is null', () => {
    const frame = { width: 100, height: 50 };
    expect(clipBox({ x: 10, y: 10, w: 20, h: 10 }, frame, 2)).toEqual({ x: 8, y: 8, w: 24, h: 14 });
    expect(clipBox({ x: -5, y: 45, w: 20, h: 20 }, frame)).toEqual({ x: 0, y: 45, w: 15, h: 5 });
    expect(clipBox({ x: 200, y: 0, w: 10, h: 10 }, frame)).toBeNull();
  });

  test('upscaleFor: short crops up to the target height, at most maxScale, at most maxWidth wide', () => {
    const c = DEFAULT_PREPROCESS_CONFIG;
    expect(upscaleFor({ x: 0, y: 0, w: 100, h: 20 }, c)).toBe(2);
    expect(upscaleFor({ x: 0, y: 0, w: 100, h: 60 }, c)).toBe(1);
    expect(upscaleFor({ x: 0, y: 0, w: 100, h: 5 }, c)).toBe(4);
    expect(upscaleFor({ x: 0, y: 0, w: 3000, h: 10 }, c)).toBeCloseTo(4096 / 3000, 9);
  });
});

describe('prepareRegion', () => {
  test('a small crop is upscaled to the target height and its contrast stretched', async () => {
    const r = await prepareRegion(faint(), { box: { x: 400, y: 300, w: 88, h: 20 } });
    expect(r.box).toEqual({ x: 398, y: 298, w: 92, h: 24 });
    expect(r.scale).toBeCloseTo(40 / 24, 9);
    expect(r.image).toMatchObject({ width: Math.round(92 * (40 / 24)), height: 40 });
    expect(r.image.data.length).toBe(r.image.width * r.image.height * 3);
    const [lo, hi] = range(r.image);
    expect(hi - lo).toBeGreaterThan(200);
    expect(r.angle).toBe(0);
  });

  test('options: another target height, no normalising, no padding', async () => {
    const r = await prepareRegion(faint(), { box: { x: 400, y: 300, w: 88, h: 20 } }, { minHeight: 48, normalise: false, pad: 0 });
    expect(r.image.height).toBe(48);
    expect(r.box).toEqual({ x: 400, y: 300, w: 88, h: 20 });
    const [lo, hi] = range(r.image);
    expect(hi - lo).toBeLessThan(60); // 30 levels, and the cubic kernel's overshoot
  });

  test('a tilt within limits is levelled (the crop turns the other way, corners in its own colour); a large one is not trusted', async () => {
    const f = frameOf(640, 360, [200, 200, 200]);
    const box = { x: 100, y: 100, w: 300, h: 60 };
    const r = await prepareRegion(f, { box, angle: 4 });
    expect(r.angle).toBe(-4);
    const rad = (4 * Math.PI) / 180;
    expect(Math.abs(r.image.width - (304 * Math.cos(rad) + 64 * Math.sin(rad)))).toBeLessThanOrEqual(2);
    expect(Math.abs(r.image.height - (304 * Math.sin(rad) + 64 * Math.cos(rad)))).toBeLessThanOrEqual(2);
    expect([...r.image.data.subarray(0, 3)]).toEqual([200, 200, 200]);
    expect((await prepareRegion(f, { box, angle: 0.2 })).angle).toBe(0);
    expect((await prepareRegion(f, { box, angle: 25 })).angle).toBe(0);
  });

  test('a region outside the frame is a validation error; several regions come back in order', async () => {
    const f = frameOf(320, 180, [0, 0, 0]);
    const err = await prepareRegion(f, { box: { x: 400, y: 0, w: 10, h: 10 } }).catch((e: unknown) => e);
    expect(isAppError(err, 'validation')).toBe(true);
    const all = await prepareRegions(f, [{ box: { x: 0, y: 0, w: 50, h: 50 } }, { box: { x: 100, y: 100, w: 20, h: 10 } }]);
    expect(all.map((r) => r.image.height)).toEqual([52, 40]); // the first one's padding clipped at the corner
  });
});
