import { assetsProjection } from './assets.ts';
import { brandAiringsProjection } from './brand-airings.ts';
import { checkpointsProjection } from './checkpoints.ts';
import { chunksProjection } from './chunks.ts';
import { deadItemsProjection } from './dead-items.ts';
import { kindsOf, type JobKinds } from '../actors/job-kind.ts';
import { createJobsProjection } from './jobs.ts';
import { presetsProjection } from './presets.ts';
import type { AnyProjection } from './projection.ts';
import { stageOutputsProjection } from './stage-outputs.ts';
import { uploadsProjection } from './uploads.ts';
import { brandListsProjection, profilesProjection, timelinesProjection } from './detect-setup.ts';
import { apiKeysProjection, usersProjection } from './users.ts';

export { createProjectionRunner, type ProjectionRunner, type ProjectionStatus } from './runner.ts';
export { DELETE, type Projection, type AnyProjection } from './projection.ts';
export { defineTable, type Table, type TableSpec } from './table.ts';
export { JOB_STATUSES, createJobsProjection, foldJobWith, jobsTable, type JobView, type JobStatusView } from './jobs.ts';
export { chunksProjection, chunksTable, foldChunk, type ChunkView, type ChunkStatusView } from './chunks.ts';
export { checkpointsOf, checkpointsProjection, checkpointsTable, type CheckpointView } from './checkpoints.ts';
export { assetsProjection, assetsTable, foldAsset, registeredAssets, type AssetView } from './assets.ts';
export { findPreset, listPresets, presetsProjection, presetsTable, type PresetView } from './presets.ts';
export { stageOutputsOf, stageOutputsProjection, stageOutputsTable, type StageOutputView } from './stage-outputs.ts';
export { findJob, jobIdsOfAsset, queryJobs, type JobQuery, type PageOf, type PageRequest } from './job-queries.ts';
export { ASSET_SORTS, findAsset, queryAssets, type AssetQuery, type AssetSortBy } from './asset-queries.ts';
export { chunksOfJob, queuedChunkCount } from './chunk-queries.ts';
export { detectScenarios, type ScenarioRow } from './scenario-queries.ts';
export { findUpload, listUploads, openUploadOfKey, staleUploads, uploadsProjection, uploadsTable, type UploadView } from './uploads.ts';
export { deadItems, findDeadItem, type DeadItemView } from './dead-items.ts';
export { airedBrands, brandAirings, brandAiringsProjection, brandAiringsTable, type AiredBrand, type BrandAiring } from './brand-airings.ts';

/** Every read model MPR keeps, in the order the runner applies them; the kinds say what jobs' tags and chunks' weights are (none known: no tags, equal weights). */
export const allProjections = (kinds: JobKinds = kindsOf()): AnyProjection[] => [
  createJobsProjection(kinds),
  chunksProjection,
  assetsProjection,
  presetsProjection,
  checkpointsProjection,
  stageOutputsProjection,
  usersProjection,
  apiKeysProjection,
  uploadsProjection,
  profilesProjection,
  timelinesProjection,
  brandListsProjection,
  brandAiringsProjection,
  deadItemsProjection,
];
