/**
 * Text recognition with PP-OCR's SVTR/CTC model: each box is cut from the
 * full-resolution frame, resized to 48 px high keeping its aspect, and crops
 * of similar width are run as one batch, padded on the right (zeros after
 * normalising, as PaddleOCR pads). The model gives, per 8 px column, a
 * probability for every dictionary character plus the CTC blank; greedy
 * decoding keeps the best class per column, merges repeats and drops blanks.
 *
 * The dictionary file lists the characters only: the model's class 0 is the
 * blank and its last class is a space, so both are added around the file's
 * lines (without them every character comes out shifted by one).
 */
import { type InferenceSession, Tensor } from 'onnxruntime-node';
import { AppError } from '../../errors.ts';
import type { Box, RgbFrame } from '../frame.ts';
import { axisTaps, normOf, resampleInto, reversedTaps } from './resample.ts';

export const REC_HEIGHT = 48;

export interface RecOptions {
  /** Most crops in one model run. */
  batch: number;
  /**
   * Batches are padded to at least this width. PaddleOCR pads to 320, but the
   * cost grows with the width and short words read as well or better
   * unpadded (measured on the corpus), so only a little.
   */
  minWidth: number;
  /** A longer line is squeezed to this width. */
  maxWidth: number;
  /** A box this many times taller than wide is read turned a quarter counter-clockwise, as PaddleOCR does; 0 never turns. */
  rotateTall: number;
}

export const REC_DEFAULTS: Readonly<RecOptions> = Object.freeze({ batch: 6, minWidth: 32, maxWidth: 1600, rotateTall: 1.5 });

export interface Recognised {
  text: string;
  /** The mean of the kept characters' probabilities; 0 when nothing was read. */
  confidence: number;
}

/** Pure: the model's classes from the dictionary file: blank, the file's lines, a space. */
export const loadDictionary = (text: string): string[] => {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines.at(-1) === '') lines.pop();
  return ['', ...lines, ' '];
};

/**
 * Pure: greedy CTC decoding of one crop's `steps` × `classes` probabilities
 * starting at `offset`: the best class per step, repeats merged, blanks (0)
 * dropped.
 */
export const ctcGreedy = (probs: ArrayLike<number>, offset: number, steps: number, classes: number, dict: readonly string[]): Recognised => {
  let text = '';
  let sum = 0;
  let kept = 0;
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    const at = offset + t * classes;
    let best = 0;
    let bestP = probs[at]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[at + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      text += dict[best] ?? '';
      sum += bestP;
      kept++;
    }
    prev = best;
  }
  return { text, confidence: kept > 0 ? sum / kept : 0 };
};

/** How a box is read: turned or not, and the width its crop gets at 48 px high. */
export interface CropPlan {
  box: Box;
  turned: boolean;
  width: number;
}

/** Pure: each box's crop width at 48 px high and whether it is turned; boxes under 2 px either way get width 0 (not read). */
export const planCrops = (boxes: readonly Box[], o: RecOptions): CropPlan[] =>
  boxes.map((box) => {
    if (box.w < 2 || box.h < 2) return { box, turned: false, width: 0 };
    const turned = o.rotateTall > 0 && box.h >= o.rotateTall * box.w;
    const ratio = turned ? box.h / box.w : box.w / box.h;
    return { box, turned, width: Math.max(8, Math.min(o.maxWidth, Math.ceil(REC_HEIGHT * ratio))) };
  });

/**
 * Pure: indices of the readable crops in batches of at most `batch`,
 * narrowest first. A batch is padded to its widest crop and the model's cost
 * grows with the width, so a crop more than `spread` times the batch's
 * narrowest starts a new batch.
 */
export const batchesOf = (plans: readonly CropPlan[], batch: number, spread = 1.25): number[][] => {
  const order = plans
    .map((p, i) => ({ i, w: p.width }))
    .filter((p) => p.w > 0)
    .sort((a, b) => a.w - b.w);
  const out: number[][] = [];
  let current: number[] = [];
  let narrowest = 0;
  for (const { i, w } of order) {
    if (current.length === batch || (current.length > 0 && w > narrowest * spread)) {
      out.push(current);
      current = [];
    }
    if (current.length === 0) narrowest = w;
    current.push(i);
  }
  if (current.length > 0) out.push(current);
  return out;
};

// (byte / 255 - 0.5) / 0.5 on BGR planes.
const REC_NORM = normOf([2, 1, 0], [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);

/** Pure: the batch's 3 × 48 × padWidth input, each crop resampled from the frame at its left edge. */
export const recTensorData = (frame: RgbFrame, plans: readonly CropPlan[], padWidth: number): Float32Array => {
  const plane = REC_HEIGHT * padWidth;
  const out = new Float32Array(plans.length * 3 * plane);
  plans.forEach((p, n) => {
    const { box } = p;
    const target = { out, offset: n * 3 * plane, plane, stride: padWidth };
    if (p.turned) {
      // Rows run right to left along the box's x axis, columns down its y axis: numpy's rot90 of the crop.
      const rows = reversedTaps(axisTaps(box.x, box.w, REC_HEIGHT, frame.width));
      const cols = axisTaps(box.y, box.h, p.width, frame.height);
      resampleInto(frame, rows, cols, true, REC_NORM, target);
    } else {
      const rows = axisTaps(box.y, box.h, REC_HEIGHT, frame.height);
      const cols = axisTaps(box.x, box.w, p.width, frame.width);
      resampleInto(frame, rows, cols, false, REC_NORM, target);
    }
  });
  return out;
};

/** The text of each box (same order); unreadable boxes get '' with confidence 0. */
export const recognize = async (
  session: InferenceSession,
  dict: readonly string[],
  frame: RgbFrame,
  boxes: readonly Box[],
  o: RecOptions,
): Promise<Recognised[]> => {
  const plans = planCrops(boxes, o);
  const results: Recognised[] = boxes.map(() => ({ text: '', confidence: 0 }));
  for (const batch of batchesOf(plans, o.batch)) {
    const members = batch.map((i) => plans[i]!);
    const widest = Math.max(...members.map((p) => p.width));
    const padWidth = Math.max(o.minWidth, Math.ceil(widest / 8) * 8);
    const input = new Tensor('float32', recTensorData(frame, members, padWidth), [members.length, 3, REC_HEIGHT, padWidth]);
    const out = await session.run({ [session.inputNames[0]!]: input });
    const probs = out[session.outputNames[0]!]!;
    try {
      const [n, steps, classes] = probs.dims as number[];
      if (n !== members.length || steps === undefined || classes === undefined) {
        throw new AppError('corrupt', `the text recogniser returned shape [${probs.dims.join(', ')}] for ${members.length} crops`);
      }
      if (classes !== dict.length) {
        throw new AppError('corrupt', `the text recogniser has ${classes} classes but the dictionary gives ${dict.length}: wrong dictionary for this model`);
      }
      const data = probs.data as Float32Array;
      batch.forEach((i, k) => {
        results[i] = ctcGreedy(data, k * steps * classes, steps, classes, dict);
      });
    } finally {
      probs.dispose();
    }
  }
  return results;
};
