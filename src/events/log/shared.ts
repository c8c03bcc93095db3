/**
 * One live subscription to the log per process, shared by every reader that
 * only follows it (the event streams of /api/events): with one subscription
 * each, an append woke every client to read and decode the same event (a
 * SQLite read or a blocking Redis connection apiece), and the last of 200
 * clients heard of it tens of milliseconds late.
 *
 * The subscription keeps the latest events in a window. Each reader has a
 * cursor: its own position in the window, read synchronously. A cursor
 * that starts before the window, or falls out of it because its reader is
 * slow, reads the log itself (readAll, a page at a time) until it is inside
 * the window again. So no reader waits for another, none is cut off for
 * being slow, the window's memory is bounded, and every cursor gives every
 * event after its position exactly once and in order, as `subscribe` does.
 *
 * A cursor with nothing to give registers its `wake`, which the
 * subscription calls (synchronously, once) when an event arrives: the
 * reader then takes it at once, in the same turn of the event loop.
 *
 * The subscription starts with the first cursor and stops when the last one
 * closes (a Redis log closes its blocking connection then). When it ends
 * (the log closed) or fails, every cursor in the window ends or fails with
 * it, as its own subscription would have; the next cursor starts afresh.
 */
import type { StoredEvent } from '../types.ts';
import type { EventLog } from './index.ts';

export type SharedLog = Pick<EventLog, 'subscribe' | 'readAll' | 'head'>;

/** What a cursor answers when the log has ended (closed): nothing more will come. */
export const LOG_END: unique symbol = Symbol('log end');

export interface LogCursor {
  /**
   * The next event after the cursor, if it can be had now; null when none
   * can yet (`wake` is then called once when one may), LOG_END when the log
   * ended. Throws the log's failure.
   */
  next(): StoredEvent | null | typeof LOG_END;
  /** Lets go; the last cursor to close stops the subscription. */
  close(): void;
}

export interface SharedSubscription {
  cursor(afterPosition: number, wake: () => void): LogCursor;
  /** Open cursors (tests check that one subscription serves many, and that closing releases it). */
  readers(): number;
  /** Whether the one subscription to the log is open. */
  live(): boolean;
}

export interface SharedOptions {
  /** Events the window keeps; a reader further behind reads the log. 1024. */
  window?: number;
  /** Events per readAll page while a cursor catches up. 512. */
  page?: number;
}

/** The window and the one subscription filling it, for as long as it has cursors. */
interface Feed {
  /** Every event with position > `coveredAfter`, up to the latest heard, in order. */
  events: StoredEvent[];
  /** The sequence number of events[0]: it only grows, so a cursor's place survives trimming. */
  base: number;
  /** Set once the subscription's start (the head when it opened) is known. */
  started: boolean;
  coveredAfter: number;
  ended: boolean;
  failure: { error: unknown } | null;
  cursors: number;
  /** The wake of each cursor that has nothing to give, called once. */
  waiting: (() => void)[];
  stop: AbortController;
}

export const createSharedSubscription = (log: SharedLog, opts: SharedOptions = {}): SharedSubscription => {
  const windowSize = Math.max(1, opts.window ?? 1024);
  const pageSize = Math.max(1, opts.page ?? 512);
  let feed: Feed | null = null;

  const wakeAll = (f: Feed) => {
    const waiting = f.waiting;
    f.waiting = [];
    for (const wake of waiting) {
      try {
        wake();
      } catch {
        // One reader's failure is its own; the others still hear.
      }
    }
  };

  const open = (): Feed => {
    const f: Feed = {
      events: [],
      base: 0,
      started: false,
      coveredAfter: 0,
      ended: false,
      failure: null,
      cursors: 0,
      waiting: [],
      stop: new AbortController(),
    };
    const finish = (failure: { error: unknown } | null) => {
      f.started = true;
      f.ended = true;
      f.failure = failure;
      if (feed === f) feed = null;
      wakeAll(f);
    };
    void (async () => {
      try {
        f.coveredAfter = await log.head();
        f.started = true;
        wakeAll(f);
        for await (const e of log.subscribe(f.coveredAfter, f.stop.signal)) {
          f.events.push(e);
          // Trimmed by half a window at a time, so the copy is paid once per half a window.
          if (f.events.length >= 2 * windowSize) {
            const dropped = f.events.length - windowSize;
            f.coveredAfter = f.events[dropped - 1]!.position;
            f.events = f.events.slice(dropped);
            f.base += dropped;
          }
          wakeAll(f);
        }
        finish(null);
      } catch (error) {
        finish(f.stop.signal.aborted ? null : { error });
      }
    })();
    return f;
  };

  /** The sequence number of the first event in the window after `position`. */
  const seqAfter = (f: Feed, position: number): number => {
    let lo = 0;
    let hi = f.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (f.events[mid]!.position <= position) lo = mid + 1;
      else hi = mid;
    }
    return f.base + lo;
  };

  const cursor = (afterPosition: number, wake: () => void): LogCursor => {
    if (!feed || feed.ended) feed = open();
    const f = feed;
    f.cursors += 1;
    let closed = false;
    let waiting = false;
    let last = afterPosition;
    let seq = -1;
    // Catching up from the log: the page being given out, and the read in flight.
    let page: StoredEvent[] = [];
    let pageAt = 0;
    let reading = false;
    let readEmpty = false;
    let failure: { error: unknown } | null = null;

    const onWake = () => {
      waiting = false;
      if (!closed) wake();
    };
    const wait = (): null => {
      if (!waiting) {
        waiting = true;
        f.waiting.push(onWake);
      }
      return null;
    };
    const readPage = () => {
      reading = true;
      log.readAll(last, pageSize).then(
        (events) => {
          reading = false;
          page = events;
          pageAt = 0;
          readEmpty = events.length === 0;
          if (!closed) wake();
        },
        (error: unknown) => {
          reading = false;
          failure = { error };
          if (!closed) wake();
        },
      );
    };

    return {
      next() {
        if (closed) return LOG_END;
        if (failure) throw failure.error;
        if (!f.started) return wait();
        for (;;) {
          if (pageAt < page.length) {
            const e = page[pageAt++]!;
            last = e.position;
            return e;
          }
          // Not placed in the window yet, or fallen out of it: while the window does not
          // reach back to `last`, read the log itself. (An empty page cannot leave `last`
          // short of the window, which starts at a stored event or at 0: place it then.)
          if (seq < f.base) {
            if (last < f.coveredAfter && !readEmpty) {
              if (!reading) readPage();
              return null;
            }
            readEmpty = false;
            seq = seqAfter(f, last);
          }
          const e = f.events[seq - f.base];
          if (e) {
            seq++;
            if (e.position <= last) continue;
            last = e.position;
            return e;
          }
          if (f.failure) throw f.failure.error;
          if (f.ended) return LOG_END;
          return wait();
        }
      },
      close() {
        if (closed) return;
        closed = true;
        f.cursors -= 1;
        if (f.cursors === 0 && !f.ended) {
          // The last reader left: release the log's subscription (and its connection).
          f.stop.abort();
          if (feed === f) feed = null;
        }
      },
    };
  };

  return {
    cursor,
    readers: () => feed?.cursors ?? 0,
    live: () => feed !== null && !feed.ended,
  };
};

const perLog = new WeakMap<object, SharedSubscription>();

/** The shared subscription of `log` in this process, made on first use. */
export const sharedSubscriptionOf = (log: SharedLog): SharedSubscription => {
  let s = perLog.get(log);
  if (!s) {
    s = createSharedSubscription(log);
    perLog.set(log, s);
  }
  return s;
};
