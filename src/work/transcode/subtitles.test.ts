import { describe, expect, test } from 'bun:test';
import { parseProbe } from '../../media/probe-parse.ts';
import { BUILTIN_PRESETS } from '../../media/presets.ts';
import type { Preset, ProbeVerdict } from '../../types/media.ts';
import { sourceFromProbe, validateTranscodeParams, type TranscodeParams } from './params.ts';
import { adoptSubtitleResult, subtitleChunkSpec, subtitleMasterEntries, subtitleTracksOf, type SubtitleChunkResult } from './subtitles.ts';

const preset = (id: string): Preset => structuredClone(BUILTIN_PRESETS.find((p) => p.id === id)!);
const SUBS = [
  { index: 2, codec: 'subrip', language: 'en', name: 'English' },
  { index: 3, codec: 'ass', language: 'fr', name: 'French' },
  { index: 4, codec: 'subrip', language: 'en', name: 'English (2)' },
];
const params = (over: Partial<TranscodeParams['source']> = {}, presetId = 'hls-abr'): TranscodeParams => ({
  assetId: 'a1',
  inputKey: 'in/clip.mkv',
  presetId,
  preset: preset(presetId),
  source: { duration: 30, videoStream: 0, audioStream: 1, displayWidth: 640, displayHeight: 360, fps: 25, avgFps: 25, hdr: false, subtitles: SUBS, ...over },
});

const FFPROBE = {
  streams: [
    { index: 0, codec_type: 'video', codec_name: 'h264', width: 640, height: 360, r_frame_rate: '25/1', avg_frame_rate: '25/1' },
    { index: 1, codec_type: 'audio', codec_name: 'aac', channels: 2, sample_rate: '48000' },
    { index: 2, codec_type: 'subtitle', codec_name: 'subrip', tags: { language: 'eng', title: 'English SDH' } },
    { index: 3, codec_type: 'subtitle', codec_name: 'hdmv_pgs_subtitle', tags: { language: 'eng' } },
    { index: 4, codec_type: 'subtitle', codec_name: 'ass', tags: { language: 'fre' } },
  ],
  format: { format_name: 'matroska,webm', duration: '30.0' },
};
const verdict: ProbeVerdict = { kind: 'video', status: 'ready', reason: null, videoStream: 0, audioStream: 1 };

describe('subtitle tracks in the params', () => {
  test('sourceFromProbe keeps the text tracks (bitmap ones skipped) and validate keeps them', () => {
    const source = sourceFromProbe(parseProbe(FFPROBE, 1000), verdict);
    expect(source.subtitles).toEqual([
      { index: 2, codec: 'subrip', language: 'en', name: 'English SDH' },
      { index: 4, codec: 'ass', language: 'fr', name: 'French' },
    ]);
    expect(validateTranscodeParams(params({ subtitles: source.subtitles }) as never).source.subtitles).toEqual(source.subtitles);
  });

  test('a source without text subtitles, and a job made before them, carry no field', () => {
    const noSubs = { ...FFPROBE, streams: FFPROBE.streams.slice(0, 2) };
    expect('subtitles' in sourceFromProbe(parseProbe(noSubs, 1000), verdict)).toBe(false);
    const { subtitles: _, ...old } = params().source;
    const p = validateTranscodeParams({ ...params(), source: old } as never);
    expect('subtitles' in p.source).toBe(false);
    expect(subtitleTracksOf(p)).toEqual([]);
    expect(subtitleChunkSpec(p)).toBeNull();
  });

  test('validate refuses malformed tracks with a sentence naming the field', () => {
    const bad = (subtitles: unknown) => () => validateTranscodeParams(params({ subtitles: subtitles as never }) as never);
    expect(bad('eng')).toThrow('params.source.subtitles: must be a list');
    expect(bad([{ ...SUBS[0], index: -1 }])).toThrow('track 0 needs a stream index');
    expect(bad([{ ...SUBS[0], name: '' }])).toThrow('track 0 needs a name');
    expect(bad([SUBS[0], { ...SUBS[1], name: 'English' }])).toThrow('two tracks are named "English"');
  });
});

describe('subtitleTracksOf', () => {
  test('HLS with video: every track, each with a folder safe in a key', () => {
    expect(subtitleTracksOf(params()).map((t) => [t.index, t.folder, t.name])).toEqual([
      [2, 'en', 'English'],
      [3, 'fr', 'French'],
      [4, 'en-2', 'English (2)'],
    ]);
    expect(subtitleChunkSpec(params())).toEqual({ type: 'subtitles', weight: 0.3 });
  });

  test('outputs without a master playlist to list them in make none', () => {
    expect(subtitleTracksOf(params({}, 'mp4-720p'))).toEqual([]);
    expect(subtitleTracksOf(params({}, 'audio-aac'))).toEqual([]);
    expect(subtitleTracksOf(params({}, 'thumbnails'))).toEqual([]);
    expect(subtitleTracksOf(params({ videoStream: null, displayWidth: null, displayHeight: null }))).toEqual([]);
  });
});

const RESULT: SubtitleChunkResult = {
  type: 'subtitles',
  tracks: [
    {
      folder: 'en',
      name: 'English',
      language: 'en',
      playlistKey: 'jobs/j1/a1/hls/subs/en/index.m3u8',
      segments: [{ key: 'jobs/j1/a1/hls/subs/en/subs_000.vtt', duration: 30, bytes: 120 }],
    },
    {
      folder: 'fr',
      name: 'French',
      language: 'fr',
      playlistKey: 'jobs/j1/a1/hls/subs/fr/index.m3u8',
      segments: [{ key: 'jobs/j1/a1/hls/subs/fr/subs_000.vtt', duration: 30, bytes: 99 }],
    },
  ],
};

test('subtitleMasterEntries: URIs relative to the master', () => {
  expect(subtitleMasterEntries(RESULT, 'jobs/j1/a1/hls/master.m3u8')).toEqual([
    { uri: 'subs/en/index.m3u8', name: 'English', language: 'en' },
    { uri: 'subs/fr/index.m3u8', name: 'French', language: 'fr' },
  ]);
  expect(subtitleMasterEntries(null, 'jobs/j1/a1/hls/master.m3u8')).toEqual([]);
});

test('adoptSubtitleResult: every key through copy, the rest as it was', async () => {
  const copied: string[] = [];
  const adopted = await adoptSubtitleResult(RESULT, async (key) => {
    copied.push(key);
    return key.replace('jobs/j1/a1/', 'jobs/j2/a1/');
  });
  expect(copied).toHaveLength(4);
  expect(adopted.tracks[1]).toEqual({
    folder: 'fr',
    name: 'French',
    language: 'fr',
    playlistKey: 'jobs/j2/a1/hls/subs/fr/index.m3u8',
    segments: [{ key: 'jobs/j2/a1/hls/subs/fr/subs_000.vtt', duration: 30, bytes: 99 }],
  });
  expect(subtitleMasterEntries(adopted, 'jobs/j2/a1/hls/master.m3u8')).toEqual(subtitleMasterEntries(RESULT, 'jobs/j1/a1/hls/master.m3u8'));
});
