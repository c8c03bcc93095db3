/** The OpenAPI models of presets (merged into schemas.ts's MODELS): what the API answers, and what it takes to make or replace one. */
import { t, type TSchema } from 'elysia';
import { int, items, nullable } from './schema-kinds.ts';

const Rung = t.Object({
  name: t.String({ description: 'e.g. 720p' }),
  height: int({ description: 'short side in pixels' }),
  videoBitrate: int({ description: 'bits per second' }),
});

export const Preset = t.Object(
  {
    id: t.String(),
    name: t.String(),
    description: t.String(),
    builtin: t.Boolean(),
    output: t.Union([t.Literal('hls'), t.Literal('mp4'), t.Literal('audio'), t.Literal('thumbnails')]),
    video: nullable(
      t.Object({
        codec: t.Literal('h264'),
        encoderPreset: t.String({ description: 'x264 preset: ultrafast … veryslow' }),
        rungs: t.Array(Rung),
        maxFps: t.Number(),
      }),
    ),
    audio: nullable(
      t.Object({
        codec: t.Literal('aac'),
        bitrate: int(),
        channels: t.Union([t.Literal(1), t.Literal(2)]),
        sampleRate: t.Union([t.Literal(44100), t.Literal(48000)]),
      }),
    ),
    segmentSeconds: t.Number({ description: 'HLS segment length, also the chunk alignment unit' }),
    thumbnails: nullable(t.Object({ intervalSeconds: t.Number(), width: int(), columns: int(), rows: int(), maxCount: int() })),
  },
  { description: 'How to transcode: a built-in preset or a user preset' },
);

export const PresetList = items(Preset, 'every preset');

const OUTPUTS = t.Union([t.Literal('hls'), t.Literal('mp4'), t.Literal('audio'), t.Literal('thumbnails')]);
const strictObject: { additionalProperties: false } = { additionalProperties: false };

/**
 * The bounds are validatePreset's (media/preset-validation.ts), which checks
 * what they mean together (even heights, rising bitrates, sections an output
 * needs) and fills in the defaults.
 */
export const PresetInput = t.Object(
  {
    id: t.Optional(t.String({ maxLength: 40, description: 'POST: required; PUT: taken from the path' })),
    name: t.String({ minLength: 1, maxLength: 80 }),
    description: t.Optional(t.String({ maxLength: 500 })),
    builtin: t.Optional(t.Boolean({ description: 'ignored: a preset sent here is a user preset' })),
    output: OUTPUTS,
    video: t.Optional(
      nullable(
        t.Object(
          {
            codec: t.Optional(t.String({ maxLength: 16, description: 'h264 (libx264, avc and avc1 mean the same)' })),
            encoderPreset: t.Optional(t.String({ maxLength: 16 })),
            rungs: t.Array(
              t.Object(
                {
                  name: t.Optional(t.String({ maxLength: 32, description: 'e.g. 720p (default: <height>p)' })),
                  height: int({ minimum: 144, maximum: 4320, description: 'short side in pixels, even' }),
                  videoBitrate: int({ minimum: 100_000, maximum: 50_000_000, description: 'bits per second' }),
                },
                strictObject,
              ),
              { minItems: 1, maxItems: 8 },
            ),
            maxFps: t.Optional(t.Number({ minimum: 1, maximum: 120 })),
          },
          strictObject,
        ),
      ),
    ),
    audio: t.Optional(
      nullable(
        t.Object(
          {
            codec: t.Optional(t.String({ maxLength: 16, description: 'aac' })),
            bitrate: t.Optional(int({ minimum: 32_000, maximum: 512_000 })),
            channels: t.Optional(int({ minimum: 1, maximum: 2 })),
            sampleRate: t.Optional(int({ minimum: 44_100, maximum: 48_000, description: '44100 or 48000' })),
          },
          strictObject,
        ),
      ),
    ),
    segmentSeconds: t.Optional(int({ minimum: 1, maximum: 30, description: 'HLS segment length in seconds' })),
    thumbnails: t.Optional(
      nullable(
        t.Object(
          {
            intervalSeconds: t.Optional(t.Number({ minimum: 0.5, maximum: 600 })),
            width: t.Optional(int({ minimum: 32, maximum: 1920 })),
            columns: t.Optional(int({ minimum: 1, maximum: 20 })),
            rows: t.Optional(int({ minimum: 1, maximum: 20 })),
            maxCount: t.Optional(int({ minimum: 1, maximum: 10_000 })),
          },
          strictObject,
        ),
      ),
    ),
  },
  { additionalProperties: false, description: 'A user preset to create or replace; missing parts take defaults; a 400 names the field at fault' },
);

export const PRESET_MODELS = { Preset, PresetList, PresetInput } as const satisfies Record<string, TSchema>;
