import { describe, expect, test } from 'bun:test';
import { coefficientsOf, createI420Converter, i420Bytes, i420Supported, i420ToRgbScalar, LUMA_WEIGHTS, matrixOf, type YuvMatrix } from './yuv.ts';

const MATRICES: YuvMatrix[] = ['bt601', 'bt709', 'bt2020', 'smpte240m', 'fcc'];

/** A deterministic I420 frame of noise (every value 0..255 occurs, out-of-range ones included). */
const noise = (w: number, h: number, seed = 1): Uint8Array => {
  const out = new Uint8Array(i420Bytes(w, h));
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
};

/** The textbook limited-range formula in floating point, rounded and clamped. */
const exact = (m: YuvMatrix, y: number, u: number, v: number): [number, number, number] => {
  const [kr, kb] = LUMA_WEIGHTS[m];
  const kg = 1 - kr - kb;
  const Y = ((y - 16) * 255) / 219;
  const U = ((u - 128) * 255) / 224;
  const V = ((v - 128) * 255) / 224;
  const c = (x: number) => Math.max(0, Math.min(255, Math.round(x)));
  return [c(Y + 2 * (1 - kr) * V), c(Y - ((2 * kb * (1 - kb)) / kg) * U - ((2 * kr * (1 - kr)) / kg) * V), c(Y + 2 * (1 - kb) * U)];
};

const solid = (w: number, h: number, y: number, u: number, v: number): Uint8Array => {
  const f = new Uint8Array(i420Bytes(w, h));
  f.fill(y, 0, w * h);
  f.fill(u, w * h, w * h + (w / 2) * (h / 2));
  f.fill(v, w * h + (w / 2) * (h / 2));
  return f;
};

describe('matrixOf', () => {
  test('follows libswscale: tagged BT.709 and BT.2020 are theirs, everything else (untagged too) is BT.601', () => {
    expect(matrixOf('bt709')).toBe('bt709');
    expect(matrixOf('bt2020nc')).toBe('bt2020');
    expect(matrixOf('bt2020c')).toBe('bt2020');
    expect(matrixOf('smpte240m')).toBe('smpte240m');
    expect(matrixOf('fcc')).toBe('fcc');
    for (const s of ['bt470bg', 'smpte170m', 'unknown', 'reserved', undefined, null]) expect(matrixOf(s)).toBe('bt601');
  });
});

describe('i420ToRgbScalar', () => {
  test('is within one level of the exact formula for every matrix, over all inputs', () => {
    for (const m of MATRICES) {
      const c = coefficientsOf(m);
      const frame = new Uint8Array(i420Bytes(2, 2));
      const rgb = new Uint8Array(12);
      let worst = 0;
      for (let y = 0; y < 256; y += 3)
        for (let u = 0; u < 256; u += 5)
          for (let v = 0; v < 256; v += 5) {
            frame.set([y, y, y, y, u, v]);
            i420ToRgbScalar(frame, rgb, 2, 2, c);
            const want = exact(m, y, u, v);
            for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(rgb[k]! - want[k]!));
          }
      expect(worst).toBeLessThanOrEqual(1);
    }
  });

  test('video black and white are 0 and 255; BT.709 red is red', () => {
    const c601 = coefficientsOf('bt601');
    const rgb = new Uint8Array(12);
    i420ToRgbScalar(solid(2, 2, 16, 128, 128), rgb, 2, 2, c601);
    expect([...rgb.subarray(0, 3)]).toEqual([0, 0, 0]);
    i420ToRgbScalar(solid(2, 2, 235, 128, 128), rgb, 2, 2, c601);
    expect([...rgb.subarray(0, 3)]).toEqual([255, 255, 255]);
    i420ToRgbScalar(solid(2, 2, 63, 102, 240), rgb, 2, 2, coefficientsOf('bt709'));
    const [r, g, b] = rgb;
    expect(r).toBeGreaterThanOrEqual(253);
    expect(g).toBeLessThanOrEqual(2);
    expect(b).toBeLessThanOrEqual(2);
  });

  test('a 2x2 block shares its chroma sample; rows and columns land where they belong', () => {
    const w = 4;
    const h = 2;
    const f = solid(w, h, 128, 128, 128);
    f[w * h + 1] = 255; // U of the right-hand block: bluer there
    f[0] = 16; // the top-left pixel's luma: darker
    const rgb = new Uint8Array(w * h * 3);
    i420ToRgbScalar(f, rgb, w, h, coefficientsOf('bt601'));
    const px = (x: number, y: number) => [...rgb.subarray((y * w + x) * 3, (y * w + x) * 3 + 3)];
    expect(px(0, 0)).toEqual([0, 0, 0]);
    expect(px(1, 0)).toEqual(px(0, 1));
    expect(px(2, 0)).toEqual(px(3, 1));
    expect(px(2, 0)[2]!).toBeGreaterThan(px(1, 0)[2]! + 100);
  });
});

describe('createI420Converter', () => {
  test('this runtime has WebAssembly SIMD', () => {
    expect(i420Supported()).toBe(true);
  });

  test('gives exactly the scalar arithmetic, whole rows of 16 and the columns past them', () => {
    for (const [w, h] of [
      [1280, 720],
      [1288, 724],
      [16, 2],
      [18, 4],
      [2, 2],
      [962, 542],
    ] as const) {
      for (const m of ['bt601', 'bt709'] as const) {
        const conv = createI420Converter(w, h, m);
        const src = noise(w, h, w * h);
        conv.input.set(src);
        const got = new Uint8Array(w * h * 3);
        conv.toRgb(got);
        const want = new Uint8Array(w * h * 3);
        i420ToRgbScalar(src, want, w, h, coefficientsOf(m));
        const firstDiff = got.findIndex((b, i) => b !== want[i]);
        expect({ w, h, m, firstDiff }).toEqual({ w, h, m, firstDiff: -1 });
      }
    }
  });

  test('converts frame after frame with the same memory; refuses odd sizes and a wrong output size', () => {
    const conv = createI420Converter(32, 4, 'bt601');
    const out = new Uint8Array(32 * 4 * 3);
    conv.input.set(solid(32, 4, 235, 128, 128));
    conv.toRgb(out);
    expect(out.every((b) => b === 255)).toBe(true);
    conv.input.set(solid(32, 4, 16, 128, 128));
    conv.toRgb(out);
    expect(out.every((b) => b === 0)).toBe(true);
    expect(() => conv.toRgb(new Uint8Array(10))).toThrow(/384 bytes/);
    expect(() => createI420Converter(33, 4, 'bt601')).toThrow(/even sides/);
  });
});
