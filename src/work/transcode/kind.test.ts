import { describe, expect, test } from 'bun:test';
import { BUILTIN_PRESETS } from '../../media/presets.ts';
import type { Preset } from '../../types/media.ts';
import { chunkFrames, encoderThreads, ladderOf, planTranscode, sourceSpanOf, type AudioChunkSpec, type VideoChunkSpec } from './plan.ts';
import { checkPresetFitsSource, relativeKey, validateTranscodeParams, type TranscodeParams } from './params.ts';

const preset = (id: string): Preset => structuredClone(BUILTIN_PRESETS.find((p) => p.id === id)!);
const params = (over: Partial<TranscodeParams['source']> = {}, presetId = 'hls-abr'): TranscodeParams => ({
  assetId: 'a1',
  inputKey: 'in/clip.mp4',
  presetId,
  preset: preset(presetId),
  source: { duration: 30, videoStream: 0, audioStream: 1, displayWidth: 1920, displayHeight: 1080, fps: 30, avgFps: 30, hdr: false, ...over },
});

describe('sourceSpanOf', () => {
  test("a video chunk is a span of the source, moved by the trim's start, with its thumbnails once run; the audio chunk is none", () => {
    const trimmed = { ...params(), range: { start: 5, end: 29 } };
    const [video, , audio] = planTranscode(trimmed, 2, 2);
    const done = { type: 'video', start: 0, end: 12, rungs: [], thumbs: ['o/thumbs/t/t_0.jpg'] };
    expect(sourceSpanOf(video!, done, trimmed)).toEqual({ start: 5, end: 5 + (video!.spec as VideoChunkSpec).end, thumbs: ['o/thumbs/t/t_0.jpg'] });
    expect(sourceSpanOf(video!, undefined, params())?.thumbs).toEqual([]);
    expect(sourceSpanOf(audio!, undefined, trimmed)).toBeNull();
  });
});

describe('planTranscode', () => {
  test('a 30 s 1080p source: one video chunk per worker cut on a segment boundary, then the audio track', () => {
    const chunks = planTranscode(params(), 2, 2);
    expect(chunks.map((c) => c.n)).toEqual([0, 1, 2]);
    const [a, b, audio] = chunks.map((c) => c.spec) as [VideoChunkSpec, VideoChunkSpec, AudioChunkSpec];
    // 6 s segments at 30 fps: the split at 15 s snaps to 18 s (frame 540); the last chunk reads to the end.
    expect([a.start, a.end, b.start, b.end]).toEqual([0, 18, 18, 30]);
    expect([a.startFrame, a.frames, b.startFrame, b.frames]).toEqual([0, 540, 540, null]);
    // 18 s and 12 s: unequal, so the encoders may thread (the long chunk takes the core the short one frees).
    expect([a.threads, b.threads]).toEqual([null, null]);
    const even = planTranscode(params({ duration: 24 }), 2, 2)
      .map((c) => c.spec as VideoChunkSpec)
      .filter((c) => c.type === 'video');
    expect(even.map((c) => [c.end - c.start, c.threads])).toEqual([
      [12, 1],
      [12, 1],
    ]);
    expect(audio.type).toBe('audio');
    // Thumbnails every 2 s, each in the chunk whose range holds its time.
    expect(a.thumbs).toEqual({ first: 0, count: 9 });
    expect(b.thumbs).toEqual({ first: 9, count: 6 });
    expect(a.weight).toBeGreaterThan(b.weight);
  });

  test('a short source is one chunk with every core; no audio stream, no audio chunk', () => {
    const chunks = planTranscode(params({ duration: 5, audioStream: null }), 2, 2);
    expect(chunks).toHaveLength(1);
    expect((chunks[0]!.spec as VideoChunkSpec).threads).toBeNull();
  });

  test('an audio-only source with hls-abr is an audio rendition only; audio-aac is one audio chunk', () => {
    expect(planTranscode(params({ videoStream: null, displayWidth: null, displayHeight: null }), 2, 2).map((c) => c.spec.type)).toEqual(['audio']);
    expect(planTranscode(params({}, 'audio-aac'), 2, 2).map((c) => c.spec.type)).toEqual(['audio']);
  });

  test('a trimmed range is cut on the grid of its own start, and its last chunk stops at the range end', () => {
    const chunks = planTranscode({ ...params({ duration: 120 }), range: { start: 10.5, end: 70.25 } }, 2, 2);
    const video = chunks.map((c) => c.spec as VideoChunkSpec).filter((c) => c.type === 'video');
    expect(video.map((c) => [c.startFrame, c.frames])).toEqual([
      [0, 900],
      [900, 893], // 59.75 s × 30 = 1792.5 frames, rounded: 1793
    ]);
    expect(video.at(-1)!.end).toBe(59.75);
  });

  test('chunks planned before frame-exact chunks (by seconds) still get a frame range', () => {
    const p = params();
    expect(chunkFrames(p, { type: 'video', start: 14, end: 30, weight: 1, thumbs: null })).toEqual({ startFrame: 420, frames: null });
    expect(chunkFrames(p, { type: 'video', start: 0, end: 14, weight: 1, thumbs: null })).toEqual({ startFrame: 0, frames: 420 });
  });

  test('the ladder never upscales: a 960x540 source gets 360p and a 540p top rung', () => {
    expect(ladderOf(params({ displayWidth: 960, displayHeight: 540 })).map((r) => `${r.width}x${r.height}`)).toEqual(['640x360', '960x540']);
  });

  test('encoder threads share the cores among parallel chunks', () => {
    expect(encoderThreads(1, 8)).toBeNull();
    expect(encoderThreads(2, 2)).toBe(1);
    expect(encoderThreads(4, 16)).toBe(4);
    expect(encoderThreads(8, 2)).toBe(1);
    expect(encoderThreads(2, 2, false)).toBeNull();
  });
});

describe('transcode params', () => {
  test('validation names the field; presets are validated again (a fork may override them)', () => {
    expect(() => validateTranscodeParams({ ...params(), inputKey: '' } as never)).toThrow('params.inputKey');
    expect(() => validateTranscodeParams({ ...params(), source: { ...params().source, duration: 0 } } as never)).toThrow('params.source.duration');
    const p = params();
    p.preset.video!.rungs[0]!.height = 361;
    expect(() => validateTranscodeParams(p as never)).toThrow(/rungs\[0\]\.height/);
    expect(validateTranscodeParams(params() as never).preset.builtin).toBe(true);
  });

  test('a preset the source cannot feed is refused with what would work', () => {
    const audioOnly = params({ videoStream: null, displayWidth: null, displayHeight: null }, 'mp4-720p');
    expect(() => checkPresetFitsSource(audioOnly)).toThrow('try audio-aac');
    expect(() => checkPresetFitsSource(params({ audioStream: null }, 'audio-aac'))).toThrow('no usable audio');
  });

  test('relative keys between a playlist and its segments', () => {
    expect(relativeKey('jobs/j/a1/hls/720p/index.m3u8', 'jobs/j/a1/hls/720p/c0_000.ts')).toBe('c0_000.ts');
    expect(relativeKey('jobs/j/a1/hls/master.m3u8', 'jobs/j/a1/hls/720p/index.m3u8')).toBe('720p/index.m3u8');
    expect(relativeKey('jobs/k/a1/hls/720p/index.m3u8', 'jobs/j/a2/hls/720p/c0_000.ts')).toBe('../../../../j/a2/hls/720p/c0_000.ts');
  });
});
