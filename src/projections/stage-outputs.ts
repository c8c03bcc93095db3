/**
 * The StageOutput read model: one row per job and stage, with where the
 * stage stands (running, completed, skipped, failed), its settings, timing
 * and figures, and once completed its output (plain JSON; heavy artifacts
 * are storage keys in it) and checkpoint.
 */
import { streamKind } from '../events/index.ts';
import type { Database } from 'bun:sqlite';
import type { Projection } from './projection.ts';
import { defineTable } from './table.ts';

export interface StageOutputView {
  job_id: string;
  stage: string;
  status: 'running' | 'completed' | 'skipped' | 'failed';
  attempt: number;
  chunks: number;
  config: Record<string, unknown>;
  output: unknown;
  stats: Record<string, number>;
  checkpoint_id: string | null;
  /** The job whose output it reused. */
  reused_from: string | null;
  /** Why it was skipped or failed. */
  reason: string | null;
  ms: number;
  started_at: string | null;
  updated_at: string;
}

export const stageOutputsTable = defineTable<StageOutputView>({
  name: 'stage_outputs',
  key: ['job_id', 'stage'],
  columns: {
    job_id: 'TEXT',
    stage: 'TEXT',
    status: 'TEXT',
    attempt: 'INTEGER',
    chunks: 'INTEGER',
    config: 'JSON',
    output: 'JSON',
    stats: 'JSON',
    checkpoint_id: 'TEXT',
    reused_from: 'TEXT',
    reason: 'TEXT',
    ms: 'REAL',
    started_at: 'TEXT',
    updated_at: 'TEXT',
  },
});

export const stageOutputsProjection: Projection<StageOutputView> = {
  name: 'stage_outputs',
  version: 2,
  table: stageOutputsTable,
  keyOf: (e) =>
    streamKind(e.stream) === 'stage' && 'jobId' in (e.data as object) ? [(e.data as { jobId: string }).jobId, (e.data as { stage: string }).stage] : null,
  fold: (v, e) => {
    const blank = (jobId: string, stage: string, attempt: number, at: string): StageOutputView => ({
      job_id: jobId,
      stage,
      status: 'running',
      attempt,
      chunks: 0,
      config: {},
      output: null,
      stats: {},
      checkpoint_id: null,
      reused_from: null,
      reason: null,
      ms: 0,
      started_at: null,
      updated_at: at,
    });
    switch (e.type) {
      case 'StageStarted':
        return { ...blank(e.data.jobId, e.data.stage, e.data.attempt, e.data.at), chunks: e.data.chunks, config: e.data.config, started_at: e.data.at };
      case 'StageCompleted': {
        const base = v && v.attempt === (e.data.attempt ?? 1) ? v : blank(e.data.jobId, e.data.stage, e.data.attempt ?? 1, e.data.at);
        return {
          ...base,
          status: 'completed',
          output: e.data.output,
          stats: e.data.stats,
          checkpoint_id: e.data.checkpointId,
          reused_from: e.data.reusedFrom ?? null,
          ms: e.data.ms ?? 0,
          updated_at: e.data.at,
        };
      }
      case 'StageSkipped':
      case 'StageFailed': {
        const base = v && v.attempt === e.data.attempt ? v : blank(e.data.jobId, e.data.stage, e.data.attempt, e.data.at);
        return { ...base, status: e.type === 'StageSkipped' ? 'skipped' : 'failed', reason: e.data.reason, updated_at: e.data.at };
      }
      default:
        return null;
    }
  },
};

/** A job's stages as the read model has them (any order). */
export const stageOutputsOf = (db: Database, jobId: string): StageOutputView[] => stageOutputsTable.select(db, 'WHERE job_id = ?', [jobId]);
