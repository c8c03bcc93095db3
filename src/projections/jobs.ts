/**
 * The Job read model: one row per job, as lists and the API show it.
 * PENDING: not planned yet; QUEUED: planned, waiting for a worker (no chunk
 * of this attempt has started); PROCESSING: some chunk started or reported;
 * PAUSED: told to pause (running chunks finish, nothing new starts). A
 * staged job's progress is its finished stages plus the share of the
 * current one done, over its stage count.
 *
 * An asset deleted with its outputs (AssetOutputsDeleted on its stream)
 * marks every job made from it: `outputs_deleted_at` says its files are gone
 * (the API then names no URLs, and the outputs answer 410); a retry, which
 * writes them again, clears it.
 */
import { tagsOf, weightOf, type JobKinds } from '../actors/job-kind.ts';
import type { ChunkSpec } from '../events/job.ts';
import { streamId, streamKind, type LoggedEvent } from '../events/index.ts';
import type { Projection } from './projection.ts';
import { defineTable, type Table } from './table.ts';

export type JobStatusView = 'PENDING' | 'QUEUED' | 'PROCESSING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

export const JOB_STATUSES: readonly JobStatusView[] = ['PENDING', 'QUEUED', 'PROCESSING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'];

export interface JobView {
  id: string;
  kind: string;
  status: JobStatusView;
  /** 0–100, from chunks reported. */
  progress: number;
  parent: string | null;
  /** The current attempt: 1, then one more per retry. */
  attempts: number;
  error: string | null;
  /** The tool's own words for a failure (ffmpeg's stderr tail). */
  error_detail: string | null;
  /** The job's tags, by its kind (JobKind.tags): its asset and preset, where it has them. */
  asset_id: string | null;
  preset_id: string | null;
  /** What it works on and with, for people. */
  source_key: string | null;
  source_name: string | null;
  preset_name: string | null;
  params: Record<string, unknown>;
  result: unknown;
  chunks_total: number;
  chunks_done: number;
  /** Each planned chunk's share of the work (`spec.weight`), by chunk number, and the share done: progress is weighted. */
  weights: Record<string, number>;
  done_weight: number;
  /** A staged job's current (or last) stage, its place from 0, and how many it has (0: not staged). */
  stage: string | null;
  stage_index: number;
  stage_count: number;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** When its outputs were deleted with its asset (AssetOutputsDeleted), or null while they are there. */
  outputs_deleted_at: string | null;
}

export const jobsTable = defineTable<JobView>({
  name: 'jobs',
  key: ['id'],
  columns: {
    id: 'TEXT',
    kind: 'TEXT',
    status: 'TEXT',
    progress: 'REAL',
    parent: 'TEXT',
    attempts: 'INTEGER',
    error: 'TEXT',
    error_detail: 'TEXT',
    asset_id: 'TEXT',
    preset_id: 'TEXT',
    source_key: 'TEXT',
    source_name: 'TEXT',
    preset_name: 'TEXT',
    params: 'JSON',
    result: 'JSON',
    chunks_total: 'INTEGER',
    chunks_done: 'INTEGER',
    weights: 'JSON',
    done_weight: 'REAL',
    stage: 'TEXT',
    stage_index: 'INTEGER',
    stage_count: 'INTEGER',
    created_at: 'TEXT',
    updated_at: 'TEXT',
    completed_at: 'TEXT',
    outputs_deleted_at: 'TEXT',
  },
  indexes: [['status'], ['parent'], ['created_at'], ['asset_id']],
});

/** Pure: the columns a job's tags fill; the source's name is its key's last part. */
const tagColumns = (kinds: JobKinds, kind: string, params: Record<string, unknown>) => {
  const t = tagsOf(kinds, kind, params);
  const key = t.sourceKey;
  return { asset_id: t.assetId, preset_id: t.presetId, source_key: key, source_name: key && (key.split('/').at(-1) || key), preset_name: t.presetName };
};

const progressOf = (done: number, total: number) => (total > 0 ? Math.round((done / total) * 1000) / 10 : 0);
const weightsOf = (kinds: JobKinds, kind: string, chunks: ChunkSpec[]): Record<string, number> =>
  Object.fromEntries(chunks.map((c) => [String(c.n), weightOf(kinds, kind, c)]));
const totalOf = (w: Record<string, number>) => Object.values(w).reduce((a, b) => a + b, 0);

