/** What a fast-path result draws: the mask tinted where it is set, boxes and lines in frame pixels, in order. */
import { describe, expect, test } from 'bun:test';
import { COLOURS, type Ctx2d, maskTint, paintFast, shapesOf, strokeFor } from './draw-fast.ts';
import type { EdgesFast, FieldFast } from './fast-stage-core.ts';

const field: FieldFast = {
  stage: 'segment_field',
  width: 1280,
  height: 720,
  share: 0.5,
  scale: 0.5,
  mask: { width: 4, height: 2, data: new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]) },
  regions: [
    { box: { x: 0, y: 0, w: 1280, h: 100 }, kind: 'region', area: 128000 },
    { box: { x: 200, y: 100, w: 800, h: 40 }, kind: 'band', area: 32000 },
  ],
};

const edges: EdgesFast = {
  stage: 'detect_edges',
  width: 1280,
  height: 720,
  scale: 0.5,
  segments: [{ x1: 10, y1: 20, x2: 600, y2: 24, angle: 0.4, length: 590 }],
  proposals: [
    { box: { x: 240, y: 110, w: 800, h: 60 }, source: 'lines', score: 0.6, angle: 0 },
    { box: { x: 20, y: 300, w: 300, h: 40 }, source: 'outline', score: 0.2, angle: 0 },
  ],
};

/** Records every call and property set, in order. */
const recorder = () => {
  const calls: string[] = [];
  const ctx = new Proxy({} as Record<string, unknown>, {
    get:
      (_, k) =>
      (...a: unknown[]) =>
        calls.push(`${String(k)}(${a.map((x) => (typeof x === 'object' && x !== null ? (Array.isArray(x) ? `[${x}]` : 'img') : x)).join(',')})`),
    set: (_, k, v) => {
      calls.push(`${String(k)}=${v}`);
      return true;
    },
  }) as unknown as Ctx2d;
  return { ctx, calls };
};

describe('draw-fast', () => {
  test('the mask is tinted where it is field and transparent elsewhere', () => {
    const px = maskTint(field.mask);
    expect(px.length).toBe(4 * 2 * 4);
    expect([...px.slice(0, 4)]).toEqual([...COLOURS.field]);
    expect([...px.slice(4, 8)]).toEqual([0, 0, 0, 0]);
    expect([...px.slice(28, 32)]).toEqual([...COLOURS.field]);
    expect(px.filter((a, i) => i % 4 === 3 && a > 0).length).toBe(4);
  });

  test('field regions and bands are boxes of their own colours; edges give lines for segments and boxes for proposals, outlines dashed', () => {
    expect(shapesOf(field)).toEqual({
      lines: [],
      boxes: [
        { x: 0, y: 0, w: 1280, h: 100, colour: COLOURS.region, dashed: false },
        { x: 200, y: 100, w: 800, h: 40, colour: COLOURS.band, dashed: false },
      ],
    });
    const s = shapesOf(edges);
    expect(s.lines).toEqual([{ x1: 10, y1: 20, x2: 600, y2: 24, colour: COLOURS.segment }]);
    expect(s.boxes.map((b) => [b.x, b.dashed])).toEqual([
      [240, false],
      [20, true],
    ]);
  });

  test('strokes grow with the frame', () => {
    expect(strokeFor(320)).toBe(1);
    expect(strokeFor(1280)).toBe(3);
    expect(strokeFor(3840)).toBe(8);
  });

  test('painting a field result: the frame, then the mask stretched over the whole frame unsmoothed, then the boxes', () => {
    const { ctx, calls } = recorder();
    const layers: number[] = [];
    paintFast(ctx, {} as CanvasImageSource, field, (m) => {
      layers.push(m.width);
      return {} as CanvasImageSource;
    });
    expect(layers).toEqual([4]);
    expect(calls.slice(0, 5)).toEqual([
      'clearRect(0,0,1280,720)',
      'drawImage(img,0,0,1280,720)',
      'imageSmoothingEnabled=false',
      'drawImage(img,0,0,1280,720)',
      'imageSmoothingEnabled=true',
    ]);
    expect(calls.filter((c) => c.startsWith('strokeRect'))).toEqual(['strokeRect(0,0,1280,100)', 'strokeRect(200,100,800,40)']);
  });

  test('painting an edge result without a frame: segments as lines, proposals as boxes', () => {
    const { ctx, calls } = recorder();
    paintFast(ctx, null, edges, () => null);
    expect(calls).not.toContain('drawImage(img,0,0,1280,720)');
    expect(calls).toContain('moveTo(10,20)');
    expect(calls).toContain('lineTo(600,24)');
    expect(calls.filter((c) => c.startsWith('strokeRect'))).toEqual(['strokeRect(240,110,800,60)', 'strokeRect(20,300,300,40)']);
    expect(calls).toContain('setLineDash([18,12])');
  });
});
