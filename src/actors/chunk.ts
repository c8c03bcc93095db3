/**
 * The chunk actor's decider: one slice of a job, created once, started (again
 * only when another worker takes it over), finished once — succeeded,
 * failed, or cancelled when its attempt ended first.
 */
import { AppError } from '../errors.ts';
import type { ChunkEvent } from '../events/chunk.ts';
import type { StoredEvent } from '../events/types.ts';
import type { DeadItemTry } from '../types/workers.ts';
import type { Decider } from './decider.ts';

export interface ChunkState {
  status: 'none' | 'created' | 'held' | 'started' | 'succeeded' | 'failed' | 'cancelled';
  jobId: string;
  n: number;
  attempt: number;
  kind: string;
  spec: Record<string, unknown>;
  params: Record<string, unknown>;
  result: unknown;
  reason: string | null;
  /** The node running it, once started. */
  worker: string | null;
  /** Takes and stalls so far, in order: a poison item's history (see ChunkDeadLettered). */
  history: DeadItemTry[];
  /** Set aside as a poison item; then resolved by an admin. */
  dead: 'no' | 'dead' | 'retried' | 'dropped';
}

export type ChunkCommand =
  | { type: 'CreateChunk'; data: Extract<ChunkEvent, { type: 'ChunkCreated' }>['data'] }
  | { type: 'StartChunk'; data: { worker: string; at: string } }
  | { type: 'CompleteChunk'; data: { result: unknown; at: string } }
  | { type: 'FailChunk'; data: { reason: string; detail?: string | null; at: string } }
  | { type: 'RecordStall'; data: { worker: string; stalledSeconds: number; reason: string; at: string } }
  | { type: 'CancelChunk'; data: { reason: string; at: string } }
  | { type: 'DeadLetterChunk'; data: { reason: string; at: string } }
  | { type: 'HandBackChunk'; data: { worker: string; at: string } }
  | { type: 'ResolveDeadItem'; data: { action: 'retried' | 'dropped'; by: string | null; at: string } }
  | { type: 'HoldChunk'; data: { at: string } }
  | { type: 'ReleaseChunk'; data: { at: string } };

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
  worker: null,
  history: [],
  dead: 'no',
});

export const evolveChunk = (s: ChunkState, ev: StoredEvent<ChunkEvent>): ChunkState => {
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
    case 'ChunkStarted':
      return { ...s, status: 'started', worker: ev.data.worker, history: [...s.history, { what: 'taken', worker: ev.data.worker, at: ev.data.at }] };
    case 'ChunkSucceeded':
      return { ...s, status: 'succeeded', result: ev.data.result };
    case 'ChunkFailed':
      return { ...s, status: 'failed', reason: ev.data.reason };
    // A stall is a fact about one try: the chunk is still running (tried again).
    case 'ChunkStalled':
      return { ...s, history: [...s.history, { what: 'stalled', worker: ev.data.worker, at: ev.data.at, stalledSeconds: ev.data.stalledSeconds }] };
    case 'ChunkDeadLettered':
      return { ...s, dead: 'dead' };
    case 'ChunkHandedBack':
      return { ...s, status: 'created', worker: null, history: [...s.history, { what: 'handed-back', worker: ev.data.worker, at: ev.data.at }] };
    case 'DeadItemResolved':
      return { ...s, dead: ev.data.action };
    case 'ChunkCancelled':
      return { ...s, status: 'cancelled', reason: ev.data.reason };
    case 'ChunkHeld':
      return { ...s, status: 'held' };
    case 'ChunkReleased':
      return { ...s, status: 'created' };
    default:
      return s;
  }
};

/** Attempt 1 leaves the field out, as events written before retries existed do. */
const attemptOf = (s: ChunkState) => (s.attempt > 1 ? { attempt: s.attempt } : {});

/**
 * Pure: how often an open chunk lost its taker or stalled: every take but
 * the one running now and those handed back ended without an outcome (its
 * worker died), and every stall was a try killed by the watchdog.
 */
export const troublesOf = (s: ChunkState, runningNow = s.status === 'started'): number => {
  const count = (what: ChunkState['history'][number]['what']) => s.history.filter((h) => h.what === what).length;
  return Math.max(0, count('taken') - count('handed-back') - (runningNow ? 1 : 0)) + count('stalled');
};

/** Created, held or started: not finished either way yet. */
export const isOpen = (s: ChunkState) => s.status === 'created' || s.status === 'held' || s.status === 'started';

export const decideChunk = (cmd: ChunkCommand, s: ChunkState): ChunkEvent[] => {
  if (cmd.type !== 'CreateChunk' && s.status === 'none') throw new AppError('not_found', 'no such chunk');
  const ids = { jobId: s.jobId, n: s.n, ...attemptOf(s) };
  switch (cmd.type) {
    case 'CreateChunk':
      return s.status === 'none' ? [{ type: 'ChunkCreated', data: cmd.data }] : [];
    case 'StartChunk':
      // A re-delivery to the same worker is the same start; another worker taking over is a new one.
      if (s.status === 'created' || (s.status === 'started' && s.worker !== cmd.data.worker)) return [{ type: 'ChunkStarted', data: { ...ids, ...cmd.data } }];
      return [];
    case 'CompleteChunk':
      return isOpen(s) ? [{ type: 'ChunkSucceeded', data: { ...ids, ...cmd.data } }] : [];
    case 'FailChunk':
      return isOpen(s) ? [{ type: 'ChunkFailed', data: { ...ids, ...cmd.data } }] : [];
    case 'RecordStall':
      return s.status === 'started' ? [{ type: 'ChunkStalled', data: { ...ids, ...cmd.data } }] : [];
    case 'CancelChunk':
      return isOpen(s) ? [{ type: 'ChunkCancelled', data: { ...ids, ...cmd.data } }] : [];
    case 'DeadLetterChunk': {
      if (!isOpen(s)) return [];
      const { reason, at } = cmd.data;
      const tries = troublesOf(s);
      return [
        { type: 'ChunkDeadLettered', data: { ...ids, kind: s.kind, reason, tries, history: s.history, at } },
        { type: 'ChunkFailed', data: { ...ids, reason, at } },
      ];
    }
    case 'HandBackChunk':
      // Only its current taker hands it back: one that was taken over meanwhile says nothing.
      return s.status === 'started' && s.worker === cmd.data.worker ? [{ type: 'ChunkHandedBack', data: { ...ids, ...cmd.data } }] : [];
    case 'ResolveDeadItem':
      if (s.dead === 'no') throw new AppError('invalid_state', `chunk ${s.n} of job ${s.jobId} is not a dead-lettered item`);
      if (s.dead !== 'dead') throw new AppError('invalid_state', `chunk ${s.n} of job ${s.jobId} was ${s.dead} already`);
      return [{ type: 'DeadItemResolved', data: { ...ids, ...cmd.data } }];
    case 'HoldChunk':
      return s.status === 'created' ? [{ type: 'ChunkHeld', data: { ...ids, ...cmd.data } }] : [];
    case 'ReleaseChunk':
      return s.status === 'held' ? [{ type: 'ChunkReleased', data: { ...ids, kind: s.kind, ...cmd.data } }] : [];
    default: {
      const exhaustive: never = cmd;
      return exhaustive;
    }
  }
};

export const chunkDecider: Decider<ChunkState, ChunkCommand, ChunkEvent> = { initial: initialChunk, evolve: evolveChunk, decide: decideChunk };