/** The Job fold, given the kinds (for each job's tags and its chunks' weights). */
export const foldJobWith =
  (kinds: JobKinds) =>
  (v: JobView | null, e: LoggedEvent): JobView | null => {
    const base = (jobId: string, kind: string, params: Record<string, unknown>, parent: string | null, at: string): JobView => ({
      id: jobId,
      kind,
      status: 'PENDING',
      progress: 0,
      parent,
      attempts: 1,
      error: null,
      error_detail: null,
      ...tagColumns(kinds, kind, params),
      params,
      result: null,
      chunks_total: 0,
      chunks_done: 0,
      weights: {},
      done_weight: 0,
      stage: null,
      stage_index: 0,
      stage_count: 0,
      created_at: at,
      updated_at: at,
      completed_at: null,
      outputs_deleted_at: null,
    });
    switch (e.type) {
      case 'JobCreated':
        return base(e.data.jobId, e.data.kind, e.data.params, null, e.data.at);
      case 'JobForked': {
        const job = base(e.data.jobId, e.data.kind, e.data.params, e.data.parent, e.data.at);
        if (!e.data.plan) return job;
        const weights = weightsOf(kinds, e.data.kind, e.data.plan);
        const doneWeight = Object.keys(e.data.done).reduce((a, n) => a + (weights[n] ?? 0), 0);
        const missing = e.data.plan.some((c) => !(String(c.n) in e.data.done));
        return {
          ...job,
          // Every chunk reused: nothing waits for a worker, the job packages.
          status: missing ? 'QUEUED' : 'PROCESSING',
          chunks_total: e.data.plan.length,
          chunks_done: Object.keys(e.data.done).length,
          weights,
          done_weight: doneWeight,
          progress: progressOf(doneWeight, totalOf(weights)),
        };
      }
    }
    if (!v) return null;
    // The runner folds it into each job of the asset (see jobsByAsset); the first deletion is the one that took the files.
    if (e.type === 'AssetOutputsDeleted') return v.outputs_deleted_at === null ? { ...v, outputs_deleted_at: e.data.at } : null;
    if (e.type === 'ChunkStarted') {
      // The first chunk of the current attempt to start: the job is running.
      if ((e.data.attempt ?? 1) !== v.attempts || v.status !== 'QUEUED') return null;
      return { ...v, status: 'PROCESSING', updated_at: e.data.at };
    }
    switch (e.type) {
      case 'JobPlanned':
        if (e.data.stage !== undefined && e.data.place) {
          const place = e.data.place;
          return {
            ...v,
            status: v.status === 'PENDING' ? 'QUEUED' : v.status,
            chunks_total: v.chunks_total + e.data.chunks.length,
            weights: weightsOf(kinds, v.kind, e.data.chunks),
            done_weight: 0,
            stage: e.data.stage,
            stage_index: place.index,
            stage_count: place.count,
            progress: Math.min(99, progressOf(place.index, place.count)),
            updated_at: e.data.at,
          };
        }
        return {
          ...v,
          status: 'QUEUED',
          chunks_total: e.data.chunks.length,
          weights: weightsOf(kinds, v.kind, e.data.chunks),
          done_weight: 0,
          updated_at: e.data.at,
        };
      case 'ChunkReported': {
        const doneWeight = v.done_weight + (v.weights[String(e.data.n)] ?? 0);
        // Logs from before ChunkStarted existed: a report means a chunk ran.
        const status = v.status === 'QUEUED' ? 'PROCESSING' : v.status;
        // Packaging follows the last chunk: stay below 100 until the job completes.
        const share = totalOf(v.weights) > 0 ? doneWeight / totalOf(v.weights) : 0;
        return {
          ...v,
          status,
          chunks_done: v.chunks_done + 1,
          done_weight: doneWeight,
          progress: Math.min(99, v.stage_count > 0 ? progressOf(v.stage_index + share, v.stage_count) : progressOf(doneWeight, totalOf(v.weights))),
          updated_at: e.data.at,
        };
      }
      case 'JobStageFinished': {
        const { index, count } = e.data.place;
        return {
          ...v,
          status: v.status === 'PENDING' || v.status === 'QUEUED' ? 'PROCESSING' : v.status,
          stage: e.data.stage,
          stage_index: index,
          stage_count: count,
          weights: {},
          done_weight: 0,
          progress: Math.min(99, progressOf(index + 1, count)),
          updated_at: e.data.at,
        };
      }
      case 'JobPaused':
        return { ...v, status: 'PAUSED', updated_at: e.data.at };
      case 'JobResumed':
        return v.status === 'PAUSED' ? { ...v, status: v.chunks_done > 0 || v.stage !== null ? 'PROCESSING' : 'QUEUED', updated_at: e.data.at } : null;
      case 'JobCompleted':
        return { ...v, status: 'COMPLETED', progress: 100, result: e.data.result, updated_at: e.data.at, completed_at: e.data.at };
      case 'JobFailed':
        return { ...v, status: 'FAILED', error: e.data.reason, error_detail: e.data.detail ?? null, updated_at: e.data.at, completed_at: e.data.at };
      case 'JobCancelled':
        return { ...v, status: 'CANCELLED', error: e.data.reason, updated_at: e.data.at, completed_at: e.data.at };
      case 'JobRetried':
        return {
          ...v,
          status: 'PENDING',
          attempts: e.data.attempt,
          progress: 0,
          error: null,
          error_detail: null,
          result: null,
          chunks_total: 0,
          chunks_done: 0,
          weights: {},
          done_weight: 0,
          stage: null,
          stage_index: 0,
          stage_count: 0,
          updated_at: e.data.at,
          completed_at: null,
          // The new attempt writes its outputs again.
          outputs_deleted_at: null,
        };
      default:
        return null;
    }
  };

/**
 * The jobs table as the projection hands it to the runner. Jobs are keyed by
 * id alone, so the one event that touches many of them, an asset's outputs
 * deleted, is scoped by asset rather than by a key prefix: `under([assetId])`
 * answers every job made from the asset (by the asset_id index), the same
 * jobs whose folders the asset-outputs router removed.
 */
const jobsByAsset: Table<JobView> = {
  ...jobsTable,
  under: (db, [assetId]) => jobsTable.select(db, 'WHERE asset_id = ? ORDER BY id', [String(assetId)]),
};

export const createJobsProjection = (kinds: JobKinds): Projection<JobView> => ({
  name: 'jobs',
  version: 6,
  table: jobsByAsset,
  keyOf: (e) => {
    if (streamKind(e.stream) === 'job') return [streamId(e.stream)];
    return e.type === 'ChunkStarted' && streamKind(e.stream) === 'chunk' ? [e.data.jobId] : null;
  },
  scopeOf: (e) => (e.type === 'AssetOutputsDeleted' && streamKind(e.stream) === 'asset' ? [streamId(e.stream)] : null),
  fold: foldJobWith(kinds),
});
