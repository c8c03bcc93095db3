/**
 * A job kind says how a job splits into chunks and what a chunk does. The
 * job and chunk actors are the same for every kind; transcoding and
 * detection plug in here.
 */
import type { ChunkSpec } from '../events/job.ts';

export interface JobKind {
  name: string;
  /** Checks and normalises params; throws AppError('validation') with a human message. */
  validate(params: Record<string, unknown>): Record<string, unknown>;
  /** The effectful planning step (may look at the input). */
  plan(params: Record<string, unknown>, signal: AbortSignal): Promise<ChunkSpec[]>;
  /** Runs one chunk; its result must be plain JSON. */
  run(chunk: ChunkSpec, params: Record<string, unknown>, signal: AbortSignal): Promise<unknown>;
  /** Pure: the job's result from its chunks' results, ordered by chunk number. */
  combine(results: unknown[], params: Record<string, unknown>): unknown;
}

export type JobKinds = ReadonlyMap<string, JobKind>;

export const kindsOf = (...kinds: JobKind[]): JobKinds => new Map(kinds.map((k) => [k.name, k]));
