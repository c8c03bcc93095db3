import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import { planThumbnails, posterTime, thumbnailsIndex, vttTimestamp, writeThumbnailsVtt } from './sprites.ts';
import type { ThumbnailSpec } from '../types/media.ts';

const spec: ThumbnailSpec = { intervalSeconds: 2, width: 160, columns: 10, rows: 10, maxCount: 400 };
const hd = { width: 1920, height: 1080 };

describe('planThumbnails', () => {
  test('5 s clip: 3 thumbnails on one 3x1 sheet', () => {
    expect(planThumbnails(5, spec, hd)).toEqual({
      interval: 2,
      count: 3,
      width: 160,
      height: 90,
      columns: 3,
      rows: 1,
      sheets: [{ index: 0, file: 'sprite_000.jpg', first: 0, count: 3, columns: 3, rows: 1 }],
      times: [0, 2, 4],
    });
  });

  test('362.8 s clip: 182 thumbnails on a full sheet and a 10x9 one', () => {
    const p = planThumbnails(362.8, spec, hd);
    expect([p.interval, p.count, p.columns, p.rows]).toEqual([2, 182, 10, 10]);
    expect(p.sheets).toEqual([
      { index: 0, file: 'sprite_000.jpg', first: 0, count: 100, columns: 10, rows: 10 },
      { index: 1, file: 'sprite_001.jpg', first: 100, count: 82, columns: 10, rows: 9 },
    ]);
    expect(p.times[181]).toBe(362);
  });

  test('2-hour clip: the interval grows to a nice value so the count fits', () => {
    const p = planThumbnails(7200, spec, hd);
    expect(p.interval).toBe(20);
    expect(p.count).toBe(360);
    expect(p.count).toBeLessThanOrEqual(spec.maxCount);
    expect(p.sheets.map((s) => `${s.count} ${s.columns}x${s.rows}`)).toEqual(['100 10x10', '100 10x10', '100 10x10', '60 10x6']);
  });

  test('growth keeps every count within maxCount', () => {
    for (const duration of [800, 800.5, 4321.7, 36_000, 1_000_000]) {
      const p = planThumbnails(duration, spec, hd);
      expect(p.count).toBeLessThanOrEqual(spec.maxCount);
      expect(p.times[p.count - 1]!).toBeLessThan(duration);
    }
    expect(planThumbnails(800, spec, hd).interval).toBe(2); // exactly 400
    expect(planThumbnails(36_000, spec, hd)).toMatchObject({ interval: 90, count: 400 });
    expect(planThumbnails(1_000_000, spec, hd)).toMatchObject({ interval: 2520, count: 397 });
  });

  test('tiny 0.31 s clip: one thumbnail at 0', () => {
    const p = planThumbnails(0.31, spec, hd);
    expect(p).toMatchObject({ count: 1, columns: 1, rows: 1, times: [0] });
    expect(p.sheets).toHaveLength(1);
  });

  test('a clip that ends a hair after a step gets no thumbnail for the hair', () => {
    expect(planThumbnails(6.0000001, spec, hd).count).toBe(3);
    expect(planThumbnails(6.01, spec, hd).count).toBe(4);
  });

  test('height follows the display aspect, even-rounded', () => {
    expect(planThumbnails(10, spec, { width: 1080, height: 1920 })).toMatchObject({ width: 160, height: 284 });
    expect(planThumbnails(10, spec, { width: 1440, height: 1080 })).toMatchObject({ width: 160, height: 120 });
    expect(planThumbnails(10, spec, { width: 1920, height: 800 })).toMatchObject({ width: 160, height: 66 });
  });

  test('fractional intervals produce clean times', () => {
    expect(planThumbnails(2, { ...spec, intervalSeconds: 0.7 }, hd).times).toEqual([0, 0.7, 1.4]);
  });

  test('refuses a clip with no duration or no picture', () => {
    expect(() => planThumbnails(0, spec, hd)).toThrow(AppError);
    expect(() => planThumbnails(Number.NaN, spec, hd)).toThrow(AppError);
    expect(() => planThumbnails(5, spec, { width: 0, height: 0 })).toThrow(AppError);
  });
});

