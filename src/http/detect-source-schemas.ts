/** The OpenAPI models of what detection picks from and falls back on: sources, a job's chunks as picks, scenarios, settings (merged into schemas.ts's MODELS). */
import { t, type TSchema } from 'elysia';
import { int, iso, items, nullable } from './schema-kinds.ts';

const SourceJob = t.Object({ id: t.String(), kind: t.String(), status: t.String(), presetName: nullable(t.String()), createdAt: iso() });

export const Source = t.Object(
  {
    id: t.String({ description: 'the asset' }),
    key: t.String(),
    duration: nullable(t.Number()),
    width: nullable(int()),
    height: nullable(int()),
    jobs: t.Array(SourceJob, { description: 'jobs whose chunks are spans of it, newest first (GET /sources/:jobId/chunks)' }),
  },
  { description: 'A ready video a timeline can pick from' },
);
export const SourceList = items(Source, 'sources, newest first');

const PickModel = t.Object({ assetId: t.String(), start: t.Number(), end: t.Number() });

export const SourceChunks = t.Object({
  jobId: t.String(),
  assetId: t.String(),
  chunks: t.Array(
    t.Object({
      n: int(),
      start: t.Number({ description: 'seconds of the source' }),
      end: t.Number(),
      done: t.Boolean({ description: 'it has run (its thumbnails come with that)' }),
      thumbs: t.Array(t.String(), { description: 'thumbnail URLs' }),
      pick: PickModel,
    }),
    { description: 'in source order' },
  ),
});

export const Scenario = t.Object(
  {
    timelineId: t.String(),
    timelineName: nullable(t.String({ description: 'null: the timeline was deleted' })),
    profile: t.String(),
    brandListId: t.String(),
    brandListName: nullable(t.String({ description: 'null: the brand list was deleted' })),
    runs: int(),
    lastJobId: t.String(),
    lastStatus: t.String(),
    lastRunAt: iso(),
    lastCompletedJobId: nullable(t.String()),
  },
  { description: 'A timeline + profile + brand list combination that was run' },
);
export const ScenarioList = items(Scenario, 'scenarios, the latest run first');

export const DetectSettingsInput = t.Object(
  {
    defaultProfile: t.Optional(t.String({ minLength: 1, maxLength: 64, description: 'the profile a run uses when it names none' })),
    defaultBrandListId: t.Optional(nullable(t.String({ minLength: 1, maxLength: 64, description: 'the brand list a run uses when it names none' }))),
  },
  { additionalProperties: false, description: 'Fields left out keep their value' },
);
export const DetectSettings = t.Object({
  defaultProfile: t.String(),
  defaultBrandListId: nullable(t.String()),
  updatedBy: nullable(t.String()),
  updatedAt: nullable(iso()),
});

export const DETECT_SOURCE_MODELS = {
  Source,
  SourceList,
  SourceChunks,
  Scenario,
  ScenarioList,
  DetectSettingsInput,
  DetectSettings,
} as const satisfies Record<string, TSchema>;
