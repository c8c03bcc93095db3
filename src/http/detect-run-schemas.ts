/** The OpenAPI models of detection runs: starting one, its status stage by stage, replays and the checkpoint tree (merged into schemas.ts's MODELS). */
import { t, type TSchema } from 'elysia';
import { int, iso, nullable } from './schema-kinds.ts';

const Configs = t.Record(t.String(), t.Record(t.String(), t.Unknown()), { description: 'per stage, settings over the profile (checked like the profile)' });
const stageName = (description: string) => t.String({ minLength: 1, maxLength: 40, pattern: '^[a-z_]+$', description });
const id = (description: string) => t.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description });

export const DetectRunInput = t.Object(
  {
    timelineId: id('the timeline to look at'),
    profile: t.Optional(t.String({ minLength: 1, maxLength: 64, description: 'profile name (built-in or yours; default: the settings’ defaultProfile)' })),
    brandListId: t.Optional(id('the brand list to match against (default: the settings’ defaultBrandListId)')),
    configOverrides: t.Optional(Configs),
    pauseAfter: t.Optional(nullable(stageName('pause once this stage has finished'))),
    step: t.Optional(t.Boolean({ description: 'run the first stage, then pause' })),
  },
  { additionalProperties: false },
);

export const DetectRunStarted = t.Object({ jobId: t.String() });

export const PauseAfterInput = t.Object(
  { stage: nullable(stageName('pause once this stage has finished; null: no such pause')) },
  { additionalProperties: false },
);

const StageRow = t.Object({
  stage: t.String(),
  status: t.Union(['waiting', 'running', 'completed', 'skipped', 'failed'].map((s) => t.Literal(s))),
  chunks: int({ description: 'work items planned' }),
  chunksDone: int({ description: 'work items reported' }),
  ms: t.Number({ description: 'wall time so far, or in all' }),
  stats: t.Record(t.String(), t.Number()),
  reason: nullable(t.String({ description: 'why it was skipped or failed, or whose output it reused' })),
  checkpointId: nullable(t.String()),
  reusedFrom: nullable(t.String({ description: 'the job whose output it took' })),
});

const Replay = t.Object({ of: t.String(), stage: t.String(), downstream: t.Boolean(), reuse: t.Array(t.String()) });

export const DetectStatus = t.Object({
  jobId: t.String(),
  status: t.String({ description: 'as the job list says: QUEUED, PROCESSING, PAUSED, COMPLETED...' }),
  progress: t.Number(),
  error: nullable(t.String()),
  parent: nullable(t.String({ description: 'the job this one replays' })),
  timelineId: t.String(),
  profile: t.String(),
  brandListId: t.String(),
  stage: nullable(t.String({ description: 'the stage running now' })),
  paused: t.Boolean(),
  pauseReason: nullable(t.String()),
  pauseAfter: nullable(t.String()),
  stepping: t.Boolean(),
  cleared: t.Boolean(),
  replay: nullable(Replay),
  stages: t.Array(StageRow),
});

export const ReplayStageInput = t.Object(
  {
    jobId: id('the job to replay a stage of'),
    stage: stageName('the stage to run again'),
    overrides: t.Optional(t.Record(t.String(), t.Unknown(), { description: "the stage's settings to change" })),
    downstream: t.Optional(t.Boolean({ description: 'run the stages after it again too (default: no)' })),
  },
  { additionalProperties: false },
);

export const ReplayInput = t.Object(
  {
    jobId: id('the job to fork'),
    fromPosition: t.Integer({ minimum: 1, description: 'a log position of the job: the stages finished by then are reused where unchanged' }),
    configOverrides: t.Optional(Configs),
  },
  { additionalProperties: false },
);

export const Checkpoint = t.Object({
  id: t.String(),
  parent: nullable(t.String({ description: 'the checkpoint it started from' })),
  job_id: t.String(),
  stage: t.String(),
  scope: nullable(t.String({ description: 'its timeline' })),
  overrides: t.Record(t.String(), t.Unknown()),
  stats: t.Record(t.String(), t.Number()),
  ms: t.Number(),
  created_at: iso(),
});
export const CheckpointList = t.Array(Checkpoint, { description: 'oldest first' });
export const OutputsCleared = t.Object({ removed: int({ description: 'objects removed' }) });

export const OverlayInput = t.Object(
  {
    jobId: id('the detect job'),
    stage: stageName('the stage whose findings to draw'),
    seq: t.Integer({ minimum: 0, description: 'the frame: its number on the timeline, from 0' }),
    layers: t.Optional(
      t.Array(stageName('another stage of the run'), {
        maxItems: 6,
        description: "other stages of the run drawn over the same frame, after `stage`'s, in order",
      }),
    ),
  },
  { additionalProperties: false },
);
export const OverlayMade = t.Object({
  jobId: t.String(),
  stage: t.String(),
  seq: int({ description: 'the frame number on the timeline' }),
  layers: t.Array(t.String(), { description: 'the stages drawn over it, in order' }),
  timelineId: t.String(),
  t: t.Number({ description: "seconds from the timeline's start" }),
  url: t.String({ description: 'where to GET the PNG' }),
  key: t.String({ description: 'its key in the output store' }),
  shapes: t.Object({ boxes: int(), lines: int(), masks: int() }),
});

export const DETECT_RUN_MODELS = {
  DetectRunInput,
  DetectRunStarted,
  PauseAfterInput,
  DetectStatus,
  ReplayStageInput,
  ReplayInput,
  Checkpoint,
  CheckpointList,
  OutputsCleared,
  OverlayInput,
  OverlayMade,
} as const satisfies Record<string, TSchema>;
