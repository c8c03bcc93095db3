/** The StageOutput read model: the latest output of each stage of each job. */
import type { Projection } from './projection.ts';
import { defineTable } from './table.ts';

export interface StageOutputView {
  job_id: string;
  stage: string;
  output: unknown;
  checkpoint_id: string;
  updated_at: string;
}

export const stageOutputsTable = defineTable<StageOutputView>({
  name: 'stage_outputs',
  key: ['job_id', 'stage'],
  columns: { job_id: 'TEXT', stage: 'TEXT', output: 'JSON', checkpoint_id: 'TEXT', updated_at: 'TEXT' },
});

export const stageOutputsProjection: Projection<StageOutputView> = {
  name: 'stage_outputs',
  version: 1,
  table: stageOutputsTable,
  keyOf: (e) => (e.type === 'StageCompleted' ? [e.data.jobId, e.data.stage] : null),
  fold: (_v, e) => {
    if (e.type !== 'StageCompleted') return null;
    return { job_id: e.data.jobId, stage: e.data.stage, output: e.data.output, checkpoint_id: e.data.checkpointId, updated_at: e.data.at };
  },
};
