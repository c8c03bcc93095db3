/**
 * The job actor's decider: a job plans chunks, waits for every chunk to
 * report, then completes. A staged job (detection's pipeline) does that once
 * per stage, in its kind's order: plan the stage's chunks, wait for them,
 * record the stage's outcome, go on to the next. Any job can be paused (no
 * chunk starts and no stage begins until it resumes), stepped (run until
 * the current or next stage ends, then pause) or told to pause after a named
 * stage. Repeated commands decide no events, which is what makes
 * at-least-once routers safe.
 */
import { AppError } from '../errors.ts';
import type { ChunkSpec, JobControl, JobEvent, StageOutcome, StagePlace } from '../events/job.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Decider } from './decider.ts';
import type { JobActorState } from '../types/job-state.ts';

export type JobStatus = JobActorState['status'];

/** The job actor's state: the API's shape (src/types/job-state.ts), its plan's chunks typed. */
export interface JobState extends Omit<JobActorState, 'plan'> {
  plan: ChunkSpec[] | null;
}

export type JobCommand =
  | { type: 'CreateJob'; data: { jobId: string; kind: string; params: Record<string, unknown>; control?: JobControl; at: string } }
  | { type: 'ForkJob'; data: Extract<JobEvent, { type: 'JobForked' }>['data'] }
  | { type: 'PlanJob'; data: { chunks: ChunkSpec[]; stage?: string; place?: StagePlace; at: string } }
  /** `place` tells whether a stage follows: a job does not pause after its last stage. */
  | { type: 'FinishStage'; data: { stage: string; place: StagePlace; outcome: StageOutcome; at: string } }
  | { type: 'PauseJob'; data: { reason: string; at: string } }
  | { type: 'ResumeJob'; data: { step: boolean; at: string } }
  | { type: 'SetPauseAfter'; data: { stage: string | null; at: string } }
  | { type: 'RecordOutputsCleared'; data: { removed: number; at: string } }
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
  ...NO_STAGES,
});

/** A fresh attempt's stage and control state. */
const NO_STAGES = { stage: null, stageAt: null, stages: {}, paused: false, pauseReason: null, pauseAfter: null, stepping: false, cleared: false } as const;

