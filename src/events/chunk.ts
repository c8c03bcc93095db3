/** Events of a chunk stream, `chunk:<jobId>:<n>`: one slice of a job's work. */
export type ChunkEvent =
  | { type: 'ChunkCreated'; data: { jobId: string; n: number; kind: string; spec: Record<string, unknown>; params: Record<string, unknown>; at: string } }
  | { type: 'ChunkSucceeded'; data: { jobId: string; n: number; result: unknown; at: string } }
  | { type: 'ChunkFailed'; data: { jobId: string; n: number; reason: string; at: string } };

export const chunkStream = (jobId: string, n: number) => `chunk:${jobId}:${n}`;
