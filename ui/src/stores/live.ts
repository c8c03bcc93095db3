/**
 * The one system-wide SSE connection: a capped newest-first feed of log events
 * plus fan-out to other stores (jobs list, status strip) so the page holds a
 * single EventSource however many views listen.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { createDedupe, matchesText, mergeNewestFirst, streamKind } from '../live.ts';
import type { LiveState, StoredEvent, Telemetry } from '../types.ts';

export type LiveApi = Pick<Api, 'live'>;

export const createLiveStore = (api: LiveApi, cap = 300) => {
  const [events, setEvents] = createSignal<StoredEvent[]>([]);
  const [state, setState] = createSignal<LiveState>('connecting');
  const [text, setText] = createSignal('');
  const [kind, setKind] = createSignal('');
  const dedupe = createDedupe();
  const logListeners = new Set<(e: StoredEvent) => void>();
  const telemetryListeners = new Set<(t: Telemetry) => void>();
  let close: (() => void) | null = null;

  // Frames can come in bursts (a job's plan creates many chunks): batch renders per tick.
  let pending: StoredEvent[] = [];
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    setEvents((list) => mergeNewestFirst(list, batch, cap));
  };

  const receive = (e: StoredEvent) => {
    if (!dedupe.accept(e.position)) return;
    pending.push(e);
    if (!flushScheduled) {
      flushScheduled = true;
      queueMicrotask(flush);
    }
    for (const f of logListeners) f(e);
  };

  /** Opens the stream; `after` replays recent history (e.g. head − 100) before going live. */
  const start = (after?: number) => {
    if (close) return;
    if (after !== undefined) dedupe.raise(after);
    close = api.live(
      { after, resumeFrom: () => (dedupe.high() > 0 ? dedupe.high() : after) },
      {
        onLog: receive,
        onTelemetry: (t) => {
          for (const f of telemetryListeners) f(t);
        },
        onState: setState,
      },
    );
  };

  const filtered = () => {
    const q = text();
    const k = kind();
    return events().filter((e) => (!k || streamKind(e.stream) === k) && matchesText(e, q));
  };

  let suspended = false;
  /**
   * The status poll failed: the server is gone. A dev proxy can keep a dead
   * upstream's SSE response open (no error ever fires), so close it here and
   * reopen from the last position once the server answers again.
   */
  const suspend = () => {
    if (!close || suspended) return;
    suspended = true;
    close();
    close = null;
    setState('reconnecting');
  };
  const resume = () => {
    if (!suspended) return;
    suspended = false;
    const after = dedupe.high() || undefined;
    close = api.live(
      { after, resumeFrom: () => dedupe.high() || after },
      {
        onLog: receive,
        onTelemetry: (t) => {
          for (const f of telemetryListeners) f(t);
        },
        onState: setState,
      },
    );
  };

  return {
    events,
    filtered,
    state,
    text,
    setText,
    kind,
    setKind,
    start,
    suspend,
    resume,
    suspended: () => suspended,
    stop: () => {
      close?.();
      close = null;
    },
    high: () => dedupe.high(),
    onLog: (f: (e: StoredEvent) => void) => {
      logListeners.add(f);
      return () => logListeners.delete(f);
    },
    onTelemetry: (f: (t: Telemetry) => void) => {
      telemetryListeners.add(f);
      return () => telemetryListeners.delete(f);
    },
    /** Test seam: what a frame does. */
    receive,
    flush,
  };
};

export type LiveStore = ReturnType<typeof createLiveStore>;
