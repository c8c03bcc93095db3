import { describe, expect, test } from 'bun:test';
import type { Rendition } from '../types.ts';
import { rungLabel, subtitleLabel } from './player-tracks.ts';

const r = (name: string, type: Rendition['type'], key: string, width: number | null, height: number | null): Rendition => ({
  name,
  type,
  key,
  url: `/api/outputs/${key.split('/').map(encodeURIComponent).join('/')}`,
  codec: null,
  width,
  height,
  bitrate: null,
  averageBitrate: null,
  bytes: null,
  duration: null,
});

describe('player labels', () => {
  const renditions = [
    r('small', 'video', 'jobs/j 1/hls/small/index.m3u8', 640, 360),
    r('hd', 'video', 'jobs/j 1/hls/hd/index.m3u8', 1280, 720),
    r('audio', 'audio', 'jobs/j 1/hls/audio/index.m3u8', null, null),
    r('English', 'subtitles', 'jobs/j 1/hls/subs/en/index.m3u8', null, null),
  ];

  test("a level is called by its rendition's name, found by its playlist URL", () => {
    // hls.js hands levels with absolute URLs; ours are paths, escaped per segment.
    expect(rungLabel({ height: 720, width: 1280, uri: 'http://127.0.0.1:8080/api/outputs/jobs/j%201/hls/hd/index.m3u8' }, renditions)).toBe('hd');
    // Same size as another rung but a different playlist: the URL decides.
    const twins = [r('a', 'video', 'x/a/index.m3u8', 640, 360), r('b', 'video', 'x/b/index.m3u8', 640, 360)];
    expect(rungLabel({ height: 360, width: 640, uri: '/api/outputs/x/b/index.m3u8' }, twins)).toBe('b');
  });

  test('no URL match: by size; nothing known: the height', () => {
    expect(rungLabel({ height: 360, width: 640, uri: null }, renditions)).toBe('small');
    expect(rungLabel({ height: 540, width: 960, uri: 'http://h/other.m3u8' }, renditions)).toBe('540p');
    expect(rungLabel({ height: 540, width: 960, uri: null }, [])).toBe('540p');
  });

  test('subtitle tracks by name and language', () => {
    expect(subtitleLabel({ name: 'English', lang: 'en' })).toBe('English (en)');
    expect(subtitleLabel({ name: 'Commentary', lang: 'und' })).toBe('Commentary');
    expect(subtitleLabel({ name: 'fr', lang: 'fr' })).toBe('French (fr)');
    expect(subtitleLabel({ name: '', lang: null })).toBe('Subtitles');
  });
});