export const evolveJob = (s: JobState, ev: StoredEvent<JobEvent>): JobState => {
  switch (ev.type) {
    case 'JobCreated':
      return {
        ...initialJob(),
        status: 'created',
        id: ev.data.jobId,
        kind: ev.data.kind,
        params: ev.data.params,
        pauseAfter: ev.data.control?.pauseAfter ?? null,
        stepping: ev.data.control?.step ?? false,
      };
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
      return ev.data.stage === undefined
        ? { ...s, status: 'planned', plan: ev.data.chunks }
        : { ...s, status: 'planned', plan: [...(s.plan ?? []), ...ev.data.chunks], stage: ev.data.stage, stageAt: ev.data.at };
    case 'JobStageFinished':
      return { ...s, status: 'planned', plan: s.plan ?? [], stage: null, stageAt: null, stages: { ...s.stages, [ev.data.stage]: ev.data.outcome } };
    case 'JobPaused':
      return {
        ...s,
        paused: true,
        pauseReason: ev.data.reason,
        stepping: false,
        pauseAfter: ev.data.stage && ev.data.stage === s.pauseAfter ? null : s.pauseAfter,
      };
    case 'JobResumed':
      return { ...s, paused: false, pauseReason: null, stepping: ev.data.step };
    case 'JobPauseAfterSet':
      return { ...s, pauseAfter: ev.data.stage };
    case 'JobOutputsCleared':
      return { ...s, cleared: true };
    case 'ChunkReported':
      return { ...s, done: { ...s.done, [String(ev.data.n)]: ev.data.result } };
    case 'JobCompleted':
      return { ...s, status: 'completed', result: ev.data.result };
    case 'JobFailed':
      return { ...s, status: 'failed', reason: ev.data.reason };
    case 'JobCancelled':
      return { ...s, status: 'cancelled', reason: ev.data.reason };
    case 'JobRetried':
      return { ...s, ...NO_STAGES, status: 'created', plan: null, done: {}, result: null, reason: null, attempt: ev.data.attempt };
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
      if (cmd.data.stage !== undefined) return planStage(cmd.data, s);
      if (s.status !== 'created') return [];
      const ns = cmd.data.chunks.map((c) => c.n);
      if (ns.length === 0 || new Set(ns).size !== ns.length) {
        throw new AppError('validation', 'a plan needs at least one chunk and distinct chunk numbers');
      }
      return [{ type: 'JobPlanned', data: cmd.data }];
    }
    case 'FinishStage':
      return finishStage(cmd.data, s);
    case 'PauseJob':
      if (!controllable(s) || s.paused) return [];
      return [{ type: 'JobPaused', data: cmd.data }];
    case 'ResumeJob':
      if (!controllable(s) || (!s.paused && (!cmd.data.step || s.stepping))) return [];
      return [{ type: 'JobResumed', data: cmd.data }];
    case 'SetPauseAfter':
      if (!controllable(s) || s.pauseAfter === cmd.data.stage) return [];
      return [{ type: 'JobPauseAfterSet', data: cmd.data }];
    case 'RecordOutputsCleared':
      if (s.status === 'none') throw new AppError('not_found', 'no such job');
      if (!TERMINAL.has(s.status)) throw new AppError('invalid_state', `job ${s.id} is still running: stop it first`);
      return [{ type: 'JobOutputsCleared', data: cmd.data }];
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
      if (s.stage !== null) throw new AppError('invalid_state', `job ${s.id} is still running its stage ${s.stage}`);
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

/** Whether run control applies: the job exists and has not ended (throws otherwise). */
const controllable = (s: JobState): boolean => {
  if (s.status === 'none') throw new AppError('not_found', 'no such job');
  if (TERMINAL.has(s.status)) throw new AppError('invalid_state', `job ${s.id} is ${s.status}: there is nothing left to control`);
  return true;
};

/** Chunk numbers of the plan so far. */
const planned = (s: JobState) => new Set((s.plan ?? []).map((c) => c.n));

/** A staged job plans its next stage once the last one finished, and not while paused. */
const planStage = (d: Extract<JobCommand, { type: 'PlanJob' }>['data'], s: JobState): JobEvent[] => {
  const stage = d.stage!;
  if (TERMINAL.has(s.status) || s.stage === stage || stage in s.stages) return []; // a repeat
  if (s.stage !== null) throw new AppError('invalid_state', `job ${s.id} is still running its stage ${s.stage}`);
  if (s.paused) return [];
  const before = planned(s);
  const ns = d.chunks.map((c) => c.n);
  if (new Set(ns).size !== ns.length || ns.some((n) => before.has(n))) throw new AppError('validation', 'a plan needs distinct chunk numbers');
  return [{ type: 'JobPlanned', data: { ...d, chunks: d.chunks.map((c) => ({ ...c, stage })) } }];
};

/** A stage ends once its chunks all reported (or without chunks: skipped or reused); a step or a pause-after-stage pauses there. */
const finishStage = (d: Extract<JobCommand, { type: 'FinishStage' }>['data'], s: JobState): JobEvent[] => {
  if (s.status === 'none') throw new AppError('not_found', 'no such job');
  if (TERMINAL.has(s.status) || d.stage in s.stages) return [];
  if (s.stage !== null && s.stage !== d.stage) throw new AppError('invalid_state', `job ${s.id} is running its stage ${s.stage}, not ${d.stage}`);
  if (s.stage === d.stage && missingChunks(s).length > 0) {
    throw new AppError('invalid_state', `stage ${d.stage} of job ${s.id} still waits for ${missingChunks(s).length} chunks`);
  }
  const events: JobEvent[] = [{ type: 'JobStageFinished', data: d }];
  const last = d.place.index >= d.place.count - 1;
  if (!last && !s.paused && (s.stepping || s.pauseAfter === d.stage)) {
    const reason = s.pauseAfter === d.stage ? `paused after ${d.stage}` : `stepped: paused after ${d.stage}`;
    events.push({ type: 'JobPaused', data: { reason, stage: d.stage, at: d.at } });
  }
  return events;
};

export const jobDecider: Decider<JobState, JobCommand, JobEvent> = { initial: initialJob, evolve: evolveJob, decide: decideJob };
