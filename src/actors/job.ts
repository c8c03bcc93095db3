/**
 * The job actor's decider: a job plans chunks, waits for every chunk to
 * report, then completes. Repeated commands decide no events, which is what
 * makes at-least-once routers safe.
 */
import { AppError } from '../errors.ts';
import type { ChunkSpec, JobEvent } from '../events/job.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Decider } from './decider.ts';

export type JobStatus = 'none' | 'created' | 'planned' | 'completed' | 'failed' | 'cancelled';

export interface JobState {
  status: JobStatus;
  id: string;
  kind: string;
  params: Record<string, unknown>;
  parent: string | null;
  plan: ChunkSpec[] | null;
  /** Chunk results by chunk number (as a string key: plain JSON). */
  done: Record<string, unknown>;
  result: unknown;
  reason: string | null;
  /** 1 for the first run; each retry adds one. */
  attempt: number;
}

export type JobCommand =
  | { type: 'CreateJob'; data: { jobId: string; kind: string; params: Record<string, unknown>; at: string } }
  | { type: 'ForkJob'; data: Extract<JobEvent, { type: 'JobForked' }>['data'] }
  | { type: 'PlanJob'; data: { chunks: ChunkSpec[]; at: string } }
  | { type: 'ReportChunk'; data: { n: number; result: unknown; attempt?: number; at: string } }
  | { type: 'CompleteJob'; data: { result: unknown; at: string } }
  /** With `attempt`, a failure reported for another attempt than the current one is ignored. */
  | { type: 'FailJob'; data: { reason: string; detail?: string | null; attempt?: number; at: string } }
  | { type: 'CancelJob'; data: { reason: string; at: string } }
  | { type: 'RetryJob'; data: { maxAttempts: number; at: string } };

export const TERMINAL: ReadonlySet<JobStatus> = new Set(['completed', 'failed', 'cancelled']);

export const initialJob = (): JobState => ({
  status: 'none',
  id: '',
  kind: '',
  params: {},
  parent: null,
  plan: null,
  done: {},
  result: null,
  reason: null,
  attempt: 1,
});

export const evolveJob = (s: JobState, ev: StoredEvent<JobEvent>): JobState => {
  switch (ev.type) {
    case 'JobCreated':
      return { ...initialJob(), status: 'created', id: ev.data.jobId, kind: ev.data.kind, params: ev.data.params };
    case 'JobForked':
      return {
        ...initialJob(),
        status: ev.data.plan ? 'planned' : 'created',
        id: ev.data.jobId,
        kind: ev.data.kind,
        params: ev.data.params,
        parent: ev.data.parent,
        plan: ev.data.plan,
        done: { ...ev.data.done },
      };
    case 'JobPlanned':
      return { ...s, status: 'planned', plan: ev.data.chunks };
    case 'ChunkReported':
      return { ...s, done: { ...s.done, [String(ev.data.n)]: ev.data.result } };
    case 'JobCompleted':
      return { ...s, status: 'completed', result: ev.data.result };
    case 'JobFailed':
      return { ...s, status: 'failed', reason: ev.data.reason };
    case 'JobCancelled':
      return { ...s, status: 'cancelled', reason: ev.data.reason };
    case 'JobRetried':
      return { ...s, status: 'created', plan: null, done: {}, result: null, reason: null, attempt: ev.data.attempt };
    default:
      return s;
  }
};

/** Chunks of the plan that have not reported yet. */
export const missingChunks = (s: JobState): ChunkSpec[] => (s.plan ?? []).filter((c) => !(String(c.n) in s.done));

export const decideJob = (cmd: JobCommand, s: JobState): JobEvent[] => {
  switch (cmd.type) {
    case 'CreateJob':
      if (s.status !== 'none') throw new AppError('conflict', `job ${cmd.data.jobId} already exists`);
      return [{ type: 'JobCreated', data: cmd.data }];
    case 'ForkJob':
      if (s.status !== 'none') throw new AppError('conflict', `job ${cmd.data.jobId} already exists`);
      return [{ type: 'JobForked', data: cmd.data }];
    case 'PlanJob': {
      if (s.status === 'none') throw new AppError('not_found', 'no such job');
      if (s.status !== 'created') return [];
      const ns = cmd.data.chunks.map((c) => c.n);
      if (ns.length === 0 || new Set(ns).size !== ns.length) {
        throw new AppError('validation', 'a plan needs at least one chunk and distinct chunk numbers');
      }
      return [{ type: 'JobPlanned', data: cmd.data }];
    }
    case 'ReportChunk': {
      if (s.status === 'none') throw new AppError('not_found', 'no such job');
      // A late report from an earlier attempt is not this attempt's work.
      if ((cmd.data.attempt ?? 1) !== s.attempt) return [];
      if (s.status !== 'planned' || String(cmd.data.n) in s.done) return [];
      if (!s.plan?.some((c) => c.n === cmd.data.n)) throw new AppError('validation', `chunk ${cmd.data.n} is not in the plan of job ${s.id}`);
      return [{ type: 'ChunkReported', data: cmd.data }];
    }
    case 'CompleteJob':
      if (s.status === 'completed') return [];
      if (s.status !== 'planned') throw new AppError('invalid_state', `job ${s.id || '?'} is ${s.status}, it cannot complete`);
      if (missingChunks(s).length > 0) throw new AppError('invalid_state', `job ${s.id} still waits for ${missingChunks(s).length} chunks`);
      return [{ type: 'JobCompleted', data: cmd.data }];
    case 'FailJob':
      if (s.status === 'none') throw new AppError('not_found', 'no such job');
      if (TERMINAL.has(s.status)) return [];
      if (cmd.data.attempt !== undefined && cmd.data.attempt !== s.attempt) return [];
      return [{ type: 'JobFailed', data: { reason: cmd.data.reason, detail: cmd.data.detail ?? null, at: cmd.data.at } }];
    case 'CancelJob':
      if (s.status === 'none') throw new AppError('not_found', 'no such job');
      if (s.status === 'cancelled') return [];
      if (TERMINAL.has(s.status)) throw new AppError('invalid_state', `job ${s.id} is already ${s.status}`);
      return [{ type: 'JobCancelled', data: cmd.data }];
    case 'RetryJob': {
      if (s.status === 'none') throw new AppError('not_found', 'no such job');
      if (s.status !== 'failed' && s.status !== 'cancelled') {
        throw new AppError('invalid_state', `job ${s.id} is ${s.status}: only a failed or cancelled job can be retried`);
      }
      if (s.attempt >= cmd.data.maxAttempts) {
        throw new AppError('invalid_state', `job ${s.id} has had ${s.attempt} attempts, the most allowed (MPR_MAX_ATTEMPTS=${cmd.data.maxAttempts})`);
      }
      return [{ type: 'JobRetried', data: { attempt: s.attempt + 1, at: cmd.data.at } }];
    }
    default: {
      const exhaustive: never = cmd;
      return exhaustive;
    }
  }
};

export const jobDecider: Decider<JobState, JobCommand, JobEvent> = { initial: initialJob, evolve: evolveJob, decide: decideJob };
