/** The engine's pure helpers: region crops, region detection width, de-duplication. No model. */
import { describe, expect, test } from 'bun:test';
import { cropFrame, dedupeBoxes, regionDetWidth } from './engine.ts';

describe('cropFrame', () => {
  const frame = { width: 4, height: 3, data: Uint8Array.from({ length: 36 }, (_, i) => i) };

  test('copies the pixels inside the box, row by row', () => {
    const c = cropFrame(frame, { x: 1, y: 1, w: 2, h: 2 })!;
    expect(c.width).toBe(2);
    expect(c.height).toBe(2);
    expect([...c.data]).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
  });

  test('clips to the frame; a box outside it gives null', () => {
    expect(cropFrame(frame, { x: -5, y: 2, w: 100, h: 100 })).toMatchObject({ width: 4, height: 1 });
    expect(cropFrame(frame, { x: 10, y: 0, w: 5, h: 5 })).toBeNull();
    expect(cropFrame(frame, { x: 1, y: 1, w: 0, h: 2 })).toBeNull();
  });
});

describe('regionDetWidth', () => {
  test('its own width in multiples of 32, from 128 up to detWidth', () => {
    expect(regionDetWidth(300, 640)).toBe(320);
    expect(regionDetWidth(40, 640)).toBe(128);
    expect(regionDetWidth(1200, 640)).toBe(640);
  });
});

describe('dedupeBoxes', () => {
  test('keeps the larger of two boxes overlapping by more than half, and both of two that barely touch', () => {
    const big = { x: 0, y: 0, w: 100, h: 20 };
    const same = { x: 2, y: 1, w: 96, h: 18 };
    const apart = { x: 90, y: 0, w: 100, h: 20 };
    expect(dedupeBoxes([same, big, apart])).toEqual([big, apart]);
  });
});
