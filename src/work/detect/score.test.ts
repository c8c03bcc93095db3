import { describe, expect, test } from 'bun:test';
import { scoreClip, scoreClips } from './score.ts';

const iv = (brand: string, start: number, end: number) => ({ brand, start, end });

describe('scoreClip', () => {
  test('a match needs the same brand and both ends within the tolerance', () => {
    const truth = [iv('ZANTORA', 1, 6)];
    expect(scoreClip(truth, [iv('ZANTORA', 1.5, 6.75)]).matched).toBe(1);
    expect(scoreClip(truth, [iv('ZANTORA', 2, 7)]).matched).toBe(1); // exactly 1 s off: within
    expect(scoreClip(truth, [iv('ZANTORA', 2.01, 6)]).matched).toBe(0);
    expect(scoreClip(truth, [iv('ZANTORA', 1, 4)]).matched).toBe(0); // the end is 2 s early
    expect(scoreClip(truth, [iv('QUVELLO', 1, 6)]).matched).toBe(0);
    expect(scoreClip(truth, [iv('zantora', 1, 6)]).matched).toBe(0); // names compare exactly
    expect(scoreClip(truth, [iv('ZANTORA', 2.5, 7.5)], { toleranceSeconds: 2 }).matched).toBe(1);
  });

  test('one-to-one: two predictions cannot both take one truth interval', () => {
    const s = scoreClip([iv('Z', 1, 6)], [iv('Z', 1, 6), iv('Z', 1.2, 6.2)]);
    expect(s).toMatchObject({ truth: 1, predicted: 2, matched: 1, recall: 1, precision: 0.5 });
    expect(s.matches).toEqual([{ truth: 0, predicted: 0 }]);
    expect(s.spurious).toEqual([iv('Z', 1.2, 6.2)]);
  });

  test('the matching is maximal, not greedy', () => {
    // Greedy would give truth 0 its closest (prediction 0) and leave truth 1 nothing.
    const truth = [iv('Z', 1, 5), iv('Z', 1.9, 5.9)];
    const predicted = [iv('Z', 1.5, 5.5), iv('Z', 0.2, 4.2)];
    const s = scoreClip(truth, predicted);
    expect(s.matched).toBe(2);
    expect(s.matches).toEqual([
      { truth: 0, predicted: 1 },
      { truth: 1, predicted: 0 },
    ]);
  });

  test('recall, precision, f1, missed and spurious', () => {
    const truth = [iv('Z', 1, 6), iv('Q', 3, 10), iv('M', 7, 11)];
    const predicted = [iv('Z', 1, 6.25), iv('Q', 3, 10.25), iv('V', 2, 3)];
    const s = scoreClip(truth, predicted);
    expect(s.recall).toBeCloseTo(2 / 3, 10);
    expect(s.precision).toBeCloseTo(2 / 3, 10);
    expect(s.f1).toBeCloseTo(2 / 3, 10);
    expect(s.missed).toEqual([iv('M', 7, 11)]);
    expect(s.spurious).toEqual([iv('V', 2, 3)]);
  });

  test('empty sides', () => {
    expect(scoreClip([], [])).toMatchObject({ recall: 1, precision: 1, f1: 1 });
    expect(scoreClip([iv('Z', 0, 1)], [])).toMatchObject({ recall: 0, precision: 1, f1: 0 });
    expect(scoreClip([], [iv('Z', 0, 1)])).toMatchObject({ recall: 1, precision: 0, f1: 0 });
  });
});

describe('scoreClips', () => {
  test('per clip and overall (pooled counts)', () => {
    const r = scoreClips([
      { name: 'a', truth: [iv('Z', 0, 2), iv('Q', 3, 5)], predicted: [iv('Z', 0, 2)] },
      { name: 'b', truth: [iv('M', 1, 4)], predicted: [iv('M', 1, 4), iv('X', 0, 1)] },
    ]);
    expect(r.clips.map((c) => [c.name, c.recall, c.precision])).toEqual([
      ['a', 0.5, 1],
      ['b', 1, 0.5],
    ]);
    expect(r.overall).toMatchObject({ truth: 3, predicted: 3, matched: 2 });
    expect(r.overall.recall).toBeCloseTo(2 / 3, 10);
  });
});
