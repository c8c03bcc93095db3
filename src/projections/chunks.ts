/** The Chunk read model: one row per chunk of each attempt, for lane charts and the work queue's depth. */
import type { ChunkEvent } from '../events/chunk.ts';
import { streamKind } from '../events/index.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Projection } from './projection.ts';
import { defineTable } from './table.ts';

export interface ChunkView {
  job_id: string;
  attempt: number;
  n: number;
  status: 'QUEUED' | 'SUCCEEDED' | 'FAILED';
  spec: Record<string, unknown>;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export const chunksTable = defineTable<ChunkView>({
  name: 'chunks',
  key: ['job_id', 'attempt', 'n'],
  columns: { job_id: 'TEXT', attempt: 'INTEGER', n: 'INTEGER', status: 'TEXT', spec: 'JSON', error: 'TEXT', created_at: 'TEXT', finished_at: 'TEXT' },
  indexes: [['status']],
});

export const chunksProjection: Projection<ChunkView> = {
  name: 'chunks',
  version: 1,
  table: chunksTable,
  keyOf: (e) => {
    if (streamKind(e.stream) !== 'chunk') return null;
    const d = (e as StoredEvent<ChunkEvent>).data;
    return [d.jobId, d.attempt ?? 1, d.n];
  },
  fold: (v, ev) => {
    const e = ev as StoredEvent<ChunkEvent>;
    switch (e.type) {
      case 'ChunkCreated':
        return { job_id: e.data.jobId, attempt: e.data.attempt ?? 1, n: e.data.n, status: 'QUEUED', spec: e.data.spec, error: null, created_at: e.data.at, finished_at: null };
      case 'ChunkSucceeded':
        return v && { ...v, status: 'SUCCEEDED', finished_at: e.data.at };
      case 'ChunkFailed':
        return v && { ...v, status: 'FAILED', error: e.data.reason, finished_at: e.data.at };
      default:
        return null;
    }
  },
};
