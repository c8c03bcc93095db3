import { describe, expect, test } from 'bun:test';
import { appendInOrder, chunkOfStream, createDedupe, jobOfStream, matchesText, mergeNewestFirst, streamKind } from './live.ts';
import type { StoredEvent } from './types.ts';

const ev = (position: number, stream = 'job:j1', type = 'JobPlanned', data: unknown = {}): StoredEvent => ({
  stream,
  version: position,
  position,
  type,
  data,
  meta: { at: '2026-01-01T00:00:00Z', actor: 'api', causationId: null, correlationId: null },
});

describe('SSE dedupe and merge', () => {
  test('dedupe keeps the highest position and drops anything at or below it', () => {
    const d = createDedupe();
    expect([1, 2, 2, 1, 3, 5, 4, 6].filter((p) => d.accept(p))).toEqual([1, 2, 3, 5, 6]);
    expect(d.high()).toBe(6);
    d.raise(10);
    expect(d.accept(9)).toBe(false);
    expect(d.accept(11)).toBe(true);
  });
  test('newest-first merge: no duplicates, ordered, capped', () => {
    let list: StoredEvent[] = [];
    list = mergeNewestFirst(list, [ev(1), ev(2)], 3);
    expect(list.map((e) => e.position)).toEqual([2, 1]);
    list = mergeNewestFirst(list, [ev(2), ev(4), ev(3)], 3);
    expect(list.map((e) => e.position)).toEqual([4, 3, 2]);
    expect(mergeNewestFirst(list, [ev(3)], 3)).toBe(list); // nothing new: same array, no re-render
  });
  test('append in order for a job log', () => {
    let list = [ev(1), ev(3)];
    list = appendInOrder(list, ev(4));
    list = appendInOrder(list, ev(2));
    list = appendInOrder(list, ev(3));
    expect(list.map((e) => e.position)).toEqual([1, 2, 3, 4]);
  });
  test('streams and text filter', () => {
    expect(streamKind('chunk:j1:0')).toBe('chunk');
    expect(jobOfStream('chunk:j1:0')).toBe('j1');
    expect(jobOfStream('job:j1')).toBe('j1');
    expect(jobOfStream('asset:a1')).toBeNull();
    expect(matchesText(ev(1, 'job:j1', 'JobFailed', { reason: 'ffmpeg exited 1' }), 'FFMPEG')).toBe(true);
    expect(matchesText(ev(1), 'jobplanned')).toBe(true);
    expect(matchesText(ev(1), 'nothing')).toBe(false);
  });
});

describe('chunk streams', () => {
  test('job, number and attempt: no suffix is attempt 1, :rN attempt N', () => {
    expect(chunkOfStream('chunk:j1:3')).toEqual({ jobId: 'j1', n: 3, attempt: 1 });
    expect(chunkOfStream('chunk:j1:0:r2')).toEqual({ jobId: 'j1', n: 0, attempt: 2 });
    expect(chunkOfStream('job:j1')).toBeNull();
    expect(chunkOfStream('chunk:j1:x')).toBeNull();
  });
});
