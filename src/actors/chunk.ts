/** The chunk actor's decider: one slice of a job, created once, finished once. */
import { AppError } from '../errors.ts';
import type { ChunkEvent } from '../events/chunk.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Decider } from './decider.ts';

export interface ChunkState {
  status: 'none' | 'created' | 'succeeded' | 'failed';
  jobId: string;
  n: number;
  attempt: number;
  kind: string;
  spec: Record<string, unknown>;
  params: Record<string, unknown>;
  result: unknown;
  reason: string | null;
}

export type ChunkCommand =
  | { type: 'CreateChunk'; data: Extract<ChunkEvent, { type: 'ChunkCreated' }>['data'] }
  | { type: 'CompleteChunk'; data: { result: unknown; at: string } }
  | { type: 'FailChunk'; data: { reason: string; detail?: string | null; at: string } };

export const initialChunk = (): ChunkState => ({
  status: 'none',
  jobId: '',
  n: -1,
  attempt: 1,
  kind: '',
  spec: {},
  params: {},
  result: null,
  reason: null,
});

export const evolveChunk = (s: ChunkState, e: StoredEvent<ChunkEvent> | StoredEvent): ChunkState => {
  const ev = e as StoredEvent<ChunkEvent>;
  switch (ev.type) {
    case 'ChunkCreated':
      return {
        ...initialChunk(),
        status: 'created',
        jobId: ev.data.jobId,
        n: ev.data.n,
        attempt: ev.data.attempt ?? 1,
        kind: ev.data.kind,
        spec: ev.data.spec,
        params: ev.data.params,
      };
    case 'ChunkSucceeded':
      return { ...s, status: 'succeeded', result: ev.data.result };
    case 'ChunkFailed':
      return { ...s, status: 'failed', reason: ev.data.reason };
    default:
      return s;
  }
};

/** Attempt 1 leaves the field out, as events written before retries existed do. */
const attemptOf = (s: ChunkState) => (s.attempt > 1 ? { attempt: s.attempt } : {});

export const decideChunk = (cmd: ChunkCommand, s: ChunkState): ChunkEvent[] => {
  switch (cmd.type) {
    case 'CreateChunk':
      return s.status === 'none' ? [{ type: 'ChunkCreated', data: cmd.data }] : [];
    case 'CompleteChunk':
      if (s.status === 'none') throw new AppError('not_found', 'no such chunk');
      return s.status === 'created' ? [{ type: 'ChunkSucceeded', data: { jobId: s.jobId, n: s.n, ...attemptOf(s), ...cmd.data } }] : [];
    case 'FailChunk':
      if (s.status === 'none') throw new AppError('not_found', 'no such chunk');
      return s.status === 'created' ? [{ type: 'ChunkFailed', data: { jobId: s.jobId, n: s.n, ...attemptOf(s), ...cmd.data } }] : [];
    default: {
      const exhaustive: never = cmd;
      return exhaustive;
    }
  }
};

export const chunkDecider: Decider<ChunkState, ChunkCommand, ChunkEvent> = { initial: initialChunk, evolve: evolveChunk, decide: decideChunk };
