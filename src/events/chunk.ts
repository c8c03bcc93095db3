/**
 * Events of a chunk stream: one slice of one attempt of a job's work.
 * Attempt 1 is `chunk:<jobId>:<n>`; a retry's chunks are
 * `chunk:<jobId>:<n>:r<attempt>`, so each attempt's chunks start afresh
 * while every stream of a job keeps the `chunk:<jobId>:` prefix.
 */
export type ChunkEvent =
  | {
      type: 'ChunkCreated';
      data: { jobId: string; n: number; attempt?: number; kind: string; spec: Record<string, unknown>; params: Record<string, unknown>; at: string };
    }
  | { type: 'ChunkSucceeded'; data: { jobId: string; n: number; attempt?: number; result: unknown; at: string } }
  | { type: 'ChunkFailed'; data: { jobId: string; n: number; attempt?: number; reason: string; detail?: string | null; at: string } };

export const chunkStream = (jobId: string, n: number, attempt = 1) => (attempt > 1 ? `chunk:${jobId}:${n}:r${attempt}` : `chunk:${jobId}:${n}`);
