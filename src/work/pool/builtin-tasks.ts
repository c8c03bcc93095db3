/**
 * The worker module MPR's pool starts with: small frame and byte operations
 * in plain JavaScript that the detection stages build on. The functions are
 * exported too, so they can run in-process (tests, a pool of size 0 at a
 * caller's choice); on the main thread serveTasks declares nothing.
 *
 * Frames are raw bytes, row-major with no row padding: RGB or RGBA
 * (interleaved, 8 bits per channel) or luma (one byte per pixel). Inputs may
 * be an ArrayBuffer or a Uint8Array (any view, offset honoured); transfer the
 * buffers when calling through the pool to avoid a copy.
 */
import { AppError } from '../../errors.ts';
import { serveTasks, withTransfer } from './worker-entry.ts';

/** bun build --compile embeds this module only when it is listed as an entrypoint (see scripts/build.ts). */
export const builtinTasksEntry = new URL('./builtin-tasks.ts', import.meta.url);

export type Bytes = ArrayBuffer | Uint8Array;

const bytesOf = (what: string, b: Bytes): Uint8Array => {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  throw new AppError('validation', `${what} must be an ArrayBuffer or a Uint8Array`);
};

const checkSize = (width: number, height: number): number => {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new AppError('validation', `frame size must be whole numbers from 1, got ${width}x${height}`);
  }
  return width * height;
};

/** Hex SHA-256 of the bytes. */
export const sha256 = (input: Bytes): string => new Bun.CryptoHasher('sha256').update(bytesOf('sha256 input', input)).digest('hex');

export interface RgbFrame {
  /** width*height*3 bytes (RGB) or width*height*4 (RGBA; alpha ignored). */
  data: Bytes;
  width: number;
  height: number;
}

/**
 * Luma of an RGB(A) frame, one byte per pixel: BT.601 weights
 * (0.299 R + 0.587 G + 0.114 B), rounded to the nearest integer, the same
 * weights OpenCV's RGB2GRAY uses.
 */
export const grayscale = (frame: RgbFrame): Uint8Array => {
  const pixels = checkSize(frame.width, frame.height);
  const src = bytesOf('grayscale data', frame.data);
  const channels = src.length === pixels * 3 ? 3 : src.length === pixels * 4 ? 4 : 0;
  if (channels === 0) {
    throw new AppError('validation', `a ${frame.width}x${frame.height} RGB frame has ${pixels * 3} bytes (RGBA ${pixels * 4}), got ${src.length}`);
  }
  const out = new Uint8Array(pixels);
  for (let i = 0, p = 0; i < pixels; i++, p += channels) {
    out[i] = Math.round(0.299 * src[p]! + 0.587 * src[p + 1]! + 0.114 * src[p + 2]!);
  }
  return out;
};

export interface FramePair {
  /** Two luma frames of the same size. */
  a: Bytes;
  b: Bytes;
}

/** Mean absolute difference of two equal-size luma frames: 0 (identical) to 255. */
export const frameDiff = ({ a, b }: FramePair): number => {
  const x = bytesOf('frameDiff a', a);
  const y = bytesOf('frameDiff b', b);
  if (x.length !== y.length) throw new AppError('validation', `frameDiff needs frames of equal size, got ${x.length} and ${y.length} bytes`);
  if (x.length === 0) throw new AppError('validation', 'frameDiff needs frames of at least one pixel');
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]! - y[i]!);
  return sum / x.length;
};

export const builtinTasks = serveTasks({
  sha256,
  // The luma frame is new memory only this task holds: move it back, never copy it.
  grayscale: (frame: RgbFrame) => {
    const luma = grayscale(frame);
    return withTransfer(luma, [luma.buffer as ArrayBuffer]);
  },
  frameDiff,
});

export type BuiltinTasks = typeof builtinTasks;
