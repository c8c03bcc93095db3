/**
 * The Checkpoint read model: a tree. Every stage run that produced an
 * output is a node; its parent is the checkpoint of the stage it started
 * from, so a replayed stage hangs beside the try it replaces. A stage that
 * reused another job's output makes no node of its own.
 */
import type { Database } from 'bun:sqlite';
import type { CheckpointNode } from '../types/detect-setup.ts';
import type { Projection } from './projection.ts';
import { defineTable } from './table.ts';

/** One node of the tree (the shared shape). */
export type CheckpointView = CheckpointNode;

export const checkpointsTable = defineTable<CheckpointView>({
  name: 'checkpoints',
  key: ['id'],
  columns: {
    id: 'TEXT',
    parent: 'TEXT',
    job_id: 'TEXT',
    stage: 'TEXT',
    scope: 'TEXT',
    overrides: 'JSON',
    stats: 'JSON',
    ms: 'REAL',
    created_at: 'TEXT',
  },
  indexes: [['job_id', 'stage'], ['parent'], ['scope', 'stage']],
});

export const checkpointsProjection: Projection<CheckpointView> = {
  name: 'checkpoints',
  version: 2,
  table: checkpointsTable,
  keyOf: (e) => (e.type === 'StageCompleted' ? [e.data.checkpointId] : null),
  fold: (v, e) => {
    // A checkpoint never changes once made; a reused output is another job's node.
    if (e.type !== 'StageCompleted' || v || e.data.reusedFrom) return null;
    return {
      id: e.data.checkpointId,
      parent: e.data.parentCheckpointId,
      job_id: e.data.jobId,
      stage: e.data.stage,
      scope: e.data.scope ?? null,
      overrides: e.data.overrides,
      stats: e.data.stats,
      ms: e.data.ms ?? 0,
      created_at: e.data.at,
    };
  },
};

/** The checkpoints of a scope (a timeline), of one stage or all, oldest first. */
export const checkpointsOf = (db: Database, scope: string, stage?: string): CheckpointView[] =>
  stage
    ? checkpointsTable.select(db, 'WHERE scope = ? AND stage = ? ORDER BY created_at, id', [scope, stage])
    : checkpointsTable.select(db, 'WHERE scope = ? ORDER BY created_at, id', [scope]);
