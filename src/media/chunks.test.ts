import { describe, expect, test } from 'bun:test';
import { chunkCount, planFrameChunks } from './chunks.ts';
import { fpsFraction } from './frame-grid.ts';

const base = { workers: 2, minChunkSeconds: 12, maxChunkSeconds: 60, fps: fpsFraction(30), segmentFrames: 180, capLast: false };
const plan = (duration: number, over: Partial<typeof base> = {}) => {
  const fps = over.fps ?? base.fps;
  return planFrameChunks({ ...base, ...over, duration, totalFrames: Math.round((duration * fps.num) / fps.den) });
};

describe('planFrameChunks', () => {
  test('a short input is one chunk that reads to the end', () => {
    expect(plan(5.055)).toEqual([{ n: 0, startFrame: 0, frames: null, start: 0, end: 5.055 }]);
    expect(plan(17.064)).toEqual([{ n: 0, startFrame: 0, frames: null, start: 0, end: 17.064 }]);
  });

  test('a 30 s clip splits into one chunk per worker on a segment boundary', () => {
    expect(plan(30)).toEqual([
      { n: 0, startFrame: 0, frames: 540, start: 0, end: 18 },
      { n: 1, startFrame: 540, frames: null, start: 18, end: 30 },
    ]);
  });

  test('inner boundaries are whole segments, chunks are contiguous and cover every frame', () => {
    const chunks = plan(362.767);
    expect(chunks.length).toBe(8); // 2 workers x 4 rounds of at most 60 s
    expect(chunks[0]!.startFrame).toBe(0);
    expect(chunks.at(-1)!.end).toBe(362.767);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1]!;
      expect(chunks[i]!.startFrame).toBe(prev.startFrame + prev.frames!);
      expect(chunks[i]!.startFrame % 180).toBe(0);
      expect(chunks[i]!.start).toBe(prev.end);
    }
    expect(chunks.at(-1)!.frames).toBeNull();
  });

  test('29.97 fps: boundaries are frame numbers, seconds follow from the exact rational', () => {
    const chunks = plan(60, { fps: fpsFraction(29.97), segmentFrames: 180 });
    expect(chunks.map((c) => c.startFrame)).toEqual([0, 900]);
    expect(chunks[1]!.start).toBe(30.03); // 900 × 1001/30000
  });

  test('a capped plan (a trimmed range) gives the last chunk its frame count', () => {
    const chunks = plan(30, { capLast: true });
    expect(chunks.at(-1)).toEqual({ n: 1, startFrame: 540, frames: 360, start: 18, end: 30 });
  });

  test('segments longer than half the input leave one chunk, never an empty one', () => {
    expect(plan(40, { segmentFrames: 900 })).toHaveLength(1);
  });
});

describe('chunkCount', () => {
  test('chunkCount: whole rounds of the pool, bounded by the shortest useful chunk', () => {
    expect(chunkCount({ ...base, duration: 30 })).toBe(2);
    expect(chunkCount({ ...base, duration: 30, workers: 8 })).toBe(2);
    expect(chunkCount({ ...base, duration: 3600, workers: 4 })).toBe(60);
    expect(chunkCount({ ...base, duration: 0 })).toBe(1);
  });
});
