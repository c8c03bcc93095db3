/**
 * The latest live percent of each job, heard on the bus, so that REST
 * answers agree with SSE: the Job read model only moves when a chunk
 * reports, and a one-chunk job would read 0 % until it ends. Telemetry
 * only: lost on restart, never stored, and ignored once the job has ended
 * or moved to another attempt.
 */
import type { BusMessage, LiveBus } from '../live/bus.ts';
import type { JobView } from '../projections/index.ts';

export interface LiveProgress {
  /** The latest live percent of `jobId`'s `attempt`, or null when none was heard. */
  percent(jobId: string, attempt: number): number | null;
}

interface Heard {
  attempt: number;
  percent: number;
}

const RUNNING: ReadonlySet<string> = new Set(['PENDING', 'QUEUED', 'PROCESSING']);

/** Pure: the job with the live percent folded in; never 100 before the job completes (packaging comes last). */
export const withLiveProgress = (j: JobView, live: number | null): JobView =>
  live === null || !RUNNING.has(j.status) ? j : { ...j, progress: Math.max(j.progress, Math.min(99, Math.round(live * 10) / 10)) };

export const createLiveProgress = (bus: Pick<LiveBus, 'subscribe'>, maxJobs = 10_000): LiveProgress => {
  const heard = new Map<string, Heard>();
  bus.subscribe((m: BusMessage) => {
    if (m.kind !== 'job-progress') return;
    const d = m.data as { jobId?: unknown; attempt?: unknown; percent?: unknown } | null;
    if (typeof d?.jobId !== 'string' || typeof d.percent !== 'number' || !Number.isFinite(d.percent)) return;
    heard.delete(d.jobId); // re-insert: Map order doubles as LRU order
    heard.set(d.jobId, { attempt: typeof d.attempt === 'number' ? d.attempt : 1, percent: d.percent });
    if (heard.size > maxJobs) heard.delete(heard.keys().next().value!);
  });
  return {
    percent(jobId, attempt) {
      const h = heard.get(jobId);
      return h && h.attempt === attempt ? h.percent : null;
    },
  };
};

// One listener per bus, however many apps are made over it; it goes when the bus closes.
const perBus = new WeakMap<object, LiveProgress>();

export const liveProgressOf = (bus: Pick<LiveBus, 'subscribe'>): LiveProgress => {
  let live = perBus.get(bus);
  if (!live) {
    live = createLiveProgress(bus);
    perBus.set(bus, live);
  }
  return live;
};
