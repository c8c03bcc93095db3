/**
 * A job kind says how a job splits into chunks and what a chunk does. The
 * job and chunk actors are the same for every kind; transcoding and
 * detection plug in here.
 */
import type { ForkPlan } from '../actors/replay.ts';
import type { ChunkSpec } from '../events/job.ts';

export type { ForkChunk, ForkPlan } from '../actors/replay.ts';

/** Which job and attempt a kind's effect works for: output keys derive from it. */
export interface JobContext {
  jobId: string;
  attempt: number;
  signal: AbortSignal;
}

/** A progress tick from running work (telemetry: shown live, never stored). */
export interface WorkProgress {
  /** 0–100, or null when the work cannot tell. */
  percent: number | null;
  fps?: number | null;
  speed?: number | null;
  etaSeconds?: number | null;
}

export interface WorkContext extends JobContext {
  progress(p: WorkProgress): void;
}

export interface JobKind {
  name: string;
  /** Checks and normalises params; throws AppError('validation') with a human message. */
  validate(params: Record<string, unknown>): Record<string, unknown>;
  /** The effectful planning step (may look at the input). A chunk's spec may carry `weight` (its share of the work). */
  plan(params: Record<string, unknown>, ctx: JobContext): Promise<ChunkSpec[]>;
  /** Runs one chunk; its result must be plain JSON. Runs again if a worker dies, so outputs go to deterministic keys. */
  run(chunk: ChunkSpec, params: Record<string, unknown>, ctx: WorkContext): Promise<unknown>;
  /** Pure: the job's result from its chunks' results, ordered by chunk number. */
  combine(results: unknown[], params: Record<string, unknown>): unknown;
  /** Optional effect after every chunk succeeded (packaging); returns the job's final result. Idempotent. */
  finish?(combined: unknown, params: Record<string, unknown>, ctx: JobContext): Promise<unknown>;
  /** Optional: whether chunks made with `before` params are still right with `after` (a fork with overrides). Default: yes. */
  reusable?(before: Record<string, unknown>, after: Record<string, unknown>): boolean;
  /**
   * Optional: what a fork with `params` reuses of its parent's recorded work,
   * branch by branch, checking the recorded outputs still exist. Without it a
   * fork keeps the parent's plan and every finished chunk (when `reusable`).
   */
  forkPlan?(parent: { params: Record<string, unknown>; plan: ChunkSpec[] | null; done: Record<string, unknown> }, params: Record<string, unknown>): Promise<ForkPlan>;
  /** Optional: top-level params a fork may add that the parent's params lack (every other override key must exist in them). */
  forkKeys?: readonly string[];
  /** Optional: completes a fork's overrides (e.g. a new presetId brings that preset's settings). */
  resolveOverrides?(overrides: Record<string, unknown>): Record<string, unknown>;
  /** Optional effect when an attempt fails or is cancelled: remove its partial outputs. Idempotent. */
  discard?(params: Record<string, unknown>, ctx: Omit<JobContext, 'signal'>): Promise<void>;
}

export type JobKinds = ReadonlyMap<string, JobKind>;

export const kindsOf = (...kinds: JobKind[]): JobKinds => new Map(kinds.map((k) => [k.name, k]));

