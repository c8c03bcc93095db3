/**
 * I420 (8-bit YUV 4:2:0, limited range) to packed RGB24, as extraction uses
 * it: ffmpeg hands over I420 frames, half the bytes of RGB24 through the
 * pipe and no colour conversion on its busiest thread, and MPR converts them
 * here (WebAssembly SIMD, src/cv/i420.wat, about 0.6 ms for a 720p frame).
 *
 * The colours are what ffmpeg's own conversion gives: the matrix the video
 * is tagged with (as libswscale picks it: BT.601 when untagged), limited
 * range in (extract.ts asks ffmpeg for `out_range=tv`), each 2x2 block
 * sharing its chroma sample. The arithmetic is fixed point and the same in
 * the WebAssembly and in `i420ToRgbScalar` (the reference, and what converts
 * the columns past the last whole 16 of a row): within one level of the
 * exact formula.
 */
import { AppError } from '../errors.ts';
import { base64 } from './i420-wasm.ts';

/** The YUV→RGB matrices libswscale knows, by the names ffprobe gives a stream's `color_space`. */
export type YuvMatrix = 'bt601' | 'bt709' | 'bt2020' | 'smpte240m' | 'fcc';

/** Pure: the matrix for ffprobe's `color_space` (libswscale's sws_getCoefficients: anything else is BT.601). */
export const matrixOf = (colorSpace: string | null | undefined): YuvMatrix => {
  switch (colorSpace) {
    case 'bt709':
      return 'bt709';
    case 'bt2020nc':
    case 'bt2020c':
      return 'bt2020';
    case 'smpte240m':
      return 'smpte240m';
    case 'fcc':
      return 'fcc';
    default:
      return 'bt601'; // bt470bg, smpte170m, unknown, absent
  }
};

/** Kr and Kb of each matrix (Kg = 1 - Kr - Kb). */
export const LUMA_WEIGHTS: Readonly<Record<YuvMatrix, readonly [number, number]>> = {
  bt601: [0.299, 0.114],
  bt709: [0.2126, 0.0722],
  bt2020: [0.2627, 0.0593],
  smpte240m: [0.212, 0.087],
  fcc: [0.3, 0.11],
};

/** Q15 coefficients scaled by 1/16: with inputs shifted left by 7, products come out in eighths of a level. */
export interface YuvCoefficients {
  cy: number;
  crv: number;
  cgu: number;
  cgv: number;
  cbu: number;
}

/** Pure: the limited-range coefficients of a matrix. */
export const coefficientsOf = (m: YuvMatrix): YuvCoefficients => {
  const [kr, kb] = LUMA_WEIGHTS[m];
  const kg = 1 - kr - kb;
  const ys = 255 / 219;
  const cs = 255 / 224;
  const q = (x: number) => Math.round(x * 2048);
  return {
    cy: q(ys),
    crv: q(2 * (1 - kr) * cs),
    cgu: q(((-2 * kb * (1 - kb)) / kg) * cs),
    cgv: q(((-2 * kr * (1 - kr)) / kg) * cs),
    cbu: q(2 * (1 - kb) * cs),
  };
};

const sat16 = (x: number) => Math.max(-32768, Math.min(32767, x));
/** WebAssembly's i16x8.q15mulr_sat_s on one lane. */
const q15 = (a: number, b: number) => sat16((a * b + 0x4000) >> 15);
const channel = (y: number, c: number) => {
  return Math.max(0, Math.min(255, sat16(sat16(y + c) + 4) >> 3));
};

/** Bytes of an I420 frame of w×h (both even). */
export const i420Bytes = (width: number, height: number): number => width * height + 2 * (width >> 1) * (height >> 1);

/**
 * Pure: converts columns [fromCol, width) of every row of the I420 frame in
 * `src` into packed RGB24 in `dst`, with exactly the WebAssembly's arithmetic.
 */
export const i420ToRgbScalar = (src: Uint8Array, dst: Uint8Array, width: number, height: number, c: YuvCoefficients, fromCol = 0): void => {
  const cw = width >> 1;
  const uo = width * height;
  const vo = uo + cw * (height >> 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const crow = (y >> 1) * cw;
    for (let x = fromCol; x < width; x++) {
      const yv = q15((src[row + x]! - 16) << 7, c.cy);
      const u = (src[uo + crow + (x >> 1)]! - 128) << 7;
      const v = (src[vo + crow + (x >> 1)]! - 128) << 7;
      const o = (row + x) * 3;
      dst[o] = channel(yv, q15(v, c.crv));
      dst[o + 1] = channel(yv, sat16(q15(u, c.cgu) + q15(v, c.cgv)));
      dst[o + 2] = channel(yv, q15(u, c.cbu));
    }
  }
};

type I420Exports = {
  memory: WebAssembly.Memory;
  i420_rgb24(y: number, u: number, v: number, dst: number, w: number, h: number, ...c: number[]): void;
};

let compiled: WebAssembly.Module | null | undefined;
/** The compiled module, null where this runtime has no WebAssembly SIMD (compiled once per thread). */
const wasmModule = (): WebAssembly.Module | null => {
  if (compiled !== undefined) return compiled;
  try {
    compiled = new WebAssembly.Module(Buffer.from(base64, 'base64'));
  } catch {
    compiled = null;
  }
  return compiled;
};

/** Whether frames can be converted here (WebAssembly SIMD); extract.ts asks ffmpeg for RGB24 where not. */
export const i420Supported = (): boolean => wasmModule() !== null;

export interface I420Converter {
  readonly width: number;
  readonly height: number;
  /** Where the next I420 frame goes (i420Bytes long): fill it, then call toRgb. */
  readonly input: Uint8Array;
  /** Converts `input` into `into` (width × height × 3 bytes). */
  toRgb(into: Uint8Array): void;
}

const PAGE = 65536;

/** A converter for frames of one size and matrix (its own memory). Throws AppError 'unavailable' without WebAssembly SIMD (see i420Supported). */
export const createI420Converter = (width: number, height: number, matrix: YuvMatrix): I420Converter => {
  if (!(width >= 2 && height >= 2 && width % 2 === 0 && height % 2 === 0)) throw new RangeError(`I420 frames need even sides, got ${width}x${height}`);
  const mod = wasmModule();
  if (!mod) throw new AppError('unavailable', 'this runtime cannot convert I420 frames (no WebAssembly SIMD)');
  const ex = new WebAssembly.Instance(mod, {}).exports as unknown as I420Exports;
  const inBytes = i420Bytes(width, height);
  const outAt = Math.ceil(inBytes / 16) * 16;
  const rgbBytes = width * height * 3;
  const need = Math.ceil((outAt + rgbBytes) / PAGE) - ex.memory.buffer.byteLength / PAGE;
  if (need > 0) ex.memory.grow(need);
  const input = new Uint8Array(ex.memory.buffer, 0, inBytes);
  const output = new Uint8Array(ex.memory.buffer, outAt, rgbBytes);
  const c = coefficientsOf(matrix);
  const whole = (width >> 4) << 4;
  const uAt = width * height;
  const vAt = uAt + (width >> 1) * (height >> 1);
  return {
    width,
    height,
    input,
    toRgb(into) {
      if (into.byteLength !== rgbBytes) throw new RangeError(`an RGB24 frame of ${width}x${height} is ${rgbBytes} bytes, got ${into.byteLength}`);
      ex.i420_rgb24(0, uAt, vAt, outAt, width, height, c.cy, c.crv, c.cgu, c.cgv, c.cbu);
      into.set(output);
      if (whole < width) i420ToRgbScalar(input, into, width, height, c, whole);
    },
  };
};
