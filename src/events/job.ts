/** Events of a job stream, `job:<id>`. */
export interface ChunkSpec<S extends object = Record<string, unknown>> {
  n: number;
  /** Kind-specific, plain JSON: byte range, time range, frame range... */
  spec: S;
}

export type JobEvent =
  | { type: 'JobCreated'; data: { jobId: string; kind: string; params: Record<string, unknown>; at: string } }
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
  | { type: 'JobPlanned'; data: { chunks: ChunkSpec[]; at: string } }
  | { type: 'ChunkReported'; data: { n: number; result: unknown; attempt?: number; at: string } }
  | { type: 'JobCompleted'; data: { result: unknown; at: string } }
  /** `detail`: the tool's own words (an ffmpeg stderr tail) when there are any. */
  | { type: 'JobFailed'; data: { reason: string; detail?: string | null; at: string } }
  | { type: 'JobCancelled'; data: { reason: string; at: string } }
  /** A failed or cancelled job runs again from planning, as attempt `attempt` (the first is 1). */
  | { type: 'JobRetried'; data: { attempt: number; at: string } };

export type JobEventType = JobEvent['type'];

export const jobStream = (jobId: string) => `job:${jobId}`;
