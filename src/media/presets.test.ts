import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import { validatePreset } from './preset-validation.ts';
import { BUILTIN_PRESETS, isBuiltinPresetId } from './presets.ts';

const hlsBody = () => ({
  id: 'my-ladder',
  name: 'My ladder',
  output: 'hls',
  video: {
    rungs: [
      { height: 360, videoBitrate: 800_000 },
      { height: 720, videoBitrate: 2_500_000 },
    ],
  },
});

const rejects = (body: unknown, ...fragments: string[]): string => {
  let err: unknown;
  try {
    validatePreset(body, {});
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe('validation');
  for (const f of fragments) expect((err as AppError).message).toContain(f);
  return (err as AppError).message;
};

describe('built-in presets', () => {
  test('ids and outputs', () => {
    expect(BUILTIN_PRESETS.map((p) => [p.id, p.output])).toEqual([
      ['hls-abr', 'hls'],
      ['mp4-720p', 'mp4'],
      ['audio-aac', 'audio'],
      ['thumbnails', 'thumbnails'],
    ]);
    expect(BUILTIN_PRESETS.every((p) => p.builtin)).toBe(true);
  });

  test('hls-abr ladder', () => {
    const p = BUILTIN_PRESETS.find((x) => x.id === 'hls-abr')!;
    expect(p.video?.rungs.map((r) => [r.name, r.height, r.videoBitrate])).toEqual([
      ['360p', 360, 800_000],
      ['720p', 720, 2_500_000],
      ['1080p', 1080, 5_000_000],
    ]);
    expect(p.audio).toEqual({ codec: 'aac', bitrate: 128_000, channels: 2, sampleRate: 48000 });
    expect(p.thumbnails).toEqual({ intervalSeconds: 2, width: 160, columns: 10, rows: 10, maxCount: 400 });
  });

  test('frozen all the way down', () => {
    const p = BUILTIN_PRESETS[0]!;
    expect(Object.isFrozen(BUILTIN_PRESETS)).toBe(true);
    expect(Object.isFrozen(p.video!.rungs[0])).toBe(true);
    expect(() => {
      (p.video!.rungs[0] as { height: number }).height = 1;
    }).toThrow();
  });

  test('every built-in passes the user validator apart from its builtin flag', () => {
    for (const p of BUILTIN_PRESETS) {
      const { builtin: _, ...body } = p;
      expect(validatePreset(JSON.parse(JSON.stringify(body)))).toEqual({ ...p, builtin: false });
    }
  });

  test('isBuiltinPresetId', () => {
    expect(isBuiltinPresetId('hls-abr')).toBe(true);
    expect(isBuiltinPresetId('thumbnails')).toBe(true);
    expect(isBuiltinPresetId('my-ladder')).toBe(false);
  });
});

describe('validatePreset: defaults', () => {
  test('hls fills codec, encoder preset, names, fps, audio, segments, thumbnails', () => {
    expect(validatePreset(hlsBody())).toEqual({
      id: 'my-ladder',
      name: 'My ladder',
      description: '',
      builtin: false,
      output: 'hls',
      video: {
        codec: 'h264',
        encoderPreset: 'veryfast',
        rungs: [
          { name: '360p', height: 360, videoBitrate: 800_000 },
          { name: '720p', height: 720, videoBitrate: 2_500_000 },
        ],
        maxFps: 60,
      },
      audio: { codec: 'aac', bitrate: 128_000, channels: 2, sampleRate: 48000 },
      segmentSeconds: 6,
      thumbnails: { intervalSeconds: 2, width: 160, columns: 10, rows: 10, maxCount: 400 },
    });
  });

  test('null switches a section off: a silent ladder without thumbnails', () => {
    const p = validatePreset({ ...hlsBody(), audio: null, thumbnails: null });
    expect(p.audio).toBeNull();
    expect(p.thumbnails).toBeNull();
  });

  test('rungs come out sorted ascending', () => {
    const body = hlsBody();
    body.video.rungs.reverse();
    expect(validatePreset(body).video!.rungs.map((r) => r.height)).toEqual([360, 720]);
  });

  test('codec aliases normalise', () => {
    const p = validatePreset({ ...hlsBody(), video: { ...hlsBody().video, codec: 'libx264' } });
    expect(p.video!.codec).toBe('h264');
    expect(validatePreset({ ...hlsBody(), video: { ...hlsBody().video, codec: 'AVC' } }).video!.codec).toBe('h264');
  });

  test('id from the route; body id must agree', () => {
    const { id: _, ...body } = hlsBody();
    expect(validatePreset(body, { id: 'from-path' }).id).toBe('from-path');
    expect(validatePreset({ ...body, id: 'same' }, { id: 'same' }).id).toBe('same');
    expect(() => validatePreset({ ...body, id: 'other' }, { id: 'same' })).toThrow('does not match');
    expect(() => validatePreset(body)).toThrow('id: required');
  });

  test('mp4: no thumbnails unless asked; audio: default audio; thumbnails: default spec', () => {
    const mp4 = validatePreset({ id: 'a-b', name: 'x', output: 'mp4', video: { rungs: [{ height: 480, videoBitrate: 1e6 }] } });
    expect(mp4.thumbnails).toBeNull();
    expect(mp4.audio?.bitrate).toBe(128_000);
    const audio = validatePreset({ id: 'a-b', name: 'x', output: 'audio', audio: { bitrate: 96_000, channels: 1 } });
    expect(audio).toMatchObject({ video: null, thumbnails: null, audio: { codec: 'aac', bitrate: 96_000, channels: 1, sampleRate: 48000 } });
    const thumbs = validatePreset({ id: 'a-b', name: 'x', output: 'thumbnails', thumbnails: { width: 320 } });
    expect(thumbs).toMatchObject({ video: null, audio: null, thumbnails: { width: 320, intervalSeconds: 2, maxCount: 400 } });
  });

  test('echoing builtin: false back is fine; true is not', () => {
    expect(validatePreset({ ...hlsBody(), builtin: false }).builtin).toBe(false);
    rejects({ ...hlsBody(), builtin: true }, 'builtin:');
  });
});

describe('validatePreset: errors name the field', () => {
  const withRungs = (rungs: unknown) => ({ ...hlsBody(), video: { rungs } });

  test('odd rung height', () => {
    const m = rejects(
      withRungs([
        { height: 360, videoBitrate: 800_000 },
        { height: 721, videoBitrate: 2_500_000 },
      ]),
    );
    expect(m).toBe('video.rungs[1].height: must be an even whole number between 144 and 4320, got 721');
  });

  test('unsupported codecs', () => {
    rejects({ ...hlsBody(), video: { ...hlsBody().video, codec: 'vp9' } }, 'video.codec: unsupported codec "vp9" (supported: h264)');
    rejects({ ...hlsBody(), audio: { codec: 'opus', bitrate: 128_000 } }, 'audio.codec: unsupported codec "opus" (supported: aac)');
  });

  test('ranges', () => {
    rejects({ ...hlsBody(), audio: { bitrate: 1000 } }, 'audio.bitrate: must be a whole number between 32000 and 512000 b/s, got 1000');
    rejects({ ...hlsBody(), segmentSeconds: 60 }, 'segmentSeconds: must be a whole number between 1 and 30 s, got 60');
    rejects({ ...hlsBody(), audio: { bitrate: 128_000, channels: 6 } }, 'audio.channels: must be one of 1, 2, got 6');
    rejects({ ...hlsBody(), audio: { bitrate: 128_000, sampleRate: 22050 } }, 'audio.sampleRate: must be one of 44100, 48000');
    rejects({ ...hlsBody(), video: { ...hlsBody().video, maxFps: 240 } }, 'video.maxFps: must be a number between 1 and 120');
    rejects({ ...hlsBody(), video: { ...hlsBody().video, encoderPreset: 'placebo' } }, 'video.encoderPreset: must be one of ultrafast');
    rejects(withRungs([{ height: 360, videoBitrate: 50 }]), 'video.rungs[0].videoBitrate: must be a whole number between 100000 and 50000000 b/s, got 50');
    rejects({ ...hlsBody(), thumbnails: { width: 161 } }, 'thumbnails.width: must be an even whole number between 32 and 1920, got 161');
    rejects({ ...hlsBody(), thumbnails: { intervalSeconds: 0.1 } }, 'thumbnails.intervalSeconds');
    rejects({ ...hlsBody(), thumbnails: { columns: 21 } }, 'thumbnails.columns');
    rejects({ ...hlsBody(), thumbnails: { maxCount: 20_000 } }, 'thumbnails.maxCount');
  });

  test('wrong types are described, not coerced', () => {
    rejects(withRungs([{ height: '720', videoBitrate: 2_500_000 }]), 'video.rungs[0].height: must be an even whole number between 144 and 4320, got "720"');
  });

  test('id and name', () => {
    rejects({ ...hlsBody(), id: 'My Ladder' }, 'id: use 2-40 lowercase letters, digits or dashes');
    rejects({ ...hlsBody(), id: 'x' }, 'id: use 2-40');
    rejects({ ...hlsBody(), id: '-ab' }, 'id: use 2-40');
    rejects({ ...hlsBody(), id: 'a'.repeat(41) }, 'id: use 2-40');
    expect(validatePreset({ ...hlsBody(), id: 'a'.repeat(40) }).id).toHaveLength(40);
    rejects({ ...hlsBody(), name: '' }, 'name: must be a string of 1-80 characters');
    rejects({ ...hlsBody(), name: 'n'.repeat(81) }, 'name: must be a string of 1-80 characters, got 81 characters');
  });

  test('rung list rules', () => {
    rejects(withRungs([]), 'video.rungs: must be a list of 1-8 rungs, got 0 rungs');
    rejects(withRungs(Array.from({ length: 9 }, (_, i) => ({ height: 144 + 2 * i, videoBitrate: 100_000 * (i + 1) }))), '1-8 rungs, got 9');
    rejects(
      withRungs([
        { height: 720, videoBitrate: 1e6 },
        { height: 720, videoBitrate: 2e6 },
      ]),
      'video.rungs: heights must be distinct, 720 appears twice',
    );
    rejects(
      withRungs([
        { name: 'hd', height: 720, videoBitrate: 1e6 },
        { name: 'hd', height: 1080, videoBitrate: 2e6 },
      ]),
      'video.rungs: names must be distinct, "hd" appears twice',
    );
    rejects(withRungs([{ name: '../x', height: 720, videoBitrate: 1e6 }]), 'video.rungs[0].name: use 1-32 letters');
    rejects(
      withRungs([
        { height: 360, videoBitrate: 3e6 },
        { height: 720, videoBitrate: 2e6 },
      ]),
      'video.rungs: videoBitrate must rise with height, but 720p has 2000000 b/s and 360p 3000000 b/s',
    );
    rejects({ ...hlsBody(), video: { rungs: 'all' } }, 'video.rungs: must be a list of 1-8 rungs, got "all"');
  });

  test('unknown fields, top level and nested', () => {
    rejects({ ...hlsBody(), crf: 23, extra: 1 }, 'preset: unknown fields "crf", "extra" (allowed: id, name');
    rejects({ ...hlsBody(), video: { ...hlsBody().video, crf: 23 } }, 'video: unknown field "crf"');
    rejects(withRungs([{ height: 360, videoBitrate: 1e6, fps: 30 }]), 'video.rungs[0]: unknown field "fps"');
  });

  test('output consistency', () => {
    rejects({ ...hlsBody(), output: 'dash' }, 'output: must be one of hls, mp4, audio, thumbnails, got "dash"');
    rejects({ ...hlsBody(), video: undefined }, 'video: required for output "hls"');
    rejects({ ...hlsBody(), video: null }, 'video: required for output "hls"');
    rejects({ ...hlsBody(), output: 'mp4' }, 'video.rungs: output "mp4" takes exactly one rung, got 2');
    rejects({ ...hlsBody(), output: 'audio' }, 'video: must be null or omitted for output "audio"');
    rejects({ id: 'ab', name: 'x', output: 'audio', audio: null }, 'audio: required for output "audio"');
    rejects({ id: 'ab', name: 'x', output: 'audio', thumbnails: {} }, 'thumbnails: must be null or omitted for output "audio"');
    rejects({ id: 'ab', name: 'x', output: 'thumbnails', audio: { bitrate: 128_000 } }, 'audio: must be null or omitted for output "thumbnails"');
    rejects({ id: 'ab', name: 'x', output: 'thumbnails', thumbnails: null }, 'thumbnails: required for output "thumbnails"');
  });

  test('several problems are reported together, at most five', () => {
    const m = rejects({ id: 'X', name: '', output: 'hls', video: { rungs: [{ height: 1, videoBitrate: 1 }] }, segmentSeconds: 0, a: 1, b: 2 });
    expect(m.split('; ').length).toBe(6);
    expect(m).toEndWith('and 1 more');
    expect(m).toStartWith('preset: unknown fields "a", "b"');
  });

  test('not an object', () => {
    rejects([], 'preset: must be a JSON object, got an array');
    rejects(null, 'preset: must be a JSON object, got null');
  });
});
