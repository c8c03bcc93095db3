/** Reads of the Chunk read model: a job's chunks for lane charts and its event history, and the local queue's depth. */
import type { Database } from 'bun:sqlite';
import { chunksTable, type ChunkView } from './chunks.ts';

/** A job's chunks: of one attempt by number, or (`attempt` absent) of every attempt, by attempt then number. */
export const chunksOfJob = (db: Database, jobId: string, attempt?: number): ChunkView[] =>
  attempt === undefined
    ? chunksTable.select(db, 'WHERE job_id = ? ORDER BY attempt, n', [jobId])
    : chunksTable.select(db, 'WHERE job_id = ? AND attempt = ? ORDER BY n', [jobId, attempt]);

/** Chunks of live attempts not started yet: running ones are RUNNING, and an ended attempt's are CANCELLED. */
export const queuedChunkCount = (db: Database): number => chunksTable.count(db, "WHERE status = 'QUEUED'");
