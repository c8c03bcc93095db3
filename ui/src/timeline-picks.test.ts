import { describe, expect, test } from 'bun:test';
import {
  addPick,
  frameAt,
  moveEdge,
  movePick,
  pickIndexOf,
  rangeStyle,
  removePick,
  secondsToX,
  snap,
  snapRange,
  timelineDuration,
  validateTimeline,
  xToSeconds,
} from './timeline-picks.ts';

const p = (assetId: string, start: number, end: number) => ({ assetId, start, end });

describe('editing the list', () => {
  test('add at the end or at a place, remove, move keeping the others in order', () => {
    const a = p('a', 0, 1);
    const b = p('b', 1, 2);
    const c = p('c', 2, 3);
    expect(addPick([a, b], c)).toEqual([a, b, c]);
    expect(addPick([a, b], c, 0)).toEqual([c, a, b]);
    expect(addPick([a, b], c, 99)).toEqual([a, b, c]);
    expect(removePick([a, b, c], 1)).toEqual([a, c]);
    expect(movePick([a, b, c], 0, 2)).toEqual([b, c, a]);
    expect(movePick([a, b, c], 2, 0)).toEqual([c, a, b]);
    expect(movePick([a, b, c], 1, -5)).toEqual([b, a, c]);
    expect(movePick([a, b, c], 5, 0)).toEqual([a, b, c]);
  });
});

describe('snapping and clamping', () => {
  test('snap rounds to the grid without float noise', () => {
    expect(snap(1.26)).toBe(1.3);
    expect(snap(0.3 * 3)).toBe(0.9);
    expect(snap(7.4, 0.5)).toBe(7.5);
  });

  test('a marked range is ordered, snapped, inside the asset and at least a step long', () => {
    expect(snapRange(4.26, 1.04, 10)).toEqual({ start: 1, end: 4.3 });
    expect(snapRange(-2, 12, 10)).toEqual({ start: 0, end: 10 });
    expect(snapRange(3, 3, 10)).toEqual({ start: 3, end: 3.1 });
    // A click at the very end still gives a range that ends at the asset's end.
    expect(snapRange(10, 10, 10)).toEqual({ start: 9.9, end: 10 });
    // A length not known: only 0 bounds it.
    expect(snapRange(5, 500, null)).toEqual({ start: 5, end: 500 });
  });

  test('a handle stays inside the asset and a step away from its partner', () => {
    const pick = p('a', 2, 5);
    expect(moveEdge(pick, 'start', 1.24, 10)).toEqual(p('a', 1.2, 5));
    expect(moveEdge(pick, 'start', 7, 10)).toEqual(p('a', 4.9, 5));
    expect(moveEdge(pick, 'start', -3, 10)).toEqual(p('a', 0, 5));
    expect(moveEdge(pick, 'end', 12, 10)).toEqual(p('a', 2, 10));
    expect(moveEdge(pick, 'end', 0, 10)).toEqual(p('a', 2, 2.1));
  });
});

describe('filmstrip mapping', () => {
  test('x and seconds map both ways, clamped to the strip', () => {
    expect(xToSeconds(150, 600, 60)).toBe(15);
    expect(xToSeconds(-10, 600, 60)).toBe(0);
    expect(xToSeconds(900, 600, 60)).toBe(60);
    expect(secondsToX(15, 600, 60)).toBe(150);
    expect(secondsToX(70, 600, 60)).toBe(600);
    expect(xToSeconds(10, 0, 60)).toBe(0);
    expect(rangeStyle(15, 30, 60)).toEqual({ left: '25%', width: '25%' });
    expect(rangeStyle(50, 80, 60)).toEqual({ left: '83.333%', width: '16.667%' });
  });

  test('the frame shown for a time is the nearest one', () => {
    expect(frameAt([1, 3, 5, 7], 4.1)).toBe(2);
    expect(frameAt([1, 3, 5, 7], 0)).toBe(0);
    expect(frameAt([1, 3, 5, 7], 99)).toBe(3);
  });

  test('the timeline lasts the sum of its valid picks', () => {
    expect(timelineDuration([p('a', 0, 1.5), p('b', 10, 12.25)])).toBe(3.75);
    expect(timelineDuration([p('a', 5, 2), p('b', Number.NaN, 2)])).toBe(0);
  });
});

describe('validation, named by field', () => {
  const durations: Record<string, number | null> = { a: 10, b: null };
  const of = (id: string) => durations[id] ?? null;

  test('a name and at least one pick', () => {
    expect(validateTimeline(' ', [], of)).toEqual({
      name: 'Give the timeline a name.',
      picks: 'Add at least one pick: mark a range on a filmstrip.',
    });
  });

  test('each pick at its own field: start ≥ 0, end after start, not past the asset (with the server slack)', () => {
    const errors = validateTimeline('Match', [p('a', 0, 10.04), p('a', -1, 2), p('a', 4, 4), p('a', 1, 10.2), p('b', 1, 9999), p('a', 1, Number.NaN)], of);
    expect(errors).toEqual({
      'picks[1].start': 'The start must be a number of seconds, 0 or more.',
      'picks[2].end': 'The end must come after the start (0:04).',
      'picks[3].end': 'The end is past the end of the asset (0:10).',
      'picks[5].end': 'The end must be a number of seconds, 0 or more.',
    });
  });

  test('a field path names its pick row', () => {
    expect(pickIndexOf('picks[12].end')).toBe(12);
    expect(pickIndexOf('picks[0]')).toBe(0);
    expect(pickIndexOf('picks')).toBeNull();
    expect(pickIndexOf('name')).toBeNull();
  });
});
