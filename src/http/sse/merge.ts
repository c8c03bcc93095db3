/**
 * Log events and telemetry merged into one sequence, plus a heartbeat every
 * `heartbeatMs`, handed out one item at a time and only when asked for
 * (`next()`, synchronous): the response asks while its client keeps up.
 *
 * Back-pressure: the log is read through a cursor (see
 * events/log/shared.ts), only when an item is asked for, so a slow reader
 * simply leaves it unread; the log is the buffer. Telemetry is pushed by
 * the bus and must be queued; beyond `maxQueued` the reader is hopelessly
 * behind, so the merge releases everything at once and ends. The client
 * reconnects with Last-Event-ID and catches up from the log, losing no
 * event (only ticks, which are not facts). Heartbeats due while the reader
 * is stalled collapse into one.
 *
 * When `next()` has nothing to give, `poke` is called once something may be
 * there: a log event, a tick, a heartbeat, or the end.
 */
import { LOG_END, type LogCursor } from '../../events/log/index.ts';
import type { BusMessage, LiveBus } from '../../live/bus.ts';
import { matchesEvent, matchesTelemetry, type EventFilter } from './filter.ts';
import type { SseItem } from './frames.ts';

export type CloseReason = 'aborted' | 'overflow' | 'ended' | 'failed';

export interface LiveSources {
  /** Opens the log at the stream's position; the cursor calls `wake` when it may have more. */
  openLog: (wake: () => void) => LogCursor;
  bus: Pick<LiveBus, 'subscribe'> | null;
  filter: EventFilter;
  heartbeatMs: number;
  /** Telemetry waiting for a slow reader beyond this ends the merge ('overflow'). */
  maxQueued: number;
  now: () => string;
  /** The client went away. */
  signal: AbortSignal;
  /** Called once, as soon as the cursor, the bus and the timer are released. */
  onClose?: (reason: CloseReason) => void;
}

/** What `next()` answers once the merge is over. */
export const MERGE_END: unique symbol = Symbol('merge end');

export interface Merge {
  /** The next item, if one is ready; null when none is (`poke` follows when one may be); MERGE_END once over. Throws the log's failure (the merge is then released). */
  next(): SseItem | null | typeof MERGE_END;
  /** Whether it is over (released). */
  released(): boolean;
}

/**
 * The bus subscription, the timer and the log cursor start now, not at the
 * first read, so no tick published right after the response is made goes
 * unheard; abort releases them even if the merge is never read.
 */
export const mergeLive = (src: LiveSources, poke: () => void): Merge => {
  const queue: BusMessage[] = [];
  let heartbeatDue = false;
  let released = false;
  let unsubscribe = () => {};
  let cursor: LogCursor | null = null;
  const timer = setInterval(() => {
    heartbeatDue = true;
    poke();
  }, src.heartbeatMs);
  const onAbort = () => release('aborted');
  const release = (reason: CloseReason) => {
    if (released) return;
    released = true;
    clearInterval(timer);
    unsubscribe();
    cursor?.close();
    queue.length = 0;
    src.signal.removeEventListener('abort', onAbort);
    poke();
    src.onClose?.(reason);
  };
  src.signal.addEventListener('abort', onAbort, { once: true });
  if (src.signal.aborted) release('aborted');
  if (!released) cursor = src.openLog(() => poke());
  if (src.bus && src.filter.telemetry && !released) {
    unsubscribe = src.bus.subscribe((m) => {
      if (released || !matchesTelemetry(src.filter, m)) return;
      if (queue.length >= src.maxQueued) return release('overflow');
      queue.push(m);
      if (queue.length === 1) poke();
    });
  }

  return {
    released: () => released,
    next() {
      if (released || !cursor) return MERGE_END;
      const tick = queue.shift();
      if (tick) return { kind: 'telemetry', msg: tick };
      if (heartbeatDue) {
        heartbeatDue = false;
        return { kind: 'heartbeat', at: src.now() };
      }
      for (;;) {
        let e: ReturnType<LogCursor['next']>;
        try {
          e = cursor.next();
        } catch (err) {
          release('failed');
          throw err;
        }
        if (e === null) return null;
        if (e === LOG_END) {
          release('ended');
          return MERGE_END;
        }
        if (matchesEvent(src.filter, e)) return { kind: 'log', event: e };
      }
    },
  };
};
