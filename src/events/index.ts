export type { EventMeta, EventShape, NewEvent, StoredEvent, CorruptEventData } from './types.ts';
export { CORRUPT_EVENT } from './types.ts';
export type { JobEvent, JobEventType, ChunkSpec } from './job.ts';
export { jobStream } from './job.ts';
export type { ChunkEvent } from './chunk.ts';
export { chunkStream } from './chunk.ts';
export type { StageEvent } from './stage.ts';
export { stageStream } from './stage.ts';
export type { EventLog, AppendResult, LogBackend } from './log/index.ts';

/** `job:abc` → `job`; `chunk:abc:3` → `chunk`. */
export const streamKind = (stream: string): string => stream.split(':', 1)[0]!;
/** `job:abc` → `abc`; `chunk:abc:3` → `abc:3`; a name without a kind is its own id. */
export const streamId = (stream: string): string => stream.slice(stream.indexOf(':') + 1);
