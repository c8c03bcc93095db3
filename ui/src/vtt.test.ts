import { describe, expect, test } from 'bun:test';
import { cueAt, parseTimestamp, parseVtt } from './vtt.ts';

const VTT = `WEBVTT

00:00:00.000 --> 00:00:02.000
sprite_000.jpg#xywh=0,0,160,90

00:00:02.000 --> 00:00:04.000
sprite_000.jpg#xywh=160,0,160,90

1
00:01:04.000 --> 00:01:06.500
sprite_001.jpg#xywh=320,90,160,90
`;

describe('thumbnail VTT', () => {
  test('timestamps', () => {
    expect(parseTimestamp('00:01:02.500')).toBe(62.5);
    expect(parseTimestamp('01:02.5')).toBe(62.5);
    expect(parseTimestamp('3,25')).toBe(3.25);
  });
  test('cues resolve their sprite against the VTT URL', () => {
    const cues = parseVtt(VTT, '/api/outputs/jobs/j1/a1/thumbs/thumbnails.vtt');
    expect(cues).toHaveLength(3);
    expect(cues[0]).toEqual({ start: 0, end: 2, url: '/api/outputs/jobs/j1/a1/thumbs/sprite_000.jpg', x: 0, y: 0, w: 160, h: 90 });
    expect(cues[2]).toMatchObject({ start: 64, end: 66.5, url: '/api/outputs/jobs/j1/a1/thumbs/sprite_001.jpg', x: 320, y: 90 });
    expect(parseVtt(VTT, 'http://h:1/x/t.vtt')[0]!.url).toBe('http://h:1/x/sprite_000.jpg');
  });
  test('CRLF and junk lines are tolerated', () => {
    expect(parseVtt('WEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\na.jpg#xywh=1,2,3,4\r\n\r\n00:01.000 --> 00:02.000\r\nno-fragment.jpg\r\n', '/t/x.vtt')).toEqual([
      { start: 0, end: 1, url: '/t/a.jpg', x: 1, y: 2, w: 3, h: 4 },
    ]);
  });
  test('cueAt finds the cue for a time, clamping past the ends', () => {
    const cues = parseVtt(VTT, '/t.vtt');
    expect(cueAt(cues, 1)?.x).toBe(0);
    expect(cueAt(cues, 2)?.x).toBe(160);
    expect(cueAt(cues, 65)?.x).toBe(320);
    expect(cueAt(cues, 999)?.x).toBe(320);
    expect(cueAt(cues, 10)?.x).toBe(160); // in a gap: the previous tile
    expect(cueAt([], 1)).toBeUndefined();
  });
});
