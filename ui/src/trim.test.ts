import { describe, expect, test } from 'bun:test';
import { checkRange, formatTime, parseTime } from './trim.ts';

describe('trim times', () => {
  test('seconds, m:ss and h:mm:ss, each with a fraction; blank is null; the rest NaN', () => {
    expect(parseTime('65.5')).toBe(65.5);
    expect(parseTime(' 7 ')).toBe(7);
    expect(parseTime('.25')).toBe(0.25);
    expect(parseTime('1:05.5')).toBe(65.5);
    expect(parseTime('01:02:03.250')).toBe(3723.25);
    expect(parseTime('0:00:04')).toBe(4);
    expect(parseTime('')).toBeNull();
    for (const bad of ['abc', '1:75', '1:60:00', '1::2', '-3', '1:2:3:4', '5s', '1,5']) expect(parseTime(bad)).toBeNaN();
  });

  test('formatted back the way they are typed, milliseconds kept', () => {
    expect(formatTime(65.5)).toBe('1:05.5');
    expect(formatTime(3723.25)).toBe('1:02:03.25');
    expect(formatTime(5)).toBe('0:05');
    expect(formatTime(5.059)).toBe('0:05.059');
    expect(parseTime(formatTime(5.059))).toBe(5.059);
  });
});

describe('trim ranges against the asset', () => {
  test('blank fields are the whole asset; a start alone runs to the end', () => {
    expect(checkRange('', '', 10)).toEqual({ range: null, errors: {} });
    expect(checkRange('2', '', 10)).toEqual({ range: { start: 2, end: 10 }, errors: {} });
    expect(checkRange('', '0:04.5', 10)).toEqual({ range: { start: 0, end: 4.5 }, errors: {} });
    expect(checkRange('0', '10', 10)).toEqual({ range: null, errors: {} });
  });

  test('each bad field has its own sentence', () => {
    expect(checkRange('x', '3', 10).errors).toEqual({ start: 'Type the start as hh:mm:ss.fff or seconds, like 1:05.5 or 65.5.' });
    expect(checkRange('1', '1:2:3:4', 10).errors.end).toMatch(/^Type the end as/);
    expect(checkRange('5', '4', 10).errors).toEqual({ end: 'The end must come after the start.' });
    expect(checkRange('5', '5', 10).errors).toEqual({ end: 'The end must come after the start.' });
    expect(checkRange('1', '12', 10).errors).toEqual({ end: 'The end is past the end of the asset (0:10).' });
    expect(checkRange('0:11', '', 10.5).errors).toEqual({ start: 'The start must be before the end of the asset (0:10.5).' });
    expect(checkRange('1', '1.05', 10).errors).toEqual({ end: 'The range must be at least a tenth of a second long.' });
    expect(checkRange('1', '12', 10).range).toBeNull();
  });

  test('an end a hair past the duration (rounding) is clamped, not refused', () => {
    expect(checkRange('1', '5.0595', 5.059)).toEqual({ range: { start: 1, end: 5.059 }, errors: {} });
  });

  test('with the duration unknown only the order is checked', () => {
    expect(checkRange('1', '900', null)).toEqual({ range: { start: 1, end: 900 }, errors: {} });
    expect(checkRange('3', '2', null).errors.end).toBe('The end must come after the start.');
  });
});
