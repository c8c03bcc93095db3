/**
 * `GET /api/events`: the log as Server-Sent Events, with live telemetry
 * interleaved. The frame format, the filters and the resume rules are in
 * sse.ts.
 *
 * Why a plain `Response` over a `ReadableStream` and not Elysia's `sse()`
 * helper with a generator: we write every byte ourselves (an `id:` line on
 * log events only, comment heartbeats, `retry:`), the stream is pull-based
 * so a slow reader holds the log back instead of filling memory, and
 * `cancel()` tells us at once when the client goes away. Elysia passes a
 * returned Response through untouched, and Bun.serve writes each enqueued
 * chunk as it comes (the Bun.serve test checks the first frames arrive while
 * the stream is still open).
 *
 * Heartbeats: Bun.serve closes a connection idle for `idleTimeout` (10 s by
 * default), streaming responses included, and proxies do the same, so a
 * comment goes out every 5 s. Measured on Bun 1.4.5: a write resets the idle
 * timer, but the timer ticks in about 4 s steps, so keep the server's
 * idleTimeout at 8 s or more (the default is fine) or set it to 0.
 */
import { Elysia, t } from 'elysia';
import type { System } from '../system.ts';
import { responses } from './openapi-responses.ts';
import { queryInteger } from './schema-kinds.ts';
import {
  formatFrame,
  itemFrame,
  mergeLive,
  parseEventFilter,
  parseResumePosition,
  SSE_HEADERS,
  type CloseReason,
  type EventFilter,
  type SseItem,
} from './sse.ts';

export interface EventsRoutesOptions {
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

interface StreamParams {
  after: number;
  filter: EventFilter;
  /** The request's signal: Bun.serve aborts it when the client disconnects. */
  signal: AbortSignal;
  heartbeatMs: number;
  maxQueued: number;
  retryMs: number;
}

/** The response body: one frame per chunk, pulled only as fast as the client reads. */
export const eventStream = (s: System, p: StreamParams): ReadableStream<Uint8Array> => {
  const gone = new AbortController();
  const onGone = () => gone.abort();
  p.signal.addEventListener('abort', onGone, { once: true });
  if (p.signal.aborted) gone.abort();
  let closed = false;
  let ctl: ReadableStreamDefaultController<Uint8Array> | null = null;
  const close = () => {
    if (closed) return;
    closed = true;
    try {
      ctl?.close();
    } catch {
      // Already closed or errored by the reader's side.
    }
  };
  const onClose = (reason: CloseReason) => {
    active -= 1;
    p.signal.removeEventListener('abort', onGone);
    if (reason === 'overflow') {
      // Frames already queued stay readable; the client then sees the end
      // and reconnects with Last-Event-ID, catching up from the log.
      s.logger.warn('SSE client too slow: closing its stream', { after: p.after, maxQueued: p.maxQueued });
      close();
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
        ctl = controller;
        // Sent at once, so the client has the headers and the retry delay
        // before the first event.
        controller.enqueue(encoder.encode(formatFrame({ comment: `mpr events after ${p.after}`, retry: p.retryMs })));
      },
      async pull(controller) {
        try {
          const next = await items.next();
          if (closed) return;
          if (next.done) close();
          else controller.enqueue(encoder.encode(itemFrame(next.value)));
        } catch (e) {
          // The log failed (e.g. Redis went away): end the stream; the client
          // reconnects and resumes from its last id once the log is back.
          s.logger.warn('SSE stream failed', { error: e instanceof Error ? e.message : String(e) });
          close();
        }
      },
      async cancel() {
        closed = true;
        gone.abort();
        await items.return();
      },
    },
    { highWaterMark: 16 },
  );
};

const Query = t.Object({
  after: queryInteger('Start after this log position (0 = from the beginning). Default: the current head (only new events). The Last-Event-ID header wins over it.', { minimum: 0 }),
  stream: t.Optional(t.String({ description: 'One exact stream, e.g. job:abc' })),
  streams: t.Optional(t.String({ description: 'Comma-separated exact streams' })),
  prefix: t.Optional(t.String({ description: 'Comma-separated stream prefixes, e.g. job:' })),
  job: t.Optional(t.String({ description: "A job id: its stream, its chunk and stage streams, and its telemetry" })),
  types: t.Optional(t.String({ description: 'Comma-separated event types (log events only), e.g. JobCreated,JobFailed' })),
  telemetry: queryInteger('0 to leave out live telemetry (default 1)', { minimum: 0, maximum: 1, default: 1 }),
});

/** The SSE response for a resume position and a filter, with the given (or default) timings. */
export const sseResponse = (s: System, p: { after: number; filter: EventFilter; signal: AbortSignal }, opts: EventsRoutesOptions = {}): Response =>
  new Response(
    eventStream(s, { ...p, heartbeatMs: opts.heartbeatMs ?? 5_000, maxQueued: opts.maxQueued ?? 10_000, retryMs: opts.retryMs ?? 2_000 }),
    { headers: SSE_HEADERS },
  );

export const eventsRoutes = (s: System, opts: EventsRoutesOptions = {}) =>
  new Elysia().get(
    '/events',
    async ({ query, request }) => {
      const filter = parseEventFilter(query);
      const resume = parseResumePosition(request.headers.get('last-event-id'), query.after);
      // subscribe(head) delivers everything appended after this read, so a
      // client starting "from now" misses nothing appended while it connects.
      const after = resume ?? (await s.log.head());
      return sseResponse(s, { after, filter, signal: request.signal }, opts);
    },
    {
      query: Query,
      detail: {
        summary: 'The event log as Server-Sent Events, with live telemetry',
        description:
          'Log events are `event: log` frames with `id: <position>` and the stored event as JSON data; live telemetry (progress ticks) is `event: telemetry` without an id and is not replayed; `: hb` comments every 5 s. Reconnecting with Last-Event-ID resumes with nothing lost or repeated. Filters (stream, streams, prefix, job) are OR-ed; types narrows log events.',
        responses: responses({ 200: { description: 'An endless text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } } }, 400),
      },
    },
  );
