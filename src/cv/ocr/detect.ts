/**
 * Text detection with PP-OCR's DB model: the frame goes in at `detWidth`
 * wide, a per-pixel text probability comes out, and text boxes are the
 * connected regions of that map. DB's map marks a shrunk core of each text
 * line, so each region is grown back ("unclipped") by
 * area × unclipRatio / perimeter, as PaddleOCR does, before it is scaled to
 * the full frame. Boxes are axis-aligned (our Box); a tilted line gets the
 * box around it.
 *
 * Everything but `detect` is pure and works on plain arrays, so the
 * post-processing is tested on synthetic maps without a model.
 */
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { AppError } from '../../errors.ts';
import type { Box, RgbFrame } from '../frame.ts';
import { axisTaps, normOf, resampleInto } from './resample.ts';

export { DET_DEFAULTS, type DetOptions } from './options.ts';
import type { DetOptions } from './options.ts';

/** A detection model's output: one probability per pixel of the resized frame. */
export interface ProbMap {
  width: number;
  height: number;
  data: Float32Array;
}

export interface ScoredBox extends Box {
  /** The region's mean text probability. */
  score: number;
}

const round32 = (v: number): number => Math.max(32, Math.round(v / 32) * 32);

/** Pure: the detector's input size for a frame: `detWidth` wide, the frame's aspect, both multiples of 32. */
export const detSize = (width: number, height: number, detWidth: number): { width: number; height: number } => {
  if (!(detWidth >= 32)) throw new AppError('validation', `detWidth must be 32 or more, got ${detWidth}`);
  const w = round32(detWidth);
  return { width: w, height: round32((height * w) / width) };
};

// ImageNet mean and std in PaddleOCR's order, applied to BGR planes as its NormalizeImage does on OpenCV images.
const DET_NORM = normOf([2, 1, 0], [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);

/** Pure: the frame resized to w × h as the detector's normalised 1×3×h×w input. */
export const detTensorData = (frame: RgbFrame, w: number, h: number): Float32Array => {
  const out = new Float32Array(3 * w * h);
  const rows = axisTaps(0, frame.height, h, frame.height);
  const cols = axisTaps(0, frame.width, w, frame.width);
  resampleInto(frame, rows, cols, false, DET_NORM, { out, offset: 0, plane: w * h, stride: w });
  return out;
};

/**
 * Pure: the text regions of a probability map, in map pixels, already grown
 * back. Regions are 8-connected pixels above `binThreshold`; the score is
 * their mean probability.
 */
export const boxesFromMap = (map: ProbMap, o: Omit<DetOptions, 'detWidth'>): ScoredBox[] => {
  const { width: w, height: h, data } = map;
  const seen = new Uint8Array(w * h);
  const stack = new Int32Array(w * h);
  const found: ScoredBox[] = [];
  // The map holds float32s: compare in float32, so a pixel of exactly the threshold is background.
  const bin = Math.fround(o.binThreshold);
  for (let start = 0; start < w * h; start++) {
    if (seen[start] || !(data[start]! > bin)) continue;
    seen[start] = 1;
    let top = 0;
    stack[top++] = start;
    let count = 0;
    let sum = 0;
    let minX = w;
    let minY = h;
    let maxX = -1;
    let maxY = -1;
    while (top > 0) {
      const p = stack[--top]!;
      const x = p % w;
      const y = (p - x) / w;
      count++;
      sum += data[p]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= w) continue;
          const q = ny * w + nx;
          if (seen[q] || !(data[q]! > bin)) continue;
          seen[q] = 1;
          stack[top++] = q;
        }
      }
    }
    const bw = maxX - minX + 1;
    const bh = maxY - minY + 1;
    const score = sum / count;
    if (Math.min(bw, bh) < o.minSize || score < o.boxThreshold) continue;
    const d = (count * o.unclipRatio) / (2 * (bw + bh));
    found.push({ x: minX - d, y: minY - d, w: bw + 2 * d, h: bh + 2 * d, score });
  }
  if (found.length > o.maxCandidates) found.sort((a, b) => b.score - a.score).length = o.maxCandidates;
  return found;
};

/** Pure: boxes in map pixels → whole frame pixels, rounded outwards and clipped to the frame; empty ones dropped. */
export const toFrameBoxes = (boxes: ScoredBox[], map: { width: number; height: number }, frame: { width: number; height: number }): ScoredBox[] => {
  const sx = frame.width / map.width;
  const sy = frame.height / map.height;
  const out: ScoredBox[] = [];
  for (const b of boxes) {
    const x0 = Math.max(0, Math.floor(b.x * sx));
    const y0 = Math.max(0, Math.floor(b.y * sy));
    const x1 = Math.min(frame.width, Math.ceil((b.x + b.w) * sx));
    const y1 = Math.min(frame.height, Math.ceil((b.y + b.h) * sy));
    if (x1 - x0 >= 1 && y1 - y0 >= 1) out.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0, score: b.score });
  }
  return out;
};

/**
 * Pure: reading order, top to bottom, then left to right among boxes on the
 * same line (their vertical centres within half the lower box's height).
 */
export const readingOrder = <B extends Box>(boxes: B[]): B[] => {
  const sorted = [...boxes].sort((a, b) => a.y - b.y || a.x - b.x);
  const sameLine = (a: Box, b: Box) => Math.abs(a.y + a.h / 2 - (b.y + b.h / 2)) < Math.min(a.h, b.h) / 2;
  for (let i = 1; i < sorted.length; i++) {
    for (let j = i; j > 0; j--) {
      const prev = sorted[j - 1]!;
      const cur = sorted[j]!;
      if (!sameLine(prev, cur) || prev.x <= cur.x) break;
      sorted[j - 1] = cur;
      sorted[j] = prev;
    }
  }
  return sorted;
};

/** Throws AppError('validation') unless the frame's bytes match its size. */
export const checkFrame = (frame: RgbFrame): void => {
  const { width, height, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new AppError('validation', `frame size must be whole numbers from 1, got ${width}x${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new AppError('validation', `a ${width}x${height} RGB frame has ${width * height * 3} bytes, got ${data.length}`);
  }
};

/** Text boxes of a frame, in its pixels, with their detection scores. */
export const detect = async (session: InferenceSession, frame: RgbFrame, o: DetOptions): Promise<ScoredBox[]> => {
  checkFrame(frame);
  const size = detSize(frame.width, frame.height, o.detWidth);
  const input = new Tensor('float32', detTensorData(frame, size.width, size.height), [1, 3, size.height, size.width]);
  const result = await session.run({ [session.inputNames[0]!]: input });
  const prob = result[session.outputNames[0]!]!;
  try {
    const [, , mh, mw] = prob.dims as number[];
    if (mh === undefined || mw === undefined || prob.data.length !== mh * mw) {
      throw new AppError('corrupt', `the text detector returned a map of shape [${prob.dims.join(', ')}], expected [1, 1, h, w]`);
    }
    const map: ProbMap = { width: mw, height: mh, data: prob.data as Float32Array };
    return toFrameBoxes(boxesFromMap(map, o), map, frame);
  } finally {
    prob.dispose();
  }
};
