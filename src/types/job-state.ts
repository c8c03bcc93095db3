/**
 * The log's shapes as the API shows them: a stored event, a stream's state
 * at a position, the job actor's own state with its stages. Import-free, so
 * the event unions (src/events/) and the API contract (api.ts) share them.
 */

/**
 * Kind-specific plain JSON. Time-ranged kinds (transcode) give a `type`
 * (video, audio, subtitles...) and `start`/`end` seconds; `weight` is the
 * chunk's share of the job's progress.
 */
export interface ChunkSpecDto {
  type?: string;
  start?: number;
  end?: number;
  weight?: number;
  [k: string]: unknown;
}

/** An event as the log stores it (`/api/jobs/:id/events`, and `event: log` SSE frames). */
export interface StoredEvent {
  stream: string;
  /** Counts events in its stream from 1. */
  version: number;
  /** Global, strictly increasing across the log, from 1: the SSE `id:`. */
  position: number;
  type: string;
  data: unknown;
  meta: { at: string; actor: string; causationId: string | null; correlationId: string | null };
}

/** A stream's state folded up to a log position. */
export interface StateAt<S = unknown> {
  stream: string;
  /** The position asked for. */
  position: number;
  /** The stream's version as of that position. */
  version: number;
  /** The last event folded, or null when the stream had none yet. */
  last: StoredEvent | null;
  state: S;
}

/** The job actor's own state (its statuses are the actor's, not the read model's). */
export interface JobActorState {
  status: 'none' | 'created' | 'planned' | 'completed' | 'failed' | 'cancelled';
  id: string;
  kind: string;
  params: Record<string, unknown>;
  parent: string | null;
  plan: { n: number; spec: ChunkSpecDto; stage?: string }[] | null;
  /** Chunk results by chunk number (as a string key: plain JSON). */
  done: Record<string, unknown>;
  result: unknown;
  reason: string | null;
  /** 1 for the first run; each retry adds one. */
  attempt: number;
  /** The stage running now (planned, not finished), in a staged job. */
  stage: string | null;
  /** When the current stage was planned. */
  stageAt: string | null;
  /** How each finished stage of this attempt ended, by name. */
  stages: Record<string, StageOutcome>;
  paused: boolean;
  pauseReason: string | null;
  /** Pause once this stage has finished. */
  pauseAfter: string | null;
  /** Pause once the current (or, between stages, the next) stage has finished. */
  stepping: boolean;
  /** Its working outputs were deleted (JobOutputsCleared). */
  cleared: boolean;
}

/** How a stage of a staged job ended. */
export interface StageOutcome {
  status: 'done' | 'skipped' | 'reused';
  output: unknown;
  stats: Record<string, number>;
  checkpointId: string | null;
  reason: string | null;
  reusedFrom: string | null;
  ms: number;
}

/** `GET /api/jobs/:id/state?at=`. */
export type JobStateAt = StateAt<JobActorState>;
