/**
 * A job's log for the job detail store (job-detail.ts): the events read
 * with GET /events, then the live stream (SSE `?job=`) opened from the last
 * position read, so nothing is missed at the seam and nothing shows twice.
 */
import { createSignal } from 'solid-js';
import type { Api, LiveHandlers } from '../api.ts';
import { appendInOrder, createDedupe } from '../live.ts';
import type { LiveState, StoredEvent } from '../types.ts';

export type JobEventsApi = Pick<Api, 'jobEvents' | 'live'>;

/** `onLog` hears every event that streams in, repeats included (it calls `accept`). */
export const createJobEventsStore = (api: JobEventsApi, id: string, h: Required<Pick<LiveHandlers, 'onLog' | 'onTelemetry'>> & { onOpen: () => void }) => {
  const [events, setEvents] = createSignal<StoredEvent[]>([]);
  const [liveState, setLiveState] = createSignal<LiveState>('connecting');
  const dedupe = createDedupe();
  let close: (() => void) | null = null;

  /** Adds an event unless its position was seen; says whether it was new. */
  const accept = (e: StoredEvent): boolean => {
    if (!dedupe.accept(e.position)) return false;
    setEvents((list) => appendInOrder(list, e));
    return true;
  };

  /** The log so far, replacing what was shown; throws what the API throws. */
  const load = async () => {
    const { items } = await api.jobEvents(id);
    const sorted = [...items].sort((a, b) => a.position - b.position);
    setEvents(sorted);
    for (const e of sorted) dedupe.accept(e.position);
  };

  const open = () => {
    close = api.live(
      { job: id, after: dedupe.high(), resumeFrom: () => dedupe.high() },
      {
        onLog: h.onLog,
        onTelemetry: h.onTelemetry,
        onState: (s) => {
          setLiveState(s);
          if (s === 'open') h.onOpen();
        },
      },
    );
  };
  /** Opens the stream unless it is open already. */
  const connect = () => {
    if (!close) open();
  };
  const reconnect = () => {
    close?.();
    open();
  };
  const disconnect = () => {
    close?.();
    close = null;
  };

  return { events, liveState, accept, load, connect, reconnect, disconnect };
};
