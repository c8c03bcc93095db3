/**
 * The Chunk read model: one row per chunk of each attempt, for lane charts
 * and the work queue's depth. A job's end (cancelled, failed, retried) folds
 * into every chunk of it that had not finished, so no chunk of an ended
 * attempt stays QUEUED or RUNNING — also in logs written before chunks
 * recorded their own cancellation.
 */
import type { JobEvent } from '../events/job.ts';
import { streamId, streamKind, type LoggedEvent } from '../events/index.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Projection } from './projection.ts';
import { defineTable } from './table.ts';

export type ChunkStatusView = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface ChunkView {
  job_id: string;
  attempt: number;
  n: number;
  status: ChunkStatusView;
  spec: Record<string, unknown>;
  /** The failure, or why it was cancelled. */
  error: string | null;
  /** The node that runs (or ran) it. */
  worker: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export const chunksTable = defineTable<ChunkView>({
  name: 'chunks',
  key: ['job_id', 'attempt', 'n'],
  columns: {
    job_id: 'TEXT',
    attempt: 'INTEGER',
    n: 'INTEGER',
    status: 'TEXT',
    spec: 'JSON',
    error: 'TEXT',
    worker: 'TEXT',
    created_at: 'TEXT',
    started_at: 'TEXT',
    finished_at: 'TEXT',
  },
  indexes: [['status']],
});

const ENDS_ATTEMPT: ReadonlySet<string> = new Set<JobEvent['type']>(['JobCancelled', 'JobFailed', 'JobRetried']);
const open = (v: ChunkView) => v.status === 'QUEUED' || v.status === 'RUNNING';

/** Pure: why a job event ends its chunks' attempt. */
const endReason = (e: StoredEvent<JobEvent>): string => {
  switch (e.type) {
    case 'JobCancelled':
      return `the job was cancelled: ${e.data.reason}`;
    case 'JobFailed':
      return `the job failed: ${e.data.reason}`;
    case 'JobRetried':
      return `attempt ${e.data.attempt} replaced this one`;
    default:
      return e.type;
  }
};

export const foldChunk = (v: ChunkView | null, e: LoggedEvent): ChunkView | null => {
  switch (e.type) {
    case 'JobFailed':
    case 'JobCancelled':
    case 'JobRetried':
      if (!v || !open(v) || !ENDS_ATTEMPT.has(e.type)) return null;
      return { ...v, status: 'CANCELLED', error: endReason(e), finished_at: e.data.at };
    case 'ChunkCreated':
      return {
        job_id: e.data.jobId,
        attempt: e.data.attempt ?? 1,
        n: e.data.n,
        status: 'QUEUED',
        spec: e.data.spec,
        error: null,
        worker: null,
        created_at: e.data.at,
        started_at: null,
        finished_at: null,
      };
    case 'ChunkStarted':
      // A start after its attempt ended stays cancelled: the runner stops it.
      return v && open(v) ? { ...v, status: 'RUNNING', worker: e.data.worker, started_at: e.data.at } : null;
    case 'ChunkHandedBack':
      // Handed back by a worker that stopped: waiting for the next taker.
      return v && v.status === 'RUNNING' ? { ...v, status: 'QUEUED', worker: null, started_at: null } : null;
    case 'ChunkSucceeded':
      return v && { ...v, status: 'SUCCEEDED', error: null, finished_at: e.data.at };
    case 'ChunkFailed':
      return v && { ...v, status: 'FAILED', error: e.data.reason, finished_at: e.data.at };
    case 'ChunkCancelled':
      return v && open(v) ? { ...v, status: 'CANCELLED', error: e.data.reason, finished_at: e.data.at } : null;
    default:
      return null;
  }
};

export const chunksProjection: Projection<ChunkView> = {
  name: 'chunks',
  version: 3,
  table: chunksTable,
  keyOf: (e) => {
    switch (e.type) {
      case 'ChunkCreated':
      case 'ChunkStarted':
      case 'ChunkHandedBack':
      case 'ChunkSucceeded':
      case 'ChunkFailed':
      case 'ChunkCancelled':
        return [e.data.jobId, e.data.attempt ?? 1, e.data.n];
      default:
        return null;
    }
  },
  // Every attempt's rows: earlier attempts' open ones were closed when they ended, or are closed now.
  scopeOf: (e) => (streamKind(e.stream) === 'job' && ENDS_ATTEMPT.has(e.type) ? [streamId(e.stream)] : null),
  fold: foldChunk,
};
