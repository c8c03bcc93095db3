import { describe, expect, test } from 'bun:test';
import type { Preset } from '../types.ts';
import { issueSummary, issuesOfMessage, localIssues, unplacedIssues } from './preset-issues.ts';

const draft = (): Omit<Preset, 'builtin'> => ({
  id: 'custom',
  name: 'Custom',
  description: '',
  output: 'hls',
  segmentSeconds: 6,
  video: { codec: 'h264', encoderPreset: 'veryfast', maxFps: 60, rungs: [{ name: '360p', height: 360, videoBitrate: 800_000 }] },
  audio: { codec: 'aac', bitrate: 128_000, channels: 2, sampleRate: 48_000 },
  thumbnails: { intervalSeconds: 2, width: 160, columns: 10, rows: 10, maxCount: 400 },
});

describe('a refused preset, field by field', () => {
  test("the server's joined report becomes one sentence per field", () => {
    // As src/media/presets.ts reports it: up to five issues joined with "; ", then a count.
    const msg =
      'name: must be a string of 1-80 characters, got 0 characters; thumbnails.columns: must be a whole number between 1 and 20, got 50; ' +
      'video.rungs: videoBitrate must rise with height, but 720p has 1 b/s and 360p 2 b/s; video.rungs[0].height: must be an even whole number between 144 and 4320, got 361; ' +
      'audio.sampleRate: must be one of 44100, 48000, got 22050; and 2 more';
    expect(issuesOfMessage(msg)).toEqual([
      { field: 'name', message: 'Must be a string of 1-80 characters, got 0 characters.' },
      { field: 'thumbnails.columns', message: 'Must be a whole number between 1 and 20, got 50.' },
      { field: 'video.rungs', message: 'videoBitrate must rise with height, but 720p has 1 b/s and 360p 2 b/s.' },
      { field: 'video.rungs[0].height', message: 'Must be an even whole number between 144 and 4320, got 361.' },
      { field: 'audio.sampleRate', message: 'Must be one of 44100, 48000, got 22050.' },
      { field: null, message: 'The server found 2 more problems: they show once these are fixed.' },
    ]);
  });

  test('a semicolon inside one issue does not split it', () => {
    expect(issuesOfMessage('description: keep it short; please')).toEqual([{ field: 'description', message: 'Keep it short; please.' }]);
  });

  test('blank or non-number inputs are caught before sending, each by its path', () => {
    const d = draft();
    d.segmentSeconds = Number.NaN;
    d.thumbnails!.rows = Number.NaN;
    d.video!.rungs[0]!.videoBitrate = Number.NaN;
    expect(localIssues(d)).toEqual([
      { field: 'segmentSeconds', message: 'Type a number.' },
      { field: 'video.rungs[0].videoBitrate', message: 'Type a number.' },
      { field: 'thumbnails.rows', message: 'Type a number.' },
    ]);
    expect(localIssues(draft())).toEqual([]);
  });

  test('issues about fields the form does not show go to the note at the top', () => {
    const issues = issuesOfMessage(
      'video.codec: unsupported codec "vp9" (supported: h264); name: required; audio: must be null or omitted for output "thumbnails" (only thumbnails are made)',
    );
    const d = draft();
    expect(unplacedIssues(issues, d)).toEqual(['video.codec: Unsupported codec "vp9" (supported: h264).']);
    expect(issueSummary(issues, d)).toBe('2 fields need a change (marked below). video.codec: Unsupported codec "vp9" (supported: h264).');
    expect(unplacedIssues(issues, { ...d, audio: null })).toContain('audio: Must be null or omitted for output "thumbnails" (only thumbnails are made).');
  });
});
