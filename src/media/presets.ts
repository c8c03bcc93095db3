/** Built-in presets and the defaults user presets start from (their validator: preset-validation.ts). */
import type { AudioSpec, Preset, PresetOutput, ThumbnailSpec, X264Preset } from '../types/media.ts';

export const X264_PRESETS: readonly X264Preset[] = Object.freeze([
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
]);

export const PRESET_OUTPUTS: readonly PresetOutput[] = Object.freeze(['hls', 'mp4', 'audio', 'thumbnails']);

export const DEFAULT_AUDIO: AudioSpec = { codec: 'aac', bitrate: 128_000, channels: 2, sampleRate: 48000 };
export const DEFAULT_THUMBNAILS: ThumbnailSpec = { intervalSeconds: 2, width: 160, columns: 10, rows: 10, maxCount: 400 };
export const DEFAULT_SEGMENT_SECONDS = 6;
export const DEFAULT_ENCODER_PRESET: X264Preset = 'veryfast';
export const DEFAULT_MAX_FPS = 60;

const deepFreeze = <T>(v: T): T => {
  if (typeof v === 'object' && v !== null) {
    for (const inner of Object.values(v)) deepFreeze(inner);
    Object.freeze(v);
  }
  return v;
};

export const BUILTIN_PRESETS: readonly Preset[] = deepFreeze<Preset[]>([
  {
    id: 'hls-abr',
    name: 'HLS adaptive ladder',
    description: 'H.264 360p/720p/1080p HLS ladder with AAC audio and a thumbnail track',
    builtin: true,
    output: 'hls',
    video: {
      codec: 'h264',
      encoderPreset: 'veryfast',
      rungs: [
        { name: '360p', height: 360, videoBitrate: 800_000 },
        { name: '720p', height: 720, videoBitrate: 2_500_000 },
        { name: '1080p', height: 1080, videoBitrate: 5_000_000 },
      ],
      maxFps: 60,
    },
    audio: { ...DEFAULT_AUDIO },
    segmentSeconds: 6,
    thumbnails: { ...DEFAULT_THUMBNAILS },
  },
  {
    id: 'mp4-720p',
    name: 'MP4 720p',
    description: 'A single H.264 720p MP4 with AAC audio',
    builtin: true,
    output: 'mp4',
    video: {
      codec: 'h264',
      encoderPreset: 'veryfast',
      rungs: [{ name: '720p', height: 720, videoBitrate: 2_500_000 }],
      maxFps: 60,
    },
    audio: { ...DEFAULT_AUDIO },
    segmentSeconds: 6,
    thumbnails: null,
  },
  {
    id: 'audio-aac',
    name: 'AAC audio',
    description: 'The audio track as 160 kb/s stereo AAC',
    builtin: true,
    output: 'audio',
    video: null,
    audio: { codec: 'aac', bitrate: 160_000, channels: 2, sampleRate: 48000 },
    segmentSeconds: 6,
    thumbnails: null,
  },
  {
    id: 'thumbnails',
    name: 'Thumbnails',
    description: 'Sprite sheets with a WebVTT thumbnail track, plus a poster',
    builtin: true,
    output: 'thumbnails',
    video: null,
    audio: null,
    segmentSeconds: 6,
    thumbnails: { ...DEFAULT_THUMBNAILS },
  },
]);

export const isBuiltinPresetId = (id: string): boolean => BUILTIN_PRESETS.some((p) => p.id === id);