describe('writeThumbnailsVtt', () => {
  test('5 s clip, exact text; the last cue ends at the duration', () => {
    expect(writeThumbnailsVtt(planThumbnails(5, spec, hd), { duration: 5 })).toBe(
      [
        'WEBVTT',
        '',
        '00:00:00.000 --> 00:00:02.000',
        'sprite_000.jpg#xywh=0,0,160,90',
        '',
        '00:00:02.000 --> 00:00:04.000',
        'sprite_000.jpg#xywh=160,0,160,90',
        '',
        '00:00:04.000 --> 00:00:05.000',
        'sprite_000.jpg#xywh=320,0,160,90',
        '',
      ].join('\n'),
    );
  });

  test('positions within the second sheet, and a URL prefix', () => {
    const vtt = writeThumbnailsVtt(planThumbnails(362.8, spec, hd), { duration: 362.8, urlPrefix: 'thumbs/' });
    expect(vtt).toContain('00:03:20.000 --> 00:03:22.000\nthumbs/sprite_001.jpg#xywh=0,0,160,90\n');
    expect(vtt).toEndWith('00:06:02.000 --> 00:06:02.800\nthumbs/sprite_001.jpg#xywh=160,720,160,90\n');
    expect(vtt).toContain('00:03:18.000 --> 00:03:20.000\nthumbs/sprite_000.jpg#xywh=1440,810,160,90\n');
  });

  test('a duration that does not reach past the last thumbnail is refused', () => {
    expect(() => writeThumbnailsVtt(planThumbnails(5, spec, hd), { duration: 4 })).toThrow(AppError);
  });
});

describe('thumbnailsIndex', () => {
  test('same cues as the VTT, as JSON', () => {
    const idx = thumbnailsIndex(planThumbnails(362.8, spec, hd), { duration: 362.8 });
    expect(idx).toMatchObject({ interval: 2, width: 160, height: 90, columns: 10, rows: 10, count: 182 });
    expect(idx.sheets).toEqual([
      { file: 'sprite_000.jpg', first: 0, count: 100, columns: 10, rows: 10 },
      { file: 'sprite_001.jpg', first: 100, count: 82, columns: 10, rows: 9 },
    ]);
    expect(idx.cues).toHaveLength(182);
    expect(idx.cues[0]).toEqual({ start: 0, end: 2, sheet: 0, x: 0, y: 0, w: 160, h: 90 });
    expect(idx.cues[11]).toEqual({ start: 22, end: 24, sheet: 0, x: 160, y: 90, w: 160, h: 90 });
    expect(idx.cues[181]).toEqual({ start: 362, end: 362.8, sheet: 1, x: 160, y: 720, w: 160, h: 90 });
    expect(JSON.parse(JSON.stringify(idx))).toEqual(idx);
  });

  test('the tiny clip: one cue for the whole clip', () => {
    expect(thumbnailsIndex(planThumbnails(0.31, spec, hd), { duration: 0.31 }).cues).toEqual([{ start: 0, end: 0.31, sheet: 0, x: 0, y: 0, w: 160, h: 90 }]);
  });
});

test('vttTimestamp', () => {
  expect(vttTimestamp(0)).toBe('00:00:00.000');
  expect(vttTimestamp(3725.5)).toBe('01:02:05.500');
  expect(vttTimestamp(59.9996)).toBe('00:01:00.000');
  expect(vttTimestamp(36_000)).toBe('10:00:00.000');
});

test('posterTime', () => {
  expect(posterTime(100)).toBe(5);
  expect(posterTime(20)).toBe(2);
  expect(posterTime(3)).toBe(0.5);
  expect(posterTime(0.31)).toBe(0.103);
  for (const d of [0.04, 0.31, 1, 1.5, 7]) {
    expect(posterTime(d)).toBeGreaterThan(0);
    expect(posterTime(d)).toBeLessThan(d);
  }
  expect(posterTime(0)).toBe(0);
  expect(posterTime(Number.NaN)).toBe(0);
});
