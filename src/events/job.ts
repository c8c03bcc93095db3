/** Events of a job stream, `job:<id>`. */
import type { StageOutcome } from '../types/job-state.ts';

export interface ChunkSpec<S extends object = Record<string, unknown>> {
  n: number;
  /** Kind-specific, plain JSON: byte range, time range, frame range... */
  spec: S;
  /** The stage it belongs to, in a job that runs in stages (see JobStages). */
  stage?: string;
}

/** How a stage of a staged job ended: ran, was skipped (and why), or reused another job's output (the API shows it as it is). */
export type { StageOutcome };

/** Run control a job may start with: pause after a named stage, or after the first stage (step). */
export interface JobControl {
  pauseAfter?: string | null;
  step?: boolean;
}

export type JobEvent =
  | { type: 'JobCreated'; data: { jobId: string; kind: string; params: Record<string, unknown>; control?: JobControl; at: string } }
  | {
      type: 'JobForked';
      data: {
        jobId: string;
        parent: string;
        fromPosition: number;
        overrides: Record<string, unknown>;
        kind: string;
        /** The parent's params with the overrides applied. */
        params: Record<string, unknown>;
        /** The parent's plan as of fromPosition, or null when it had none yet. */
        plan: ChunkSpec[] | null;
        /** Chunk results recorded before fromPosition: reused, not run again. */
        done: Record<string, unknown>;
        at: string;
      };
    }
  /**
   * Chunks to run. A staged job plans one stage at a time: `stage` names it,
   * its chunks join the plan, and `place` says where it stands in the run
   * order (for progress).
   */
  | { type: 'JobPlanned'; data: { chunks: ChunkSpec[]; stage?: string; place?: StagePlace; at: string } }
  | { type: 'JobStageFinished'; data: { stage: string; place: StagePlace; outcome: StageOutcome; at: string } }
  /** No more work items start (running ones finish) and no next stage begins until resumed; `stage`: the stage whose end paused it. */
  | { type: 'JobPaused'; data: { reason: string; stage?: string | null; at: string } }
  /** `step`: run on until the current (or next) stage ends, then pause again. */
  | { type: 'JobResumed'; data: { step: boolean; at: string } }
  | { type: 'JobPauseAfterSet'; data: { stage: string | null; at: string } }
  /** An ended job's working outputs were deleted from the output store (its record stays; replays from it cannot reuse them). */
  | { type: 'JobOutputsCleared'; data: { removed: number; at: string } }
  | { type: 'ChunkReported'; data: { n: number; result: unknown; attempt?: number; at: string } }
  | { type: 'JobCompleted'; data: { result: unknown; at: string } }
  /** `detail`: the tool's own words (an ffmpeg stderr tail) when there are any. */
  | { type: 'JobFailed'; data: { reason: string; detail?: string | null; at: string } }
  | { type: 'JobCancelled'; data: { reason: string; at: string } }
  /** A failed or cancelled job runs again from planning, as attempt `attempt` (the first is 1). */
  | { type: 'JobRetried'; data: { attempt: number; at: string } };

/** Where a stage stands in its job's run order: `index` from 0 of `count`. */
export interface StagePlace {
  index: number;
  count: number;
}

export type JobEventType = JobEvent['type'];

export const jobStream = (jobId: string) => `job:${jobId}`;
