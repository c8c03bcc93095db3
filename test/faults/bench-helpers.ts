/**
 * What bench/scale.ts adds to the fault suite's harness: when a batch of
 * jobs ended (read from the log, not from a poll's granularity), what kind of
 * chunk a stream is, and the moment to inject a fault so that it measures the
 * fault alone (one worker encodes a video chunk, every other worker is idle
 * and free to take it over). The pure parts take the log's events; the rest
 * reads the log and /proc. Free of bun:test.
 */
import type { EventLog } from '../../src/events/log/index.ts';
import type { StoredEvent } from '../../src/events/types.ts';
import { readWholeLog } from './checks.ts';
import type { MprNode } from './cluster.ts';
import { ffmpegChildren, type ProcInfo, waitFor } from './procs.ts';
import { openChunksOf } from './verify.ts';

const JOB_ENDS = ['JobCompleted', 'JobFailed', 'JobCancelled'];

/** Pure: each chunk stream's spec type ('video', 'audio', ...), from its ChunkCreated. */
export const chunkTypes = (events: readonly StoredEvent[]): Map<string, string> => {
  const types = new Map<string, string>();
  for (const e of events) {
    if (e.type !== 'ChunkCreated' || !e.stream.startsWith('chunk:')) continue;
    const spec = (e.data as { spec?: { type?: unknown } }).spec;
    if (typeof spec?.type === 'string') types.set(e.stream, spec.type);
  }
  return types;
};

/**
 * Pure: when the last of `jobIds` ended (its first JobCompleted, JobFailed
 * or JobCancelled, as Date.parse of meta.at), or null while one has not.
 */
export const lastJobEndMs = (events: readonly StoredEvent[], jobIds: readonly string[]): number | null => {
  const ends = new Map<string, number>();
  for (const e of events) {
    if (!JOB_ENDS.includes(e.type) || !e.stream.startsWith('job:')) continue;
    const id = e.stream.slice('job:'.length);
    if (!ends.has(id)) ends.set(id, Date.parse(e.meta.at));
  }
  let last = -Infinity;
  for (const id of jobIds) {
    const at = ends.get(id);
    if (at === undefined) return null;
    last = Math.max(last, at);
  }
  return jobIds.length ? last : null;
};

/** Pure: jobs per minute for `jobs` done in `ms`. */
export const perMinute = (jobs: number, ms: number): number => (ms > 0 ? (jobs / ms) * 60_000 : NaN);

/** Waits until the log shows every one of `jobIds` ended; returns when the last ended (ms since the epoch, the appender's clock). */
export const jobsEndedAt = (log: EventLog, jobIds: readonly string[], timeoutMs: number): Promise<number> =>
  waitFor(async () => lastJobEndMs(await readWholeLog(log), jobIds), `${jobIds.length} jobs to end in the log`, timeoutMs, 250);

export interface Busy {
  node: MprNode;
  ffmpeg: ProcInfo;
  /** The chunk stream it holds. */
  stream: string;
}

/**
 * Pure: among `holding` (each live worker's open chunks and ffmpeg
 * children), the one worker that holds exactly one chunk of `type` with an
 * ffmpeg running while every other worker holds nothing; null otherwise.
 */
export const soleHolder = <N>(
  holding: readonly { node: N; open: readonly string[]; ffmpeg: readonly ProcInfo[] }[],
  types: ReadonlyMap<string, string>,
  type: string,
): { node: N; ffmpeg: ProcInfo; stream: string } | null => {
  const busy = holding.filter((h) => h.open.length > 0);
  const [only] = busy;
  if (busy.length !== 1 || !only || only.open.length !== 1) return null;
  const stream = only.open[0]!;
  const ffmpeg = only.ffmpeg[0];
  return types.get(stream) === type && ffmpeg ? { node: only.node, ffmpeg, stream } : null;
};

/**
 * Waits until one of `nodes` runs ffmpeg on a chunk of `type` and the others
 * are idle: a fault injected then is met by a free worker at once, so what
 * follows measures the fault handling, not a queue behind it.
 */
export const soleBusyWorker = (log: EventLog, nodes: () => readonly MprNode[], type: string, timeoutMs: number): Promise<Busy> =>
  waitFor(
    async () => {
      const events = await readWholeLog(log);
      const holding = nodes()
        .filter((n) => n.alive())
        .map((node) => ({ node, open: openChunksOf(events, node.pid), ffmpeg: ffmpegChildren(node.pid) }));
      return soleHolder(holding, chunkTypes(events), type);
    },
    `one worker alone to run ffmpeg on a ${type} chunk`,
    timeoutMs,
    100,
  );
