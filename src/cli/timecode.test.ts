import { expect, test } from 'bun:test';
import { parseTimecode, rangeFromFlags } from './timecode.ts';

test('times are seconds or [hh:]mm:ss[.fff]', () => {
  expect(parseTimecode('from', '90')).toBe(90);
  expect(parseTimecode('from', '1:30')).toBe(90);
  expect(parseTimecode('from', '00:01:30')).toBe(90);
  expect(parseTimecode('to', '00:02:00.250')).toBe(120.25);
  expect(parseTimecode('to', '12.5')).toBe(12.5);
  for (const bad of ['', '1:75', 'abc', '-3', '1::2']) expect(() => parseTimecode('to', bad)).toThrow('--to needs a time');
});

test('--from/--to become a range; the end may be left to the source', () => {
  expect(rangeFromFlags(undefined, undefined)).toBeNull();
  expect(rangeFromFlags('00:01:30', '00:02:00')).toEqual({ start: 90, end: 120 });
  expect(rangeFromFlags('5', undefined)).toEqual({ start: 5 });
  expect(rangeFromFlags(undefined, '10')).toEqual({ start: 0, end: 10 });
});
