/**
 * One job: its row, its log (GET /events, then SSE `?job=` from the last
 * position, so nothing is missed at the seam), chunks, time travel and fork.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import { appendInOrder, chunkOfStream, createDedupe } from '../live.ts';
import type { Chunk, ForkPreview, Job, JobStateAt, LiveState, StoredEvent, Telemetry } from '../types.ts';
import { isActive } from './jobs.ts';
import { createProgressStore } from './progress.ts';

export type JobDetailApi = Pick<Api, 'getJob' | 'jobEvents' | 'jobChunks' | 'jobStateAt' | 'forkJob' | 'cancelJob' | 'retryJob' | 'live'>;

const chunkKey = (attempt: number, n: number) => `${attempt}:${n}`;

export const isPreview = (r: Job | ForkPreview): r is ForkPreview => 'reused' in r && !('id' in r);

export const createJobDetailStore = (api: JobDetailApi, id: string) => {
  const [job, setJob] = createSignal<Job | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [events, setEvents] = createSignal<StoredEvent[]>([]);
  const [chunks, setChunks] = createSignal<Chunk[]>([]);
  /** Live percent by `${attempt}:${n}` (chunkKey). */
  const [chunkPercent, setChunkPercent] = createSignal<Record<string, number>>({});
  /** The attempt whose lanes are shown; null follows the job's current one (a retry moves on). */
  const [pickedAttempt, setPickedAttempt] = createSignal<number | null>(null);
  const [liveState, setLiveState] = createSignal<LiveState>('connecting');
  const [scrubbed, setScrubbed] = createSignal<number | null>(null);
  const [stateAt, setStateAt] = createSignal<JobStateAt | null>(null);
  const [stateError, setStateError] = createSignal<string | null>(null);
  const [actionError, setActionError] = createSignal<string | null>(null);
  const progress = createProgressStore();
  const dedupe = createDedupe();
  let close: (() => void) | null = null;

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
  let chunkSeq = 0;
  const fetchChunks = async () => {
    const mine = ++chunkSeq;
    try {
      const { items } = await api.jobChunks(id, pickedAttempt() ?? undefined);
      // A slower answer for an attempt no longer picked must not replace the newer one.
      if (mine === chunkSeq) setChunks(items);
    } catch {
      // Lanes keep their last picture; the next event refreshes them.
    }
  };

  /**
   * The attempt shown: the one picked, else the newest among the chunks
   * (the current attempt's, which the server answers by default; a server
   * that sends every attempt's chunks still shows one set).
   */
  const shownAttempt = (): number => pickedAttempt() ?? (Math.max(0, ...chunks().map((c) => c.attempt)) || (job()?.attempt ?? 1));
  const laneChunks = (): Chunk[] => chunks().filter((c) => c.attempt === shownAttempt()).sort((a, b) => a.n - b.n);
  /** Every attempt the job has had, newest first. */
  const attempts = (): number[] => {
    const last = Math.max(job()?.attempt ?? 1, ...chunks().map((c) => c.attempt));
    return Array.from({ length: last }, (_, i) => last - i);
  };
  const pickAttempt = (n: number | null) => {
    // Picking the current attempt is following it.
    setPickedAttempt(n !== null && n === job()?.attempt ? null : n);
    return fetchChunks();
  };
  const percentOf = (c: Pick<Chunk, 'attempt' | 'n'>): number | undefined => chunkPercent()[chunkKey(c.attempt, c.n)];

  const timers: Record<string, ReturnType<typeof setTimeout> | undefined> = {};
  const soon = (key: string, f: () => Promise<void>, ms = 150) => {
    if (timers[key]) return;
    timers[key] = setTimeout(() => {
      timers[key] = undefined;
      void f();
    }, ms);
  };

  const onLog = (e: StoredEvent) => {
    if (!dedupe.accept(e.position)) return;
    setEvents((list) => appendInOrder(list, e));
    if (e.stream === `job:${id}`) soon('job', fetchJob);
    const c = chunkOfStream(e.stream);
    if (c) {
      soon('chunks', fetchChunks);
      const k = chunkKey(c.attempt, c.n);
      if (e.type !== 'ChunkProgress') setChunkPercent((m) => ({ ...m, [k]: e.type === 'ChunkSucceeded' ? 100 : m[k] ?? 0 }));
    }
    if (e.type === 'JobPlanned' || e.type === 'JobForked' || e.type === 'JobRetried') soon('chunks', fetchChunks);
  };

  const onTelemetry = (t: Telemetry) => {
    if (t.data?.jobId !== id) return;
    if (t.kind === 'job-progress') progress.apply(t);
    else if (t.kind === 'chunk-progress' && typeof t.data.n === 'number') {
      const k = chunkKey(t.data.attempt ?? job()?.attempt ?? 1, t.data.n);
      setChunkPercent((m) => ({ ...m, [k]: t.data.percent }));
    }
  };

  const start = async () => {
    await Promise.all([fetchJob(), fetchChunks()]);
    try {
      const { items } = await api.jobEvents(id);
      const sorted = [...items].sort((a, b) => a.position - b.position);
      setEvents(sorted);
      for (const e of sorted) dedupe.accept(e.position);
    } catch (e) {
      setError((prev) => prev ?? errorText(e));
    }
    if (!close) open();
  };

  const open = () => {
    close = api.live(
      { job: id, after: dedupe.high(), resumeFrom: () => dedupe.high() },
      {
        onLog,
        onTelemetry,
        onState: (s) => {
          setLiveState(s);
          // After a reconnect, re-read what a restart may have changed.
          if (s === 'open') soon('job', fetchJob, 0);
        },
      },
    );
  };
  /** The app saw the server go away and come back: reopen from the last position (see live store's suspend). */
  const reopen = () => {
    close?.();
    open();
    void fetchChunks();
  };

  const stop = () => {
    close?.();
    close = null;
    for (const t of Object.values(timers)) clearTimeout(t);
  };

  let stateSeq = 0;
  const scrub = async (position: number) => {
    setScrubbed(position);
    const mine = ++stateSeq;
    try {
      const s = await api.jobStateAt(id, position);
      if (mine !== stateSeq) return;
      setStateAt(s);
      setStateError(null);
    } catch (e) {
      if (mine === stateSeq) setStateError(errorText(e));
    }
  };

  const act = async (f: (id: string) => Promise<Job>) => {
    setActionError(null);
    try {
      setJob(await f(id));
    } catch (e) {
      setActionError(errorText(e));
    }
  };

  /** Parses the overrides textarea: empty → none; otherwise a JSON object. */
  const parseOverrides = (text: string): { ok: true; value: Record<string, unknown> | undefined } | { ok: false; message: string } => {
    if (!text.trim()) return { ok: true, value: undefined };
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, message: 'Overrides must be a JSON object, like {"presetId": "mp4-720p"}.' };
      return { ok: true, value: v as Record<string, unknown> };
    } catch (e) {
      return { ok: false, message: `Overrides are not valid JSON: ${e instanceof Error ? e.message : String(e)}.` };
    }
  };

  const fork = async (fromPosition: number, overrides: Record<string, unknown> | undefined, dryRun: boolean): Promise<Job | ForkPreview> =>
    api.forkJob(id, { fromPosition, overrides, dryRun });

  return {
    id, job, error, events, chunks, chunkPercent, percentOf, laneChunks, shownAttempt, pickedAttempt, attempts, pickAttempt, liveState, scrubbed, stateAt, stateError, actionError, progress,
    start, stop, reopen, scrub, fork, parseOverrides, onLog, onTelemetry,
    cancel: () => act(api.cancelJob),
    retry: () => act(api.retryJob),
    refresh: () => Promise.all([fetchJob(), fetchChunks()]),
  };
};

export type JobDetailStore = ReturnType<typeof createJobDetailStore>;
