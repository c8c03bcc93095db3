/**
 * The live stream's connection: an EventSource on `/api/events` that
 * survives server restarts and spent tickets. EventSource cannot send
 * headers, so each connect first gets a single-use ticket (`?ticket=`). The
 * ticket is spent on connect, so the browser's own reconnect (which would
 * send it again, and get a 401) is never left to run: on any error the
 * source is closed and reopened here with a fresh ticket and `after=` the
 * last position seen, backing off up to 10 s. No EventSource or fetch here:
 * api.ts hands them in (and api.test.ts fakes).
 */
import type { LiveState, StoredEvent, Telemetry } from './types.ts';

export interface LiveHandlers {
  onLog?: (e: StoredEvent) => void;
  onTelemetry?: (t: Telemetry) => void;
  onState?: (s: LiveState) => void;
}

export interface LiveOptions {
  /** Start after this log position; absent: from now. */
  after?: number;
  job?: string;
  /** The highest position seen, asked again on each reconnect. */
  resumeFrom?: () => number | undefined;
}

export interface LiveDeps {
  /** A fresh ticket; null when there is no session (the app shows the login page, which closes this). Throws when the server cannot say. */
  ticket: () => Promise<string | null>;
  eventSource: (url: string) => EventSource;
  setTimer: (f: () => void, ms: number) => unknown;
  clearTimer: (t: unknown) => void;
}

const url = (q: { ticket: string; after?: number; job?: string }) => {
  const p = new URLSearchParams({ ticket: q.ticket });
  if (q.after !== undefined) p.set('after', String(q.after));
  if (q.job) p.set('job', q.job);
  return `/api/events?${p}`;
};

/** Opens the stream; answers how to close it. */
export const openLiveSource = (d: LiveDeps, opts: LiveOptions, h: LiveHandlers): (() => void) => {
  let es: EventSource | null = null;
  let stopped = false;
  let timer: unknown;
  let delay = 500;
  const later = () => {
    h.onState?.('reconnecting');
    timer = d.setTimer(() => void connect(opts.resumeFrom?.() ?? opts.after), delay);
    delay = Math.min(delay * 2, 10_000);
  };
  const frame =
    <T>(f: ((x: T) => void) | undefined) =>
    (m: Event) => {
      try {
        f?.(JSON.parse((m as MessageEvent<string>).data) as T);
      } catch {
        // A frame that is not JSON is not ours to show.
      }
    };
  const connect = async (after: number | undefined) => {
    h.onState?.('connecting');
    let ticket: string | null;
    try {
      ticket = await d.ticket();
    } catch {
      if (!stopped) later();
      return;
    }
    if (stopped) return;
    if (ticket === null) return h.onState?.('reconnecting');
    const source = d.eventSource(url({ ticket, after, job: opts.job }));
    es = source;
    source.onopen = () => {
      delay = 500;
      h.onState?.('open');
    };
    source.addEventListener('log', frame(h.onLog));
    source.addEventListener('telemetry', frame(h.onTelemetry));
    source.onerror = () => {
      source.close();
      if (stopped || es !== source) return;
      es = null;
      later();
    };
  };
  void connect(opts.after);
  return () => {
    stopped = true;
    d.clearTimer(timer);
    es?.close();
  };
};
