/**
 * The SSE response: a plain `Response` over a `ReadableStream` of frames
 * from mergeLive.
 *
 * Why not Elysia's `sse()` helper with a generator: we write every byte
 * ourselves (an `id:` line on log events only, comment heartbeats,
 * `retry:`), the stream writes only while its client keeps up, so a slow
 * reader holds the log back instead of filling memory, and `cancel()` tells us at once when the
 * client goes away. Elysia passes a returned Response through untouched,
 * and Bun.serve writes each enqueued chunk as it comes (the Bun.serve test
 * checks the first frames arrive while the stream is still open).
 *
 * Heartbeats: Bun.serve closes a connection idle for `idleTimeout` (10 s by
 * default), streaming responses included, and proxies do the same, so a
 * comment goes out every 5 s. Measured on Bun 1.4.5: a write resets the idle
 * timer, but the timer ticks in about 4 s steps, so keep the server's
 * idleTimeout at 8 s or more (the default is fine) or set it to 0.
 */
import { type SharedLog, sharedSubscriptionOf } from '../../events/log/index.ts';
import type { StoredEvent } from '../../events/types.ts';
import type { LiveBus } from '../../live/bus.ts';
import type { Logger } from '../../logger.ts';
import type { EventFilter } from './filter.ts';
import { formatFrame, itemFrame, SSE_HEADERS, type SseItem } from './frames.ts';
import { type CloseReason, MERGE_END, mergeLive } from './merge.ts';

/**
 * What an event stream reads: the log (followed through the process's one
 * shared subscription, see events/log/shared.ts), the live bus, a logger
 * for cut-offs and failures, the clock.
 */
export interface SseDeps {
  log: SharedLog;
  bus: Pick<LiveBus, 'subscribe'>;
  logger: Pick<Logger, 'warn'>;
  now: () => string;
}

export interface SseOptions {
  /** Heartbeat comment interval; 5 s. */
  heartbeatMs?: number;
  /** Queued telemetry beyond which a stalled client is cut off; 10 000. */
  maxQueued?: number;
  /** The reconnect delay the client is told; 2 s. */
  retryMs?: number;
}

let active = 0;
/** Open event streams in this process (tests check disconnects release theirs). */
export const activeEventStreams = (): number => active;

const encoder = new TextEncoder();

/**
 * A log event's frame, made once for every stream that sends it: the shared
 * subscription hands each reader the same event object. The bytes are only
 * ever read (copied to a socket, or decoded by an in-process reader).
 */
const logFrames = new WeakMap<StoredEvent, Uint8Array>();
const frameBytes = (item: SseItem): Uint8Array => {
  if (item.kind !== 'log') return encoder.encode(itemFrame(item));
  let bytes = logFrames.get(item.event);
  if (!bytes) {
    bytes = encoder.encode(itemFrame(item));
    logFrames.set(item.event, bytes);
  }
  return bytes;
};

export interface StreamParams {
  after: number;
  filter: EventFilter;
  /** The request's signal: Bun.serve aborts it when the client disconnects. */
  signal: AbortSignal;
  heartbeatMs: number;
  maxQueued: number;
  retryMs: number;
}

/** A controller aborted when `outer` aborts (or already has), which the stream can also abort itself; `unlink` drops the listener. */
const linkedAbort = (outer: AbortSignal) => {
  const gone = new AbortController();
  const onGone = () => gone.abort();
  outer.addEventListener('abort', onGone, { once: true });
  if (outer.aborted) gone.abort();
  return { gone, unlink: () => outer.removeEventListener('abort', onGone) };
};

/**
 * The response body: frames enqueued as soon as they exist while the client
 * keeps up (the stream's queue holds at most `highWaterMark` frames), and
 * pulled again when it has read them. A new log event reaches every caught
 * up stream in the same turn of the event loop it was heard in: the shared
 * subscription wakes each cursor, and its stream writes the frame at once.
 */
export const eventStream = (s: SseDeps, p: StreamParams): ReadableStream<Uint8Array> => {
  const { gone, unlink } = linkedAbort(p.signal);
  let ctl: ReadableStreamDefaultController<Uint8Array> | null = null;
  let closed = false;
  let pumping = false;
  /** Ends the body once (queued frames stay readable); nothing is written after. */
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      ctl?.close();
    } catch {
      // Already closed or errored by the reader's side.
    }
  };
  /** Writes whatever the merge has ready, as long as the client's queue has room. */
  const pump = () => {
    // Enqueueing may call pull, which pumps: the loop below goes on instead.
    if (pumping || !ctl || closed) return;
    pumping = true;
    try {
      while ((ctl.desiredSize ?? 0) > 0) {
        const item = merge.next();
        if (item === null) break;
        if (item === MERGE_END) {
          close();
          break;
        }
        ctl.enqueue(frameBytes(item));
      }
    } catch (e) {
      // The log failed (e.g. Redis went away): end the stream; the client
      // reconnects and resumes from its last id once the log is back.
      s.logger.warn('SSE stream failed', { error: e instanceof Error ? e.message : String(e) });
      close();
    } finally {
      pumping = false;
    }
  };
  const onClose = (reason: CloseReason) => {
    active -= 1;
    unlink();
    if (reason === 'overflow') {
      // Frames already queued stay readable; the client then sees the end
      // and reconnects with Last-Event-ID, catching up from the log.
      s.logger.warn('SSE client too slow: closing its stream', { after: p.after, maxQueued: p.maxQueued });
    }
    close();
  };
  active += 1;
  const merge = mergeLive(
    {
      openLog: (wake) => sharedSubscriptionOf(s.log).cursor(p.after, wake),
      bus: s.bus,
      filter: p.filter,
      heartbeatMs: p.heartbeatMs,
      maxQueued: p.maxQueued,
      now: s.now,
      signal: gone.signal,
      onClose,
    },
    () => pump(),
  );
  // Counted in frames: at most this many wait in the stream's own queue
  // (the rest of the back-pressure story is in mergeLive).
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        ctl = controller;
        // Sent at once, so the client has the headers and the retry delay
        // before the first event.
        controller.enqueue(encoder.encode(formatFrame({ comment: `mpr events after ${p.after}`, retry: p.retryMs })));
        // Released before the body started (the request was aborted already): end it now.
        if (closed) controller.close();
      },
      pull() {
        pump();
      },
      cancel() {
        // The reader went away: nothing more is written, and there is nothing to close.
        closed = true;
        gone.abort();
      },
    },
    { highWaterMark: 16 },
  );
};

/** The SSE response for a resume position and a filter, with the given (or default) timings. */
export const sseResponse = (s: SseDeps, p: { after: number; filter: EventFilter; signal: AbortSignal }, opts: SseOptions = {}): Response =>
  new Response(eventStream(s, { ...p, heartbeatMs: opts.heartbeatMs ?? 5_000, maxQueued: opts.maxQueued ?? 10_000, retryMs: opts.retryMs ?? 2_000 }), {
    headers: SSE_HEADERS,
  });
