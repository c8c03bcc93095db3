/**
 * The Checkpoint read model: a tree. Every completed stage run is a node;
 * a replayed stage hangs its node under the checkpoint it started from.
 */
import type { Projection } from './projection.ts';
import { defineTable } from './table.ts';

export interface CheckpointView {
  id: string;
  parent: string | null;
  job_id: string;
  stage: string;
  overrides: Record<string, unknown>;
  stats: Record<string, number>;
  created_at: string;
}

export const checkpointsTable = defineTable<CheckpointView>({
  name: 'checkpoints',
  key: ['id'],
  columns: { id: 'TEXT', parent: 'TEXT', job_id: 'TEXT', stage: 'TEXT', overrides: 'JSON', stats: 'JSON', created_at: 'TEXT' },
  indexes: [['job_id', 'stage'], ['parent']],
});

export const checkpointsProjection: Projection<CheckpointView> = {
  name: 'checkpoints',
  version: 1,
  table: checkpointsTable,
  keyOf: (e) => (e.type === 'StageCompleted' ? [e.data.checkpointId] : null),
  fold: (v, e) => {
    if (e.type !== 'StageCompleted' || v) return null; // a checkpoint never changes once made
    return {
      id: e.data.checkpointId,
      parent: e.data.parentCheckpointId,
      job_id: e.data.jobId,
      stage: e.data.stage,
      overrides: e.data.overrides,
      stats: e.data.stats,
      created_at: e.data.at,
    };
  },
};
