import { describe, expect, test } from 'bun:test';
import { bitrate, bytes, duration, eta, resolution, sentence } from './format.ts';

describe('format', () => {
  test('bytes', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(21031)).toBe('20.5 KB');
    expect(bytes(475954)).toBe('465 KB');
    expect(bytes(5 * 1024 ** 3)).toBe('5.00 GB');
    expect(bytes(null)).toBe('—');
  });
  test('durations', () => {
    expect(duration(3.328)).toBe('0:03.3');
    expect(duration(61)).toBe('1:01');
    expect(duration(3723)).toBe('1:02:03');
    expect(duration(null)).toBe('—');
  });
  test('ETA', () => {
    expect(eta(12.4)).toBe('12 s');
    expect(eta(185)).toBe('3 min 5 s');
    expect(eta(3840)).toBe('1 h 4 min');
    expect(eta(null)).toBe('—');
  });
  test('bitrate and resolution', () => {
    expect(bitrate(800_000)).toBe('800 kb/s');
    expect(bitrate(2_500_000)).toBe('2.5 Mb/s');
    expect(resolution(960, 540)).toBe('960×540');
    expect(resolution(null, null)).toBe('—');
  });
  test('server messages become sentences, field paths keep their case', () => {
    expect(sentence('job not found')).toBe('Job not found.');
    expect(sentence('video.rungs[1].height: must be even')).toBe('video.rungs[1].height: must be even.');
    expect(sentence('Done!')).toBe('Done!');
  });
});
