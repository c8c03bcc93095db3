/** Pure helpers for the live event stream: dedupe by log position, merge into capped lists. */
import type { StoredEvent } from './types.ts';

/**
 * Keeps the highest log position seen and says whether an event is new.
 * EventSource resumes with Last-Event-ID and our own reconnects pass `after=`,
 * so repeats should not happen — but a catch-up read racing a live stream can
 * still deliver one, so anything at or below the mark is dropped.
 */
export const createDedupe = (start = 0) => {
  let high = start;
  return {
    accept(position: number): boolean {
      if (!Number.isFinite(position) || position <= high) return false;
      high = position;
      return true;
    },
    high: () => high,
    raise(p: number) {
      if (p > high) high = p;
    },
  };
};

/** Newest-first list with new events in front, no duplicate positions, at most `cap` rows. */
export const mergeNewestFirst = (list: StoredEvent[], incoming: StoredEvent[], cap: number): StoredEvent[] => {
  if (incoming.length === 0) return list;
  const seen = new Set(list.map((e) => e.position));
  const fresh = incoming.filter((e) => {
    if (seen.has(e.position)) return false;
    seen.add(e.position);
    return true;
  });
  if (fresh.length === 0) return list;
  const merged = [...fresh.sort((a, b) => b.position - a.position), ...list];
  // Out-of-order arrivals (rare: a catch-up overlapping live) are put back in order.
  for (let i = 1; i < merged.length; i++) {
    if (merged[i]!.position > merged[i - 1]!.position) {
      merged.sort((a, b) => b.position - a.position);
      break;
    }
  }
  return merged.length > cap ? merged.slice(0, cap) : merged;
};

/** Oldest-first list (a job's log) with an event appended in order, duplicates ignored. */
export const appendInOrder = (list: StoredEvent[], e: StoredEvent): StoredEvent[] => {
  const last = list.at(-1);
  if (!last || e.position > last.position) return [...list, e];
  if (list.some((x) => x.position === e.position)) return list;
  return [...list, e].sort((a, b) => a.position - b.position);
};

/** `job:abc` → 'job', `chunk:abc:0` → 'chunk'. */
export const streamKind = (stream: string): string => stream.split(':')[0] ?? stream;

/** The job a stream belongs to: `job:<id>`, `chunk:<id>:<n>`, `stage:<id>:…`. */
export const jobOfStream = (stream: string): string | null => {
  const [kind, id] = stream.split(':');
  return (kind === 'job' || kind === 'chunk' || kind === 'stage') && id ? id : null;
};

/**
 * A chunk stream's job, number and attempt: `chunk:<job>:<n>` is attempt 1,
 * `chunk:<job>:<n>:r<attempt>` a later one (src/events/chunk.ts).
 */
export const chunkOfStream = (stream: string): { jobId: string; n: number; attempt: number } | null => {
  const m = /^chunk:([^:]+):(\d+)(?::r(\d+))?$/.exec(stream);
  return m ? { jobId: m[1]!, n: Number(m[2]), attempt: m[3] === undefined ? 1 : Number(m[3]) } : null;
};

/** Does an event match a feed's text filter (type, stream, or payload)? */
export const matchesText = (e: StoredEvent, q: string): boolean => {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  if (e.type.toLowerCase().includes(needle) || e.stream.toLowerCase().includes(needle)) return true;
  try {
    return JSON.stringify(e.data).toLowerCase().includes(needle);
  } catch {
    return false;
  }
};
