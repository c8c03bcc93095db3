/**
 * Replay: the state of any actor as of any log position (time travel), and
 * forking a job from a position into a new job that reuses the work
 * recorded before it and runs the rest again.
 */
import { AppError } from '../errors.ts';
import { jobStream, type ChunkSpec } from '../events/job.ts';
import type { EventLog } from '../events/log/index.ts';
import type { StoredEvent } from '../events/types.ts';
import { fold } from './decider.ts';
import type { JobState } from './job.ts';
import { mergeOverrides } from './overrides.ts';
import { actorsOf, evolverOf } from './registry.ts';
import type { Runtime } from './runtime.ts';
import { newId } from '../ids.ts';

export interface StateAt {
  stream: string;
  /** The position asked for. */
  position: number;
  /** The stream's version as of that position. */
  version: number;
  /** The last event folded, or null when the stream had none yet. */
  last: StoredEvent | null;
  state: unknown;
}

/** Folds `stream` up to and including `position`. Streams of unknown kinds fold to their event list. */
export const stateAt = async (log: EventLog, stream: string, position: number): Promise<StateAt> => {
  const events = (await log.readStream(stream)).filter((e) => e.position <= position);
  const decider = evolverOf(stream);
  const state = decider ? fold(decider, events) : events.map((e) => ({ type: e.type, version: e.version, data: e.data }));
  return { stream, position, version: events.length, last: events.at(-1) ?? null, state };
};

/** One chunk of a fork's plan: which of its branches (kind-named: video, thumbnails, audio...) are reused and which run again, and why. */
export interface ForkChunk {
  n: number;
  type: string;
  reused: string[];
  rerun: string[];
  why?: string;
}

export interface ForkPlan {
  /** The fork's plan, or null to plan afresh. */
  plan: ChunkSpec[] | null;
  /** Results reused as they are, by chunk number. */
  done: Record<string, unknown>;
  chunks: ForkChunk[];
}

export interface ForkRequest {
  jobId: string;
  fromPosition: number;
  overrides?: Record<string, unknown>;
  /** Whether chunks made with the parent's params are still right with the fork's (default: yes). */
  canReuse?: (parentParams: Record<string, unknown>, params: Record<string, unknown>) => boolean;
  /** The kind's own reuse, branch by branch (checks recorded outputs still exist); wins over canReuse. */
  forkPlan?: (
    parent: { params: Record<string, unknown>; plan: ChunkSpec[] | null; done: Record<string, unknown> },
    params: Record<string, unknown>,
  ) => Promise<ForkPlan>;
  /** Top-level params a fork may add that the parent lacks. */
  forkKeys?: readonly string[];
  /** For tests and idempotent clients; a fresh id otherwise. */
  newJobId?: string;
  at: string;
}

/** What a fork would start from, without writing anything (`--dry-run`). */
export const planFork = async (log: EventLog, req: Omit<ForkRequest, 'at' | 'newJobId'>) => {
  const stream = jobStream(req.jobId);
  const all = await log.readStream(stream);
  if (all.length === 0) throw new AppError('not_found', `no job ${req.jobId}`);
  if (!Number.isInteger(req.fromPosition) || req.fromPosition < all[0]!.position) {
    throw new AppError('validation', `position ${req.fromPosition} is before job ${req.jobId} began (its first event is at ${all[0]!.position})`);
  }
  const head = await log.head();
  if (req.fromPosition > head) throw new AppError('validation', `position ${req.fromPosition} is past the end of the log (its last event is at ${head})`);
  const at = await stateAt(log, stream, req.fromPosition);
  const state = at.state as JobState;
  const overrides = req.overrides ?? {};
  const params = mergeOverrides(state.params, overrides, req.forkKeys);
  const fork = req.forkPlan
    ? await req.forkPlan({ params: state.params, plan: state.plan, done: state.done }, params)
    : keepOrPlanAfresh(state, req.canReuse ? req.canReuse(state.params, params) : true);
  const reused = Object.keys(fork.done).length;
  return {
    at,
    state,
    params,
    plan: fork.plan,
    done: fork.done,
    reused,
    rerun: fork.plan ? fork.plan.length - reused : null,
    chunks: fork.chunks,
  };
};

/**
 * Without the kind's say, a fork keeps the parent's plan and every finished
 * chunk when the kind says recorded work still fits the new params (another
 * ladder or other bitrates would not), else it plans afresh.
 */
const keepOrPlanAfresh = (state: JobState, reuse: boolean): ForkPlan => {
  if (!reuse || !state.plan) return { plan: null, done: {}, chunks: [] };
  const chunks = state.plan.map((c) => {
    const done = String(c.n) in state.done;
    return { n: c.n, type: String(c.spec.type ?? 'chunk'), reused: done ? ['all'] : [], rerun: done ? [] : ['all'] };
  });
  return { plan: state.plan, done: state.done, chunks };
};

/** Pure: the compact answer of a dry run: counts and each chunk's branches, not the job's whole state. */
export const forkSummary = (plan: Awaited<ReturnType<typeof planFork>>, overrides: Record<string, unknown>) => ({
  reused: plan.reused,
  rerun: plan.rerun,
  chunks: plan.chunks,
  overrides,
  fromVersion: plan.at.version,
  lastEvent: plan.at.last?.type ?? null,
});

/** Appends `JobForked` to a new job stream; the routers take it from there. Returns the new job id. */
export const forkJob = async (runtime: Runtime, req: ForkRequest): Promise<string> => {
  const plan = await planFork(runtime.log, req);
  const newJobId = req.newJobId ?? newId(12);
  await actorsOf(runtime)
    .job(newJobId)
    .execute(
      {
        type: 'ForkJob',
        data: {
          jobId: newJobId,
          parent: req.jobId,
          fromPosition: req.fromPosition,
          overrides: req.overrides ?? {},
          kind: plan.state.kind,
          params: plan.params,
          plan: plan.plan,
          done: plan.done,
          at: req.at,
        },
      },
      { actor: 'replay', causationId: String(req.fromPosition), correlationId: newJobId },
    );
  return newJobId;
};
