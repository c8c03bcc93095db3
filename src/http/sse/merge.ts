/**
 * Log events and telemetry merged into one pull-driven sequence, plus a
 * heartbeat every `heartbeatMs`.
 *
 * Back-pressure: the log is pulled one event at a time, only when the reader
 * asks for the next item, so a slow reader simply leaves it unread; the log
 * is the buffer. Telemetry is pushed by the bus and must be queued; beyond
 * `maxQueued` the reader is hopelessly behind, so the merge releases
 * everything at once (even while suspended between reads) and ends. The
 * client reconnects with Last-Event-ID and catches up from the log, losing
 * no event (only ticks, which are not facts). Heartbeats due while the
 * reader is stalled collapse into one.
 *
 * The parts: a waker the loop sleeps on, the live side (bus queue,
 * heartbeat timer, release), the log reader (one read in flight), and the
 * loop that picks what to yield next.
 */
import type { BusMessage, LiveBus } from '../../live/bus.ts';
import type { StoredEvent } from '../../events/types.ts';
import { matchesEvent, matchesTelemetry, type EventFilter } from './filter.ts';
import type { SseItem } from './frames.ts';

export type CloseReason = 'aborted' | 'overflow' | 'ended' | 'failed';

export interface LiveSources {
  /** Opens the log subscription; the merge aborts the signal to release it. */
  subscribeLog: (signal: AbortSignal) => AsyncIterable<StoredEvent>;
  bus: Pick<LiveBus, 'subscribe'> | null;
  filter: EventFilter;
  heartbeatMs: number;
  /** Telemetry waiting for a slow reader beyond this ends the merge ('overflow'). */
  maxQueued: number;
  now: () => string;
  /** The client went away. */
  signal: AbortSignal;
  /** Called once, as soon as both subscriptions and the timer are released. */
  onClose?: (reason: CloseReason) => void;
}

/** The loop's one wake-up: whichever source has news pokes it. */
const createWaker = () => {
  let wake: (() => void) | null = null;
  return {
    poke() {
      const w = wake;
      wake = null;
      w?.();
    },
    sleep: () => new Promise<void>((resolve) => (wake = resolve)),
  };
};

interface LiveSide {
  /** Aborted on release: ends the log subscription. */
  readonly stopped: AbortSignal;
  released(): boolean;
  /** The oldest queued tick, if any. */
  nextTick(): BusMessage | undefined;
  /** Whether a heartbeat came due since the last call. */
  takeHeartbeat(): boolean;
  /** Lets go of the timer, the bus and the client's signal, once; later calls do nothing. */
  release(reason: CloseReason): void;
}

/**
 * The timer and the bus subscription start now, not at the first read, so
 * no tick published right after the response is made goes unheard; abort
 * releases them even if the merge is never read.
 */
const openLiveSide = (src: LiveSources, poke: () => void): LiveSide => {
  const stop = new AbortController();
  const queue: BusMessage[] = [];
  let heartbeatDue = false;
  let released = false;
  let unsubscribe = () => {};
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
    queue.length = 0;
    src.signal.removeEventListener('abort', onAbort);
    stop.abort();
    poke();
    src.onClose?.(reason);
  };
  src.signal.addEventListener('abort', onAbort, { once: true });
  if (src.signal.aborted) release('aborted');
  if (src.bus && src.filter.telemetry && !released) {
    unsubscribe = src.bus.subscribe((m) => {
      if (released || !matchesTelemetry(src.filter, m)) return;
      if (queue.length >= src.maxQueued) return release('overflow');
      queue.push(m);
      poke();
    });
  }
  return {
    stopped: stop.signal,
    released: () => released,
    nextTick: () => queue.shift(),
    takeHeartbeat() {
      const due = heartbeatDue;
      heartbeatDue = false;
      return due;
    },
    release,
  };
};

/**
 * One read of the log in flight at a time, its outcome parked until the
 * loop takes it. (Not a Promise.race per wake-up: every race would add a
 * handler to the same pending read, growing while the log is idle and
 * telemetry flows.)
 */
const createLogReader = (log: AsyncIterator<StoredEvent>, poke: () => void) => {
  let reading: Promise<void> | null = null;
  let result: IteratorResult<StoredEvent> | null = null;
  let failure: { error: unknown } | null = null;
  return {
    /** The parked outcome of the last read (throwing its failure), or null while none is parked. */
    take(): IteratorResult<StoredEvent> | null {
      if (failure) throw failure.error;
      const r = result;
      result = null;
      return r;
    },
    /** Starts a read unless one is in flight. */
    request() {
      reading ??= log.next().then(
        (r) => {
          result = r;
          reading = null;
          poke();
        },
        (error: unknown) => {
          failure = { error };
          reading = null;
          poke();
        },
      );
    },
    /**
     * Lets the log subscription run its own cleanup (the Redis log closes
     * its blocking connection there); the release's abort makes a pending
     * read end soon.
     */
    async close() {
      await reading;
      await log.return?.().catch(() => undefined);
    },
  };
};

export const mergeLive = (src: LiveSources): AsyncGenerator<SseItem, void, undefined> => {
  const waker = createWaker();
  const live = openLiveSide(src, waker.poke);

  // The log subscription starts at the first read: it begins at a fixed position, so it misses nothing.
  async function* run(): AsyncGenerator<SseItem, void, undefined> {
    if (live.released()) return;
    const reader = createLogReader(src.subscribeLog(live.stopped)[Symbol.asyncIterator](), waker.poke);
    let reason: CloseReason = 'ended';
    try {
      while (!live.released()) {
        const tick = live.nextTick();
        if (tick) {
          yield { kind: 'telemetry', msg: tick };
          continue;
        }
        if (live.takeHeartbeat()) {
          yield { kind: 'heartbeat', at: src.now() };
          continue;
        }
        const r = reader.take();
        if (r) {
          if (r.done) break;
          if (matchesEvent(src.filter, r.value)) yield { kind: 'log', event: r.value };
          continue;
        }
        reader.request();
        await waker.sleep();
      }
    } catch (e) {
      reason = 'failed';
      throw e;
    } finally {
      live.release(reason);
      await reader.close();
    }
  }
  return run();
};
