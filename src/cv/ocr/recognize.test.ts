/** Recognition's pure parts: dictionary, CTC decoding, crop planning and the crop tensor. No model. */
import { describe, expect, test } from 'bun:test';
import type { RgbFrame } from '../frame.ts';
import { batchesOf, ctcGreedy, loadDictionary, planCrops, REC_DEFAULTS, REC_HEIGHT, recTensorData } from './recognize.ts';
import { axisTaps, reversedTaps } from './resample.ts';

const DICT = ['', 'a', 'b', 'c', ' '];

/** One row of probabilities per step: the named class gets p, the rest share what is left. */
const stepsOf = (seq: [number, number][], classes = DICT.length): Float32Array => {
  const out = new Float32Array(seq.length * classes);
  seq.forEach(([cls, p], t) => {
    for (let c = 0; c < classes; c++) out[t * classes + c] = c === cls ? p : (1 - p) / (classes - 1);
  });
  return out;
};

describe('loadDictionary', () => {
  test('blank first, the file lines, a space last: the model has two classes more than the file', () => {
    expect(loadDictionary('a\nb\nc')).toEqual(DICT);
    expect(loadDictionary('a\nb\nc\n')).toEqual(DICT);
    expect(loadDictionary('a\r\nb\r\nc\r\n')).toEqual(DICT);
  });

  test('keeps a line that is itself a space or punctuation', () => {
    expect(loadDictionary("'\n \n.")).toEqual(['', "'", ' ', '.', ' ']);
  });
});

describe('ctcGreedy', () => {
  test('merges repeats, drops blanks, and a blank between repeats keeps both', () => {
    const probs = stepsOf([
      [1, 0.9],
      [1, 0.8],
      [0, 0.9],
      [1, 0.7],
      [2, 0.6],
      [4, 0.9],
      [3, 0.5],
      [0, 0.99],
    ]);
    const r = ctcGreedy(probs, 0, 8, DICT.length, DICT);
    expect(r.text).toBe('aab c');
    // Mean of the kept characters' probabilities: the first of each run.
    expect(r.confidence).toBeCloseTo((0.9 + 0.7 + 0.6 + 0.9 + 0.5) / 5, 5);
  });

  test('reads from an offset (the k-th crop of a batch)', () => {
    const first = stepsOf([
      [1, 0.9],
      [0, 0.9],
    ]);
    const second = stepsOf([
      [3, 0.8],
      [2, 0.8],
    ]);
    const both = new Float32Array([...first, ...second]);
    expect(ctcGreedy(both, 2 * DICT.length, 2, DICT.length, DICT).text).toBe('cb');
  });

  test('all blank reads nothing with confidence 0', () => {
    expect(ctcGreedy(stepsOf([[0, 0.9]]), 0, 1, DICT.length, DICT)).toEqual({ text: '', confidence: 0 });
  });
});

describe('planCrops and batchesOf', () => {
  test('48 px high keeping the aspect; tall boxes turn; narrow or flat ones are skipped', () => {
    const plans = planCrops(
      [
        { x: 0, y: 0, w: 200, h: 24 },
        { x: 0, y: 0, w: 20, h: 40 },
        { x: 0, y: 0, w: 20, h: 20 },
        { x: 0, y: 0, w: 1, h: 20 },
        { x: 0, y: 0, w: 10000, h: 10 },
      ],
      REC_DEFAULTS,
    );
    expect(plans.map((p) => [p.turned, p.width])).toEqual([
      [false, 400],
      [true, 96],
      [false, 48],
      [false, 0],
      [false, REC_DEFAULTS.maxWidth],
    ]);
    expect(planCrops([{ x: 0, y: 0, w: 20, h: 40 }], { ...REC_DEFAULTS, rotateTall: 0 })[0]).toMatchObject({ turned: false, width: 24 });
  });

  test('batches hold crops of similar width, narrowest first, unreadable ones left out', () => {
    const plans = [300, 40, 0, 200, 50, 45, 240].map((width) => ({ box: { x: 0, y: 0, w: 1, h: 1 }, turned: false, width }));
    // At most 2 a batch; 200 is over 1.25 × 50, so it opens a batch; 240 joins it; 300 is over 1.25 × 200.
    expect(batchesOf(plans, 2)).toEqual([[1, 5], [4], [3, 6], [0]]);
    expect(batchesOf(plans, 6, Infinity)).toEqual([[1, 5, 4, 3, 6, 0]]);
  });
});

describe('axisTaps', () => {
  test('weights sum to one whether shrinking, growing or keeping the size', () => {
    for (const [len, n] of [
      [1280, 640],
      [1920, 640],
      [100, 333],
      [7, 7],
      [13.5, 4],
    ] as const) {
      const t = axisTaps(0.25, len, n, 2000);
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < t.k; j++) sum += t.w[i * t.k + j]!;
        expect(sum).toBeCloseTo(1, 5);
      }
    }
  });

  test('the same size maps each output to its own pixel; indices stay inside the axis', () => {
    const same = axisTaps(0, 5, 5, 5);
    for (let i = 0; i < 5; i++) expect(same.idx[i * 2]! + same.w[i * 2 + 1]!).toBeCloseTo(i, 5);
    const edge = axisTaps(-10, 30, 7, 12);
    expect(Math.min(...edge.idx)).toBe(0);
    expect(Math.max(...edge.idx)).toBe(11);
  });

  test('reversedTaps mirrors the output order', () => {
    const t = axisTaps(0, 4, 2, 4);
    const r = reversedTaps(t);
    expect([...r.idx]).toEqual([...t.idx.subarray(t.k), ...t.idx.subarray(0, t.k)]);
  });
});

describe('recTensorData', () => {
  // An 8×4 frame: the left half white, the right half black.
  const frame: RgbFrame = { width: 8, height: 4, data: new Uint8Array(8 * 4 * 3) };
  for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) frame.data.fill(255, (y * 8 + x) * 3, (y * 8 + x) * 3 + 3);
  const box = { x: 0, y: 0, w: 8, h: 4 };

  test('the crop sits at the left, normalised to [-1, 1], the padding 0', () => {
    const t = recTensorData(frame, [{ box, turned: false, width: 96 }], 128);
    const at = (c: number, y: number, x: number) => t[c * REC_HEIGHT * 128 + y * 128 + x]!;
    expect(at(0, 10, 5)).toBeCloseTo(1, 5);
    expect(at(2, 40, 90)).toBeCloseTo(-1, 5);
    expect(at(1, 20, 100)).toBe(0);
  });

  test('a turned crop rotates counter-clockwise: the box top becomes the left, its left becomes the bottom', () => {
    const t = recTensorData(frame, [{ box, turned: true, width: 24 }], 32);
    const at = (y: number, x: number) => t[y * 32 + x]!;
    expect(at(REC_HEIGHT - 2, 12)).toBeCloseTo(1, 5); // bottom rows: the white left half
    expect(at(1, 12)).toBeCloseTo(-1, 5); // top rows: the black right half
  });
});
