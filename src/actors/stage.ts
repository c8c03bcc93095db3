/**
 * The stage actor's decider: one stage of a staged job, per attempt of the
 * job: started once, then completed (a checkpoint), skipped or failed once.
 * A later attempt starts it afresh; a report of an earlier attempt changes
 * nothing.
 */
import type { StageEvent } from '../events/stage.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Decider } from './decider.ts';

export interface StageState {
  status: 'none' | 'running' | 'completed' | 'skipped' | 'failed';
  jobId: string;
  stage: string;
  attempt: number;
  chunks: number;
  config: Record<string, unknown>;
  checkpointId: string | null;
  stats: Record<string, number>;
  reason: string | null;
  startedAt: string | null;
  endedAt: string | null;
  ms: number;
}

type Data<T extends StageEvent['type']> = Extract<StageEvent, { type: T }>['data'];

export type StageCommand =
  | { type: 'StartStage'; data: Data<'StageStarted'> }
  | { type: 'CompleteStage'; data: Data<'StageCompleted'> }
  | { type: 'SkipStage'; data: Data<'StageSkipped'> }
  | { type: 'FailStage'; data: Data<'StageFailed'> };

export const initialStage = (): StageState => ({
  status: 'none',
  jobId: '',
  stage: '',
  attempt: 0,
  chunks: 0,
  config: {},
  checkpointId: null,
  stats: {},
  reason: null,
  startedAt: null,
  endedAt: null,
  ms: 0,
});

export const evolveStage = (s: StageState, ev: StoredEvent<StageEvent>): StageState => {
  const fresh = ev.data.attempt > s.attempt ? { ...initialStage(), jobId: ev.data.jobId, stage: ev.data.stage, attempt: ev.data.attempt } : s;
  switch (ev.type) {
    case 'StageStarted':
      return { ...fresh, status: 'running', chunks: ev.data.chunks, config: ev.data.config, startedAt: ev.data.at };
    case 'StageCompleted':
      return { ...fresh, status: 'completed', checkpointId: ev.data.checkpointId, stats: ev.data.stats, ms: ev.data.ms, endedAt: ev.data.at };
    case 'StageSkipped':
      return { ...fresh, status: 'skipped', reason: ev.data.reason, endedAt: ev.data.at };
    case 'StageFailed':
      return { ...fresh, status: 'failed', reason: ev.data.reason, endedAt: ev.data.at };
    default:
      return s;
  }
};

/** Whether a command of `attempt` may still change the stage: its attempt is current and the stage has not ended in it. */
const open = (s: StageState, attempt: number) => attempt > s.attempt || (attempt === s.attempt && (s.status === 'none' || s.status === 'running'));

export const decideStage = (cmd: StageCommand, s: StageState): StageEvent[] => {
  switch (cmd.type) {
    case 'StartStage':
      return cmd.data.attempt > s.attempt || s.status === 'none' ? [{ type: 'StageStarted', data: cmd.data }] : [];
    case 'CompleteStage':
      return open(s, cmd.data.attempt) ? [{ type: 'StageCompleted', data: cmd.data }] : [];
    case 'SkipStage':
      return open(s, cmd.data.attempt) ? [{ type: 'StageSkipped', data: cmd.data }] : [];
    case 'FailStage':
      // Only a stage that started can fail: a job that failed before it never ran it.
      return cmd.data.attempt === s.attempt && s.status === 'running' ? [{ type: 'StageFailed', data: cmd.data }] : [];
    default: {
      const exhaustive: never = cmd;
      return exhaustive;
    }
  }
};

export const stageDecider: Decider<StageState, StageCommand, StageEvent> = { initial: initialStage, evolve: evolveStage, decide: decideStage };
