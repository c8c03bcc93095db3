import { describe, expect, test } from 'bun:test';
import { parseRange } from './outputs-routes.ts';

describe('parseRange', () => {
  test('no header, other units, several ranges or junk: serve the whole object', () => {
    for (const h of [null, '', 'bytes=', 'bytes=-', 'items=0-1', 'bytes=0-1,4-5', 'bytes=a-b']) expect(parseRange(h, 100)).toBeNull();
  });

  test('a-b is inclusive and clamped to the size; a- runs to the end; -n is the last n bytes', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 10 });
    expect(parseRange('bytes=90-500', 100)).toEqual({ start: 90, end: 100 });
    expect(parseRange('bytes=10-', 100)).toEqual({ start: 10, end: 100 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 100 });
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 100 });
    expect(parseRange(' bytes=99-99 ', 100)).toEqual({ start: 99, end: 100 });
  });

  test('a start at or past the end, or an empty suffix, cannot be satisfied', () => {
    expect(parseRange('bytes=100-', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=100-200', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 100)).toBe('unsatisfiable');
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
  });
});
