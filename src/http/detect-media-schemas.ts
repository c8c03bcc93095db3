/** The OpenAPI models of the media detection's pages show: frame caches, filmstrips, source URLs, reference images, and a timeline's changes (merged into schemas.ts's MODELS). */
import { t, type TSchema } from 'elysia';
import { int, iso } from './schema-kinds.ts';

const PickModel = t.Object(
  { assetId: t.String({ maxLength: 64 }), start: t.Number({ minimum: 0 }), end: t.Number({ minimum: 0 }) },
  { additionalProperties: false, description: 'A span of one asset, in seconds of that asset' },
);

export const TimelineUpdateInput = t.Object(
  {
    name: t.Optional(t.String({ maxLength: 200 })),
    picks: t.Optional(t.Array(PickModel, { minItems: 1, maxItems: 500 })),
  },
  { additionalProperties: false, description: 'A timeline’s changes: a field left out keeps its value; picks are checked as for a new one' },
);

export const FrameCacheSet = t.Object(
  {
    fps: t.Number({ description: 'frames per second it was extracted at (0: no finished run says)' }),
    width: int(),
    height: int(),
    frames: int(),
    bytes: int(),
  },
  { description: 'One extraction kept: its rate and frame size' },
);

export const FrameCache = t.Object(
  {
    timelineId: t.String(),
    frames: int({ description: 'frames in whole segments' }),
    bytes: int({ description: 'everything under the cache, what dropping it frees' }),
    sets: t.Array(FrameCacheSet, { description: 'the most frames first' }),
  },
  { description: "A timeline's frame cache, by extraction" },
);

export const Filmstrip = t.Object(
  {
    assetId: t.String(),
    url: t.String({ description: 'a signed URL an <img> loads without a token' }),
    count: int(),
    width: int({ description: 'of each frame, px' }),
    height: int({ description: 'of each frame, px' }),
    times: t.Array(t.Number(), { description: 'the second of each frame, left to right' }),
  },
  { description: 'Frames evenly over a source, side by side in one JPEG' },
);

export const SourceMedia = t.Object(
  {
    assetId: t.String(),
    url: t.String({ description: 'a signed URL that streams the file (byte ranges work), no token needed' }),
    contentType: t.String(),
    expiresAt: iso('when the URL stops working'),
  },
  { description: "A source's file, to play" },
);

export const BrandImage = t.Object(
  {
    key: t.String({ description: "its input-store key: put it in a brand's `images`" }),
    url: t.String({ description: 'where to read it back (with the token)' }),
  },
  { description: 'A reference image kept' },
);

export const DETECT_MEDIA_MODELS = {
  TimelineUpdateInput,
  FrameCacheSet,
  FrameCache,
  Filmstrip,
  SourceMedia,
  BrandImage,
} as const satisfies Record<string, TSchema>;
