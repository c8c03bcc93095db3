/**
 * The SSE response: a plain `Response` over a pull-based `ReadableStream`
 * of frames from mergeLive.
 *
 * Why not Elysia's `sse()` helper with a generator: we write every byte
 * ourselves (an `id:` line on log events only, comment heartbeats,
 * `retry:`), the stream is pull-based so a slow reader holds the log back
 * instead of filling memory, and `cancel()` tells us at once when the
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
import type { EventLog } from '../../events/log/index.ts';
import type { LiveBus } from '../../live/bus.ts';
import type { Logger } from '../../logger.ts';
import type { EventFilter } from './filter.ts';
import { formatFrame, itemFrame, SSE_HEADERS, type SseItem } from './frames.ts';
import { mergeLive, type CloseReason } from './merge.ts';

/** What an event stream reads: the log, the live bus, a logger for cut-offs and failures, the clock. */
export interface SseDeps {
  log: Pick<EventLog, 'subscribe'>;
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

/** The body's end, reached once, by whichever side gets there first. */
const createBodyEnd = () => {
  let closed = false;
  let ctl: ReadableStreamDefaultController<Uint8Array> | null = null;
  return {
    attach: (controller: ReadableStreamDefaultController<Uint8Array>) => {
      ctl = controller;
    },
    closed: () => closed,
    /** The reader went away: nothing more is written, and there is nothing to close. */
    abandon: () => {
      closed = true;
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        ctl?.close();
      } catch {
        // Already closed or errored by the reader's side.
      }
    },
  };
};

/** The response body: one frame per chunk, pulled only as fast as the client reads. */
export const eventStream = (s: SseDeps, p: StreamParams): ReadableStream<Uint8Array> => {
  const { gone, unlink } = linkedAbort(p.signal);
  const end = createBodyEnd();
  const onClose = (reason: CloseReason) => {
    active -= 1;
    unlink();
    if (reason === 'overflow') {
      // Frames already queued stay readable; the client then sees the end
      // and reconnects with Last-Event-ID, catching up from the log.
      s.logger.warn('SSE client too slow: closing its stream', { after: p.after, maxQueued: p.maxQueued });
      end.close();
      void items.return();
    }
  };
  active += 1;
  const items: AsyncGenerator<SseItem, void, undefined> = mergeLive({
    subscribeLog: (signal) => s.log.subscribe(p.after, signal),
    bus: s.bus,
    filter: p.filter,
    heartbeatMs: p.heartbeatMs,
    maxQueued: p.maxQueued,
    now: s.now,
    signal: gone.signal,
    onClose,
  });
  // Counted in frames: at most this many wait in the stream's own queue
  // (the rest of the back-pressure story is in mergeLive).
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        end.attach(controller);
        // Sent at once, so the client has the headers and the retry delay
        // before the first event.
        controller.enqueue(encoder.encode(formatFrame({ comment: `mpr events after ${p.after}`, retry: p.retryMs })));
      },
      async pull(controller) {
        try {
          const next = await items.next();
          if (end.closed()) return;
          if (next.done) end.close();
          else controller.enqueue(encoder.encode(itemFrame(next.value)));
        } catch (e) {
          // The log failed (e.g. Redis went away): end the stream; the client
          // reconnects and resumes from its last id once the log is back.
          s.logger.warn('SSE stream failed', { error: e instanceof Error ? e.message : String(e) });
          end.close();
        }
      },
      async cancel() {
        end.abandon();
        gone.abort();
        await items.return();
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
