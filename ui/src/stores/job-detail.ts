/**
 * One job: its row, its log (GET /events, then SSE `?job=` from the last
 * position, so nothing is missed at the seam), chunks, time travel and fork.
 * The parts live in job-detail-events.ts, job-detail-chunks.ts and
 * job-detail-time-travel.ts; this store routes the live stream to them.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import { chunkOfStream } from '../live.ts';
import type { ForkSummary as ForkPreview } from '../../../src/types/api.ts';
import type { Job, StoredEvent, Telemetry } from '../types.ts';
import { createChunkLanesStore } from './job-detail-chunks.ts';
import { createJobEventsStore } from './job-detail-events.ts';
import { createTimeTravelStore } from './job-detail-time-travel.ts';
import { isActive } from './jobs.ts';
import { createProgressStore, type ProgressStore } from './progress.ts';

export type JobDetailApi = Pick<Api, 'getJob' | 'jobEvents' | 'jobChunks' | 'jobStateAt' | 'forkJob' | 'cancelJob' | 'retryJob' | 'live'>;

export const isPreview = (r: Job | ForkPreview): r is ForkPreview => 'reused' in r && !('id' in r);

/** Runs each key's refresh once, `ms` after the first call; calls meanwhile join it (a burst of events is one fetch). */
const createCoalescer = () => {
  const timers: Record<string, ReturnType<typeof setTimeout> | undefined> = {};
  const soon = (key: string, f: () => Promise<void>, ms = 150) => {
    if (timers[key]) return;
    timers[key] = setTimeout(() => {
      timers[key] = undefined;
      void f();
    }, ms);
  };
  const clear = () => {
    for (const t of Object.values(timers)) clearTimeout(t);
  };
  return { soon, clear };
};

/** The job's row, re-read after its own events, and the actions on it (an action answers with the new row). */
const createJobRowStore = (api: Pick<Api, 'getJob' | 'cancelJob' | 'retryJob'>, id: string, progress: ProgressStore) => {
  const [job, setJob] = createSignal<Job | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [actionError, setActionError] = createSignal<string | null>(null);

  const fetchJob = async () => {
    try {
      const j = await api.getJob(id);
      setJob(j);
      setError(null);
      if (!isActive(j.status)) progress.clear(id);
    } catch (e) {
      setError(errorText(e));
    }
  };
  /** A failure elsewhere on the page, shown unless the row's own is. */
  const noteError = (e: unknown) => setError((prev) => prev ?? errorText(e));

  const act = async (f: (id: string) => Promise<Job>) => {
    setActionError(null);
    try {
      setJob(await f(id));
    } catch (e) {
      setActionError(errorText(e));
    }
  };

  return { job, error, actionError, fetchJob, noteError, cancel: () => act(api.cancelJob), retry: () => act(api.retryJob) };
};

export const createJobDetailStore = (api: JobDetailApi, id: string) => {
  const progress = createProgressStore();
  const row = createJobRowStore(api, id, progress);
  const lanes = createChunkLanesStore(api, id, row.job);
  const travel = createTimeTravelStore(api, id);
  const { soon, clear } = createCoalescer();

  const onLog = (e: StoredEvent) => {
    if (!log.accept(e)) return;
    if (e.stream === `job:${id}`) soon('job', row.fetchJob);
    const c = chunkOfStream(e.stream);
    if (c) {
      soon('chunks', lanes.fetchChunks);
      lanes.noteEvent(c, e.type);
    }
    if (e.type === 'JobPlanned' || e.type === 'JobForked' || e.type === 'JobRetried') soon('chunks', lanes.fetchChunks);
  };

  const onTelemetry = (t: Telemetry) => {
    if (t.data?.jobId !== id) return;
    if (t.kind === 'job-progress') progress.apply(t);
    else if (t.kind === 'chunk-progress' && typeof t.data.n === 'number') lanes.notePercent(t.data.attempt, t.data.n, t.data.percent);
  };

  // After a reconnect, re-read what a restart may have changed.
  const log = createJobEventsStore(api, id, { onLog, onTelemetry, onOpen: () => soon('job', row.fetchJob, 0) });

  const start = async () => {
    await Promise.all([row.fetchJob(), lanes.fetchChunks()]);
    try {
      await log.load();
    } catch (e) {
      row.noteError(e);
    }
    log.connect();
  };
  /** The app saw the server go away and come back: reopen from the last position (see live store's suspend). */
  const reopen = () => {
    log.reconnect();
    void lanes.fetchChunks();
  };
  const stop = () => {
    log.disconnect();
    clear();
  };

  const { job, error, actionError, cancel, retry } = row;
  const { chunks, chunkPercent, percentOf, laneChunks, shownAttempt, pickedAttempt, attempts, pickAttempt } = lanes;
  const { scrubbed, stateAt, stateError, scrub, fork, parseOverrides } = travel;
  return {
    id,
    job,
    error,
    events: log.events,
    chunks,
    chunkPercent,
    percentOf,
    laneChunks,
    shownAttempt,
    pickedAttempt,
    attempts,
    pickAttempt,
    liveState: log.liveState,
    scrubbed,
    stateAt,
    stateError,
    actionError,
    progress,
    start,
    stop,
    reopen,
    scrub,
    fork,
    parseOverrides,
    onLog,
    onTelemetry,
    cancel,
    retry,
    refresh: () => Promise.all([row.fetchJob(), lanes.fetchChunks()]),
  };
};

export type JobDetailStore = ReturnType<typeof createJobDetailStore>;
