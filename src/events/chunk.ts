/**
 * Events of a chunk stream: one slice of one attempt of a job's work.
 * Attempt 1 is `chunk:<jobId>:<n>`; a retry's chunks are
 * `chunk:<jobId>:<n>:r<attempt>`, so each attempt's chunks start afresh
 * while every stream of a job keeps the `chunk:<jobId>:` prefix.
 */
import type { DeadItemTry } from '../types/workers.ts';

export type ChunkEvent =
  | {
      type: 'ChunkCreated';
      data: { jobId: string; n: number; attempt?: number; kind: string; spec: Record<string, unknown>; params: Record<string, unknown>; at: string };
    }
  /**
   * The work began on `worker` (a node name): running is a fact, so lanes and
   * queue depth read it from the log. Logged again when another worker takes
   * over a chunk whose first worker died.
   */
  | { type: 'ChunkStarted'; data: { jobId: string; n: number; attempt?: number; worker: string; at: string } }
  | { type: 'ChunkSucceeded'; data: { jobId: string; n: number; attempt?: number; result: unknown; at: string } }
  /**
   * Its running work printed no progress for `stalledSeconds` (a stopped or
   * hung ffmpeg) and was killed on `worker`; the chunk is tried again like
   * after a crash, so a ChunkSucceeded or ChunkFailed still follows.
   */
  | { type: 'ChunkStalled'; data: { jobId: string; n: number; attempt?: number; worker: string; stalledSeconds: number; reason: string; at: string } }
  | { type: 'ChunkFailed'; data: { jobId: string; n: number; attempt?: number; reason: string; detail?: string | null; at: string } }
  /**
   * A poison item: it lost its taker (a worker died holding it) or stalled
   * `tries` times, the most allowed (MPR_MAX_ITEM_TRIES). It is set aside in
   * the dead-letter list with its history, and a ChunkFailed follows at once,
   * so its job fails with that reason instead of handing it out for ever.
   */
  | {
      type: 'ChunkDeadLettered';
      data: {
        jobId: string;
        n: number;
        attempt?: number;
        kind: string;
        reason: string;
        tries: number;
        /** Every take (ChunkStarted) and stall (ChunkStalled), in order. */
        history: DeadItemTry[];
        at: string;
      };
    }
  /** An admin dealt with a dead-lettered item: retried (its job runs again as a new attempt) or dropped; it leaves the list. */
  | { type: 'DeadItemResolved'; data: { jobId: string; n: number; attempt?: number; action: 'retried' | 'dropped'; by: string | null; at: string } }
  /**
   * Its worker stopped on purpose before it finished (a shutdown, a drain
   * past its deadline) and handed it back: it waits for the next taker, and
   * the take does not count against it as a lost one (ChunkDeadLettered).
   */
  | { type: 'ChunkHandedBack'; data: { jobId: string; n: number; attempt?: number; worker: string; at: string } }
  /** Its attempt ended (cancelled, failed elsewhere, retried) before it finished: it will not run. */
  | { type: 'ChunkCancelled'; data: { jobId: string; n: number; attempt?: number; reason: string; at: string } }
  /** Its job was paused before it started: it waits, out of the queue, until the job resumes. */
  | { type: 'ChunkHeld'; data: { jobId: string; n: number; attempt?: number; at: string } }
  /** Its job resumed: back in the queue. */
  | { type: 'ChunkReleased'; data: { jobId: string; n: number; attempt?: number; kind: string; at: string } };

export const chunkStream = (jobId: string, n: number, attempt = 1) => (attempt > 1 ? `chunk:${jobId}:${n}:r${attempt}` : `chunk:${jobId}:${n}`);
