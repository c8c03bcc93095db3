/**
 * A job's chunk lanes, part of the job detail store (job-detail.ts): the
 * chunks of the attempt shown, which attempt that is, and each chunk's live
 * percent (from chunk events and `chunk-progress` telemetry).
 */
import { createSignal, type Accessor } from 'solid-js';
import type { Api } from '../api.ts';
import type { Chunk, Job } from '../types.ts';

export type ChunkLanesApi = Pick<Api, 'jobChunks'>;

const chunkKey = (attempt: number, n: number) => `${attempt}:${n}`;

export const createChunkLanesStore = (api: ChunkLanesApi, id: string, job: Accessor<Job | null>) => {
  const [chunks, setChunks] = createSignal<Chunk[]>([]);
  /** Live percent by `${attempt}:${n}` (chunkKey). */
  const [chunkPercent, setChunkPercent] = createSignal<Record<string, number>>({});
  /** The attempt whose lanes are shown; null follows the job's current one (a retry moves on). */
  const [pickedAttempt, setPickedAttempt] = createSignal<number | null>(null);

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
  const laneChunks = (): Chunk[] =>
    chunks()
      .filter((c) => c.attempt === shownAttempt())
      .sort((a, b) => a.n - b.n);
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

  /**
   * A chunk's own event: a success is 100%, a stall (its ffmpeg killed, the
   * chunk run again from the start) 0%, any other (but a progress tick) starts
   * its lane at 0% if it had none.
   */
  const noteEvent = (c: Pick<Chunk, 'attempt' | 'n'>, type: string) => {
    const k = chunkKey(c.attempt, c.n);
    const percent = (was: number | undefined) => (type === 'ChunkSucceeded' ? 100 : type === 'ChunkStalled' ? 0 : (was ?? 0));
    if (type !== 'ChunkProgress') setChunkPercent((m) => ({ ...m, [k]: percent(m[k]) }));
  };
  /** A `chunk-progress` tick; one without an attempt is the job's current attempt's. */
  const notePercent = (attempt: number | undefined, n: number, percent: number) => {
    const k = chunkKey(attempt ?? job()?.attempt ?? 1, n);
    setChunkPercent((m) => ({ ...m, [k]: percent }));
  };

  return { chunks, chunkPercent, pickedAttempt, shownAttempt, laneChunks, attempts, pickAttempt, percentOf, fetchChunks, noteEvent, notePercent };
};
