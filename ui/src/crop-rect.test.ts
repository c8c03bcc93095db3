import { describe, expect, test } from 'bun:test';
import { canvasSize, isSelection, rectBetween, toCanvas, toImage } from './crop-rect.ts';

describe('crop geometry', () => {
  test('a large image is drawn at most 2048 px on its long side; a small one as it is', () => {
    expect(canvasSize(6000, 3000)).toEqual({ width: 2048, height: 1024, scale: 2048 / 6000 });
    expect(canvasSize(400, 200)).toEqual({ width: 400, height: 200, scale: 1 });
  });

  test('client points map to canvas pixels through the CSS scaling', () => {
    expect(toCanvas(150, 60, { left: 50, top: 10, width: 200, height: 100 }, { width: 400, height: 200 })).toEqual({ x: 200, y: 100 });
  });

  test('a drag in any direction gives a rectangle inside the canvas', () => {
    expect(rectBetween({ x: 300, y: 150 }, { x: 100, y: -20 }, { width: 400, height: 200 })).toEqual({ x: 100, y: 0, w: 200, h: 150 });
    expect(rectBetween({ x: 350, y: 10 }, { x: 900, y: 50 }, { width: 400, height: 200 })).toEqual({ x: 350, y: 10, w: 50, h: 40 });
  });

  test('in image pixels: scaled back, whole, inside; a tiny drag or none means the whole image', () => {
    expect(toImage({ x: 100.4, y: 0, w: 200, h: 150 }, 0.5, { width: 800, height: 400 })).toEqual({ x: 201, y: 0, w: 400, h: 300 });
    expect(toImage({ x: 390, y: 190, w: 10, h: 10 }, 0.5, { width: 800, height: 400 })).toEqual({ x: 780, y: 380, w: 20, h: 20 });
    expect(toImage({ x: 10, y: 10, w: 2, h: 50 }, 1, { width: 80, height: 40 })).toEqual({ x: 0, y: 0, w: 80, h: 40 });
    expect(toImage(null, 1, { width: 80, height: 40 })).toEqual({ x: 0, y: 0, w: 80, h: 40 });
    expect(isSelection({ x: 0, y: 0, w: 4, h: 4 })).toBe(true);
  });
});
