/**
 * The fault suite's steps around the checks of checks.ts: find a worker that
 * is encoding right now and the chunk it holds, read when the log recorded
 * something, and run every check on a cluster whose jobs ended (the API node
 * is stopped for `mpr projections rebuild`, and the caller starts it again
 * when more scenarios follow). Free of bun:test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EventLog } from '../../src/events/log/index.ts';
import type { StoredEvent } from '../../src/events/types.ts';
import type { Storage } from '../../src/storage/index.ts';
import {
  dumpDifferences,
  dumpReadModels,
  type ExpectedFailure,
  gapProblems,
  jobOutcomeProblems,
  outputProblems,
  readWholeLog,
  streamAgreementProblems,
} from './checks.ts';
import type { MprNode, OpenLog } from './cluster.ts';
import { ffmpegChildren, type ProcInfo, waitFor } from './procs.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Waits until one of `nodes` has an ffmpeg child (it is encoding a chunk now); returns the node and that ffmpeg. */
export const busyNode = (nodes: () => readonly MprNode[], timeoutMs: number): Promise<{ node: MprNode; ffmpeg: ProcInfo }> =>
  waitFor(
    () => {
      for (const node of nodes()) {
        const ff = node.alive() ? ffmpegChildren(node.pid) : [];
        if (ff[0]) return { node, ffmpeg: ff[0] };
      }
      return null;
    },
    'a worker to run ffmpeg',
    timeoutMs,
    20,
  );

/** ChunkStarted records the node as host-pid-random: whether a node name is this process's. */
export const isNodeOf = (worker: unknown, pid: number): boolean => typeof worker === 'string' && worker.includes(`-${pid}-`);

/** Pure: the chunk streams a process started and that have no outcome yet (what it held when it died). */
export const openChunksOf = (events: readonly StoredEvent[], pid: number): string[] => {
  const open = new Set<string>();
  for (const e of events) {
    if (!e.stream.startsWith('chunk:')) continue;
    if (e.type === 'ChunkStarted' && isNodeOf((e.data as Json).worker, pid)) open.add(e.stream);
    else if (e.type === 'ChunkSucceeded' || e.type === 'ChunkFailed' || e.type === 'ChunkCancelled') open.delete(e.stream);
  }
  return [...open];
};

/** The chunk a worker with one slot holds: its one open chunk, once the log shows it. */
export const heldChunk = (log: EventLog, pid: number, timeoutMs = 20_000): Promise<string> =>
  waitFor(
    async () => {
      const open = openChunksOf(await readWholeLog(log), pid);
      if (open.length > 1) throw new Error(`pid ${pid} holds ${open.length} chunks at once (${open.join(', ')}); a worker here has one slot`);
      return open[0] ?? null;
    },
    `the chunk pid ${pid} runs to show in the log`,
    timeoutMs,
    100,
  );

/** Waits for the first event of `stream` that `match` accepts; returns it (its meta.at is the appender's clock: this machine's). */
export const eventIn = (log: EventLog, stream: string, match: (e: StoredEvent) => boolean, what: string, timeoutMs: number): Promise<StoredEvent> =>
  waitFor(async () => (await log.readStream(stream)).find(match) ?? null, what, timeoutMs, 100);

/** Seconds from `t0` (Date.now()) to when the event was recorded. */
export const secondsSince = (t0: number, e: StoredEvent): number => (Date.parse(e.meta.at) - t0) / 1000;

export interface VerifyTarget {
  /** The API node whose data folder holds the read models; verify stops it (for the rebuild). */
  api: MprNode;
  openLog(): OpenLog;
  output: Storage;
  rebuild(node: MprNode): Promise<string>;
  /** Temp space for outputs copied from S3. */
  root: string;
}

/**
 * Every check of the issue on jobs that ended: their outcomes and chunk
 * results, the log's versions (and each stream against the global log),
 * every rendition decoding cleanly with none doubled, then the API node
 * stopped and its read models compared with `mpr projections rebuild`'s.
 * Returns every problem found (empty: all held).
 */
export const verifyJobs = async (t: VerifyTarget, jobs: readonly Json[], expectedFailure?: ExpectedFailure): Promise<string[]> => {
  const problems: string[] = [];
  const { log, close } = t.openLog();
  try {
    const events = await readWholeLog(log);
    problems.push(...jobOutcomeProblems(events, jobs, expectedFailure));
    problems.push(...gapProblems(events));
    problems.push(...(await streamAgreementProblems(log, events)));
  } finally {
    await close();
  }
  const scratch = mkdtempSync(join(t.root, 'outputs-'));
  try {
    problems.push(...(await outputProblems(t.output, jobs, scratch)));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  await t.api.stop();
  const live = dumpReadModels(t.api.dataDir);
  await t.rebuild(t.api);
  problems.push(...dumpDifferences(live, dumpReadModels(t.api.dataDir)).map((p) => `rebuild differs: ${p}`));
  return problems;
};
