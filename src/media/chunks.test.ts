import { describe, expect, test } from 'bun:test';
import { chunkCount, planTimeChunks } from './chunks.ts';

const every = (step: number, until: number) => Array.from({ length: Math.floor(until / step) + 1 }, (_, i) => i * step);
const base = { workers: 2, minChunkSeconds: 12, maxChunkSeconds: 60 };

describe('planTimeChunks', () => {
  test('a short input is one chunk', () => {
    expect(planTimeChunks({ ...base, duration: 5.055, keyframes: every(2, 5) })).toEqual([{ n: 0, start: 0, end: 5.055 }]);
    expect(planTimeChunks({ ...base, duration: 17.064, keyframes: every(2, 17) })).toEqual([{ n: 0, start: 0, end: 17.064 }]);
  });

  test('a 30 s clip with 2 s keyframes splits into one chunk per worker on a keyframe', () => {
    expect(planTimeChunks({ ...base, duration: 30, keyframes: every(2, 30) })).toEqual([
      { n: 0, start: 0, end: 14 },
      { n: 1, start: 14, end: 30 },
    ]);
  });

  test('boundaries are keyframes, chunks are contiguous and cover the whole input', () => {
    const keyframes = every(2.5, 362);
    const chunks = planTimeChunks({ ...base, duration: 362.767, keyframes });
    expect(chunks.length).toBe(8); // 2 workers x 4 rounds of at most 60 s
    expect(chunks[0]!.start).toBe(0);
    expect(chunks.at(-1)!.end).toBe(362.767);
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i]!.start).toBe(chunks[i - 1]!.end);
      expect(keyframes).toContain(chunks[i]!.start);
      expect(chunks[i]!.n).toBe(i);
    }
  });

  test('no keyframes (audio) or sparse keyframes give fewer chunks, never an empty one', () => {
    expect(planTimeChunks({ ...base, duration: 300, keyframes: [] })).toHaveLength(1);
    const sparse = planTimeChunks({ ...base, duration: 120, keyframes: [0, 100] });
    expect(sparse).toEqual([
      { n: 0, start: 0, end: 100 },
      { n: 1, start: 100, end: 120 },
    ]);
  });

  test('chunkCount: whole rounds of the pool, bounded by the shortest useful chunk', () => {
    expect(chunkCount({ ...base, duration: 30 })).toBe(2);
    expect(chunkCount({ ...base, duration: 30, workers: 8 })).toBe(2);
    expect(chunkCount({ ...base, duration: 3600, workers: 4 })).toBe(60);
    expect(chunkCount({ ...base, duration: 0 })).toBe(1);
  });
});
