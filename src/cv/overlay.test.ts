import { describe, expect, test } from 'bun:test';
import sharp from 'sharp';
import { isAppError } from '../errors.ts';
import type { RgbFrame } from './frame.ts';
import { encodeJpeg } from './image.ts';
import { escapeXml, MASK_ALPHA, maskTint, type OverlayLayer, overlaySvg, renderOverlay, stageColour } from './overlay.ts';

const GREY = 128;

const greyFrame = (width = 320, height = 180): RgbFrame => ({ width, height, data: new Uint8Array(width * height * 3).fill(GREY) });

/** The PNG decoded to packed pixels, with its channel count (the tests want RGB, no alpha). */
const decode = async (png: Uint8Array) => {
  expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const px = (x: number, y: number): number[] => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
  return { width: info.width, height: info.height, channels: info.channels, data, px };
};

const expectNear = (actual: number[], expected: readonly number[], tol = 3) => {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) => {
    if (Math.abs(v - expected[i]!) > tol) throw new Error(`pixel ${JSON.stringify(actual)} is not within ${tol} of ${JSON.stringify(expected)}`);
  });
};

const rejection = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => null,
    (e: unknown) => e,
  );

describe('renderOverlay', () => {
  test('a box stroke takes the layer colour; the inside of the box and the frame around it stay grey', async () => {
    const layers: OverlayLayer[] = [{ stage: 'ocr', colour: '#ff0000', boxes: [{ box: { x: 100, y: 60, w: 80, h: 50 } }] }];
    const out = await decode(await renderOverlay(greyFrame(), layers));
    expect(out).toMatchObject({ width: 320, height: 180, channels: 3 });
    // Stroke 2 px, drawn inside the box: columns 100-101, rows 60-61, and so on.
    expectNear(out.px(100, 85), [255, 0, 0]);
    expectNear(out.px(179, 85), [255, 0, 0]);
    expectNear(out.px(140, 60), [255, 0, 0]);
    expectNear(out.px(140, 109), [255, 0, 0]);
    // Unfilled: the middle and a pixel just inside the stroke are the frame's.
    expectNear(out.px(140, 85), [GREY, GREY, GREY], 0);
    expectNear(out.px(104, 85), [GREY, GREY, GREY], 1);
    // Outside the box.
    expectNear(out.px(96, 85), [GREY, GREY, GREY], 1);
    expectNear(out.px(300, 170), [GREY, GREY, GREY], 0);
  });

  test('a box partly outside the frame is clipped and still drawn along the frame edge', async () => {
    const layers: OverlayLayer[] = [{ stage: 'x', colour: '#00ff00', boxes: [{ box: { x: 250, y: 120, w: 200, h: 200 } }] }];
    const out = await decode(await renderOverlay(greyFrame(), layers));
    expectNear(out.px(250, 150), [0, 255, 0]);
    expectNear(out.px(319, 150), [0, 255, 0]);
    expectNear(out.px(280, 179), [0, 255, 0]);
    expectNear(out.px(280, 150), [GREY, GREY, GREY], 0);
  });

  test('a mask tints only its own area, towards the layer colour by about MASK_ALPHA', async () => {
    // An 8x4 mask for a 320x180 frame: its left half set, each mask pixel covers 40x45 frame pixels.
    const mask = { width: 8, height: 4, data: new Uint8Array(32) };
    for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) mask.data[y * 8 + x] = 255;
    const out = await decode(await renderOverlay(greyFrame(), [{ stage: 'pitch', colour: '#0000ff', mask }]));
    const a = Math.round(MASK_ALPHA * 255) / 255;
    const tinted = [GREY * (1 - a), GREY * (1 - a), GREY * (1 - a) + 255 * a].map(Math.round);
    expectNear(out.px(100, 150), tinted, 3);
    expectNear(out.px(159, 90), tinted, 3);
    // Outside: unchanged.
    expectNear(out.px(160, 90), [GREY, GREY, GREY], 0);
    expectNear(out.px(300, 150), [GREY, GREY, GREY], 0);
  });

  test('lines are drawn in their colour', async () => {
    const out = await decode(await renderOverlay(greyFrame(), [{ stage: 'edges', colour: '#ffff00', lines: [{ x1: 40, y1: 150, x2: 300, y2: 150 }] }]));
    // A 2 px line centred on y=150 covers rows 149 and 150.
    expectNear(out.px(200, 149), [255, 255, 0]);
    expectNear(out.px(200, 150), [255, 255, 0]);
    expectNear(out.px(200, 140), [GREY, GREY, GREY], 0);
  });

  test('a label full of markup renders, and the SVG holds it escaped', async () => {
    const label = '<script>&"\'\u0000\u0007x\nend';
    const layers: OverlayLayer[] = [{ stage: 'ocr <1>', colour: '#ff00ff', boxes: [{ box: { x: 100, y: 80, w: 60, h: 40 }, label }] }];
    const svg = overlaySvg({ width: 320, height: 180 }, layers);
    expect(svg).toContain('&lt;script&gt;&amp;&quot;&apos;x end');
    expect(svg).toContain('ocr &lt;1&gt;');
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('\u0000');
    const out = await decode(await renderOverlay(greyFrame(), layers));
    // The label's dark background sits just above the box.
    const above = out.px(104, 74);
    expect(Math.max(...above)).toBeLessThan(GREY - 40);
    expectNear(out.px(100, 100), [255, 0, 255]);
  });

  test('opts.width scales the picture and everything on it', async () => {
    const layers: OverlayLayer[] = [{ stage: 'ocr', colour: '#ff0000', boxes: [{ box: { x: 100, y: 60, w: 80, h: 50 } }] }];
    const out = await decode(await renderOverlay(greyFrame(), layers, { width: 160 }));
    expect(out).toMatchObject({ width: 160, height: 90 });
    // The box is now at 50,30 50x25 (stroke stays 2 px: max(2, 160/400)).
    expectNear(out.px(50, 42), [255, 0, 0]);
    expectNear(out.px(89, 42), [255, 0, 0]);
    expectNear(out.px(70, 42), [GREY, GREY, GREY], 1);
    expectNear(out.px(150, 80), [GREY, GREY, GREY], 1);
  });

  test('takes JPEG bytes', async () => {
    const jpeg = await encodeJpeg(greyFrame(), 95);
    const out = await decode(await renderOverlay(jpeg, [{ stage: 'ocr', colour: '#ff0000', boxes: [{ box: { x: 100, y: 60, w: 80, h: 50 } }] }]));
    expect(out).toMatchObject({ width: 320, height: 180 });
    expectNear(out.px(140, 85), [GREY, GREY, GREY], 3);
    expectNear(out.px(100, 85), [255, 0, 0], 3);
  });

  test('no layers: the frame, pixel for pixel', async () => {
    const frame = greyFrame(64, 48);
    for (let i = 0; i < frame.data.length; i++) frame.data[i] = (i * 37) % 251;
    const out = await decode(await renderOverlay(frame, []));
    expect(out).toMatchObject({ width: 64, height: 48, channels: 3 });
    expect([...out.data]).toEqual([...frame.data]);
  });

  test('the legend lists stages in their colours in the top-left corner', async () => {
    const layers: OverlayLayer[] = [{ stage: 'brands', colour: '#00ff00' }, { stage: 'ocr' }];
    const svg = overlaySvg({ width: 320, height: 180 }, layers);
    expect(svg).toContain('>brands</text>');
    expect(svg).toContain(`fill="${stageColour('ocr')}">ocr</text>`);
    const out = await decode(await renderOverlay(greyFrame(), layers));
    // Somewhere in the first legend row there is a pure green swatch.
    let green = 0;
    for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) if (out.px(x, y).join() === '0,255,0') green++;
    expect(green).toBeGreaterThan(20);
    expectNear(out.px(300, 170), [GREY, GREY, GREY], 0);
  });

  test('rejects a colour that is not #rrggbb and a frame whose bytes do not match its size', async () => {
    expect(isAppError(await rejection(renderOverlay(greyFrame(), [{ stage: 'x', colour: 'red" onload="x' }])))).toBe(true);
    expect(isAppError(await rejection(renderOverlay({ width: 10, height: 10, data: new Uint8Array(5) }, [])))).toBe(true);
    expect(isAppError(await rejection(renderOverlay(greyFrame(), [], { width: 0 })))).toBe(true);
  });
});

describe('helpers', () => {
  test('stageColour is deterministic and spreads names over the palette', () => {
    expect(stageColour('ocr')).toBe(stageColour('ocr'));
    expect(stageColour('ocr')).toMatch(/^#[0-9a-f]{6}$/);
    expect(new Set(['ocr', 'brands', 'pitch', 'edges', 'scenes', 'faces'].map(stageColour)).size).toBeGreaterThan(2);
  });

  test('escapeXml drops control characters and lone surrogates, cuts long text', () => {
    expect(escapeXml('a\u0001b\u007f\u0085c\ud800d')).toBe('abcd');
    expect(escapeXml('😀 ok')).toBe('😀 ok');
    expect(escapeXml('x'.repeat(100))).toBe(`${'x'.repeat(60)}…`);
  });

  test('maskTint scales the mask nearest-neighbour', () => {
    const tint = maskTint({ width: 2, height: 1, data: new Uint8Array([0, 255]) }, { width: 4, height: 2 }, '#102030');
    const alpha = Math.round(MASK_ALPHA * 255);
    expect([...tint.subarray(0, 16)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 16, 32, 48, alpha, 16, 32, 48, alpha]);
  });
});
