import { describe, expect, test } from 'bun:test';
import { decodeWindows } from './decode-check.ts';

describe('decodeWindows', () => {
  test('a long file: 3 s at the start (no seek), the middle and the end', () => {
    expect(decodeWindows(0, 362.767)).toEqual({ intervals: '%+3,179.883%+3,359.767%+3', seconds: 9 });
  });

  test('seeks are timestamps: a timeline starting at 10 s moves the middle and end windows', () => {
    expect(decodeWindows(10, 20)).toEqual({ intervals: '%+3,18.500%+3,27.000%+3', seconds: 9 });
  });

  test('a file not longer than the windows is decoded whole', () => {
    expect(decodeWindows(0, 9)).toEqual({ intervals: null, seconds: 9 });
    expect(decodeWindows(9.976, 4.04)).toEqual({ intervals: null, seconds: 4.04 });
    expect(decodeWindows(0, 0)).toEqual({ intervals: null, seconds: 0 });
  });
});
