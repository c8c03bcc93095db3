/** The OpenAPI models of detection's setup: profiles, stages, timelines and brand lists (merged into schemas.ts's MODELS). */
import { t, type TSchema } from 'elysia';
import { int, iso, items, nullable } from './schema-kinds.ts';

const Edge = t.Object(
  {
    from: t.String({ maxLength: 40 }),
    to: t.String({ maxLength: 40 }),
    flow: t.Optional(t.Union([t.Literal('all'), t.Literal('unresolved')], { description: 'unresolved: only what the stage could not resolve (escalation)' })),
  },
  { additionalProperties: false },
);

const Pipeline = t.Object(
  {
    stages: t.Array(t.String({ maxLength: 40 }), { minItems: 1, maxItems: 11, description: 'stage names; extract_frames first' }),
    edges: t.Optional(t.Array(Edge, { maxItems: 200, description: 'which stage feeds which; none: the stages run as listed' })),
  },
  { additionalProperties: false },
);

const Configs = t.Record(t.String(), t.Record(t.String(), t.Unknown()), {
  description: 'per stage, the settings that differ from its defaults (GET /api/detect/config/stages/{stage})',
});

export const ProfileInput = t.Object(
  {
    name: t.String({ maxLength: 64, pattern: '^[a-z0-9][a-z0-9_-]{0,63}$' }),
    description: t.Optional(t.String({ maxLength: 500 })),
    pipeline: Pipeline,
    configs: t.Optional(Configs),
  },
  { additionalProperties: false, description: 'A profile to make or replace (PUT takes the name from the path)' },
);

export const Profile = t.Object(
  {
    name: t.String(),
    description: t.String(),
    pipeline: Pipeline,
    configs: Configs,
    basedOn: nullable(t.String()),
    builtIn: t.Boolean({ description: 'built-ins are read-only: duplicate to change' }),
    createdAt: nullable(iso()),
    updatedAt: nullable(iso()),
  },
  { description: 'A detection profile' },
);

export const ProfileList = t.Array(Profile, { description: 'Built-ins first, then user profiles by name' });

export const DuplicateProfileInput = t.Object({ name: t.String({ maxLength: 64 }) }, { additionalProperties: false, description: "The copy's name" });

export const ResolvedPipeline = t.Object(
  {
    name: t.String(),
    order: t.Array(t.String(), { description: 'the stages in the order they run' }),
    edges: t.Array(Edge),
    configs: t.Record(t.String(), t.Record(t.String(), t.Unknown()), { description: "every stage's whole config: defaults with the profile's settings" }),
  },
  { description: 'A profile as a job runs it' },
);

export const StageInfo = t.Object(
  {
    name: t.String(),
    description: t.String(),
    available: t.Boolean({ description: 'false: part 2 of detection; the stage reports skipped' }),
    schema: t.Record(t.String(), t.Unknown(), { description: "the settings' JSON Schema" }),
    defaults: t.Record(t.String(), t.Unknown()),
  },
  { description: 'A pipeline stage and its settings' },
);

export const StageList = t.Array(StageInfo, { description: 'Every stage, in the natural pipeline order' });

const PickModel = t.Object(
  { assetId: t.String({ maxLength: 64 }), start: t.Number({ minimum: 0 }), end: t.Number({ minimum: 0 }) },
  { additionalProperties: false, description: 'A span of one asset, in seconds of that asset' },
);

export const TimelineInput = t.Object(
  { name: t.String({ maxLength: 200 }), picks: t.Array(PickModel, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false, description: 'A timeline: picks of one or more assets, in order' },
);

export const Timeline = t.Object(
  {
    id: t.String(),
    name: t.String(),
    picks: t.Array(PickModel),
    duration: t.Number({ description: 'seconds: the sum of the picks' }),
    createdBy: t.String(),
    createdAt: iso(),
    updatedAt: iso(),
  },
  { description: 'A timeline of picked source video' },
);

export const TimelineList = items(Timeline, 'timelines');

const BrandModel = t.Object(
  {
    name: t.String({ maxLength: 100 }),
    aliases: t.Optional(t.Array(t.String({ maxLength: 100 }), { maxItems: 100 })),
    images: t.Optional(t.Array(t.String({ maxLength: 1024 }), { maxItems: 50, description: 'reference images (logo crops): input-store keys' })),
  },
  { additionalProperties: false },
);

export const BrandListInput = t.Object(
  { name: t.String({ maxLength: 200 }), brands: t.Array(BrandModel, { maxItems: 10000 }) },
  { additionalProperties: false, description: 'A brand list (PUT: either field may be left out)' },
);

export const BrandList = t.Object(
  { id: t.String(), name: t.String(), brands: t.Array(BrandModel), createdBy: t.String(), createdAt: iso(), updatedAt: iso() },
  { description: 'Brands with their aliases and reference images' },
);

export const BrandListList = items(BrandList, 'brand lists');

export const CacheCleared = t.Object({ removed: int({ description: 'cached frames and artifacts removed' }) });

export const DETECT_MODELS = {
  ProfileInput,
  Profile,
  ProfileList,
  DuplicateProfileInput,
  ResolvedPipeline,
  StageInfo,
  StageList,
  TimelineInput,
  Timeline,
  TimelineList,
  BrandListInput,
  BrandList,
  BrandListList,
  CacheCleared,
} as const satisfies Record<string, TSchema>;
