import { describe, expect, test } from 'bun:test';
import { DEFAULT_FIELD_CONFIG, segmentField } from './field.ts';
import { type Box, iou, type RgbFrame } from './frame.ts';
import { loadOpenCv } from './opencv.ts';

const GRASS: [number, number, number] = [47, 138, 58];
const STANDS: [number, number, number] = [58, 64, 80];
const WHITE: [number, number, number] = [250, 250, 250];

const canvas = (width: number, height: number, rgb: [number, number, number]): RgbFrame => {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i += 3) data.set(rgb, i);
  return { width, height, data };
};
const paint = (f: RgbFrame, b: Box, rgb: [number, number, number]) => {
  for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) f.data.set(rgb, (y * f.width + x) * 3);
};

const BOARD: Box = { x: 240, y: 110, w: 800, h: 60 };

/** Stands across the top, a white board standing on the field's edge, painted lines. */
const pitch = (): RgbFrame => {
  const f = canvas(1280, 720, GRASS);
  paint(f, { x: 0, y: 0, w: 1280, h: 110 }, STANDS);
  paint(f, BOARD, WHITE);
  paint(f, { x: 560, y: 125, w: 160, h: 30 }, [10, 10, 10]);
  paint(f, { x: 100, y: 420, w: 1080, h: 4 }, WHITE);
  paint(f, { x: 638, y: 170, w: 4, h: 550 }, WHITE);
  return f;
};

describe('segmentField', () => {
  test("the field's share is the green area's, painted lines included", async () => {
    const r = segmentField(await loadOpenCv(), pitch());
    const green = (1280 * 610 - 800 * 60) / (1280 * 720);
    expect(Math.abs(r.share - green)).toBeLessThan(0.01);
    expect(r.scale).toBe(0.5);
    expect(r.mask).toMatchObject({ width: 640, height: 360 });
    // Under the board the edge is the board's bottom, elsewhere the stands'.
    expect(r.top[50]).toBe(55);
    expect(r.top[320]).toBe(85);
  });

  test('candidates: the stands-and-board region, and a band above the edge that is the board', async () => {
    const r = segmentField(await loadOpenCv(), pitch());
    const regions = r.regions.filter((x) => x.kind === 'region');
    expect(regions.length).toBe(1);
    expect(regions[0]!.box).toEqual({ x: 0, y: 0, w: 1280, h: 170 });
    const bands = r.regions.filter((x) => x.kind === 'band');
    const best = Math.max(...bands.map((b) => iou(b.box, BOARD)));
    expect(best).toBeGreaterThanOrEqual(0.5);
    for (const x of r.regions) {
      expect(x.box.x + x.box.w).toBeLessThanOrEqual(1280);
      expect(x.box.y + x.box.h).toBeLessThanOrEqual(720);
    }
  });

  test('a logo on the pitch is a candidate; a green shirt in the stands is not field', async () => {
    const f = pitch();
    paint(f, { x: 900, y: 500, w: 200, h: 80 }, [200, 30, 30]);
    paint(f, { x: 100, y: 20, w: 30, h: 40 }, GRASS);
    const r = segmentField(await loadOpenCv(), f);
    const logo = r.regions.find((x) => x.kind === 'region' && iou(x.box, { x: 900, y: 500, w: 200, h: 80 }) > 0.8);
    expect(logo).toBeDefined();
    expect(logo!.area).toBe(200 * 80);
    // The shirt stays out of the field: the stands region still spans the top.
    expect(r.mask.data[10 * 640 + 57]).toBe(0);
  });

  test('a frame without field (a close-up, a studio): share 0, the whole frame one region, no band', async () => {
    const f = canvas(960, 540, [120, 90, 200]);
    const r = segmentField(await loadOpenCv(), f);
    expect(r.share).toBe(0);
    expect(r.regions).toEqual([{ box: { x: 0, y: 0, w: 960, h: 540 }, kind: 'region', area: 960 * 540 }]);
    expect([...r.top].every((t) => t === -1)).toBe(true);
  });

  test('the hue range is configuration: a blue "field" (OpenCV hue 100–130)', async () => {
    const f = canvas(640, 360, [30, 60, 200]);
    paint(f, { x: 0, y: 0, w: 640, h: 60 }, [120, 40, 30]);
    const ocv = await loadOpenCv();
    expect(segmentField(ocv, f).share).toBe(0);
    const r = segmentField(ocv, f, { hueMin: 100, hueMax: 130 });
    expect(r.share).toBeCloseTo(300 / 360, 2);
    expect(r.scale).toBe(1);
    expect(DEFAULT_FIELD_CONFIG).toMatchObject({ hueMin: 35, hueMax: 85, satMin: 40, valMin: 40, workWidth: 640 });
  });
});
