/**
 * Server-Sent Events over the log, with live telemetry interleaved: the
 * pure parts (frames, filters, resume position, a parser) and the merge of
 * the two sources. The route is events-routes.ts.
 *
 * Frames (https://html.spec.whatwg.org/multipage/server-sent-events.html):
 *   retry: 2000                          once, first: the reconnect delay
 *   id: <position>                       log events: the global log position
 *   event: log
 *   data: <JSON StoredEvent>             { stream, version, position, type, data, meta }
 *
 *   event: telemetry                     bus messages: NO id line (see below)
 *   data: <JSON BusMessage>              { topic, kind, data, at }
 *
 *   : hb <ISO time>                      heartbeat comment, ignored by EventSource
 * Browsers listen with `es.addEventListener('log' | 'telemetry', ...)`;
 * neither is the default `message` event, so `onmessage` hears nothing.
 *
 * Telemetry carries no `id:` on purpose: an EventSource remembers the last
 * id it saw and sends it back as Last-Event-ID on reconnect. Telemetry has
 * no log position, and a frame without an id leaves that memory alone, so
 * resume always restarts from the last *log* event the client received.
 * Telemetry is never replayed: a reconnect only hears new ticks.
 */
import type { BusMessage, LiveBus } from '../live/bus.ts';
import { AppError } from '../errors.ts';
import type { StoredEvent } from '../events/types.ts';

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  // nginx buffers proxied responses unless told not to.
  'x-accel-buffering': 'no',
};

export interface SseFrame {
  id?: string | number;
  event?: string;
  data?: string;
  retry?: number;
  comment?: string;
}

// A CR or LF inside a field would end the line early and let the rest be
// read as another field; id and event are single-line, so they are cut there.
const LINE_BREAK = /\r\n|\r|\n/;
const oneLine = (v: string) => v.split(LINE_BREAK)[0]!;

/** One SSE frame, ending with the blank line that dispatches it. Multi-line data becomes one `data:` line per line, which the client joins back with `\n`. */
export const formatFrame = (f: SseFrame): string => {
  let out = '';
  if (f.comment !== undefined) for (const line of f.comment.split(LINE_BREAK)) out += `: ${line}\n`;
  if (f.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(f.retry))}\n`;
  // A NUL in an id makes clients ignore it.
  if (f.id !== undefined) out += `id: ${oneLine(String(f.id)).replaceAll('\0', '')}\n`;
  if (f.event !== undefined) out += `event: ${oneLine(f.event)}\n`;
  if (f.data !== undefined) for (const line of f.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return out + '\n';
};

export const logFrame = (e: StoredEvent): string =>
  formatFrame({
    id: e.position,
    event: 'log',
    data: JSON.stringify({ stream: e.stream, version: e.version, position: e.position, type: e.type, data: e.data, meta: e.meta }),
  });
export const telemetryFrame = (m: BusMessage): string => formatFrame({ event: 'telemetry', data: JSON.stringify(m) });
export const heartbeatFrame = (at: string): string => formatFrame({ comment: `hb ${at}` });

/**
 * Which streams and types a client wants. Selectors (streams, prefixes) are
 * OR-ed together and match a log event's stream or a bus message's topic; no
 * selector means everything. Types apply to log events only: telemetry has
 * kinds, not event types, and is filtered by topic alone.
 */
export interface EventFilter {
  streams: string[];
  prefixes: string[];
  types: string[];
  telemetry: boolean;
}

/**
 * A job's own stream `job:<id>`, its chunk and stage streams, and telemetry
 * on `job:<id>`, `job:<id>:…`, `chunk:<id>:…`, `stage:<id>:…`.
 */
export const jobFilter = (jobId: string): EventFilter => ({
  streams: [`job:${jobId}`],
  prefixes: [`job:${jobId}:`, `chunk:${jobId}:`, `stage:${jobId}:`],
  types: [],
  telemetry: true,
});

const selects = (f: EventFilter, name: string): boolean =>
  (f.streams.length === 0 && f.prefixes.length === 0) || f.streams.includes(name) || f.prefixes.some((p) => name.startsWith(p));

export const matchesEvent = (f: EventFilter, e: StoredEvent): boolean => selects(f, e.stream) && (f.types.length === 0 || f.types.includes(e.type));
export const matchesTelemetry = (f: EventFilter, m: BusMessage): boolean => f.telemetry && selects(f, m.topic);

export interface FilterQuery {
  stream?: string;
  streams?: string;
  prefix?: string;
  job?: string;
  types?: string;
  telemetry?: string;
}

const list = (name: string, v: string | undefined): string[] => {
  if (v === undefined) return [];
  const items = v.split(',').map((x) => x.trim());
  if (items.some((x) => x === '')) throw new AppError('validation', `${name}: empty item in "${v}"`);
  return items;
};

/** The filter from `?stream=&streams=a,b&prefix=&job=&types=A,B&telemetry=0`; throws a validation AppError on bad input. */
export const parseEventFilter = (q: FilterQuery): EventFilter => {
  const jobId = q.job?.trim();
  if (jobId !== undefined && (jobId === '' || jobId.includes(','))) throw new AppError('validation', `job: expected one job id, got "${q.job}"`);
  const job = jobId === undefined ? null : jobFilter(jobId);
  const telemetry = q.telemetry === undefined ? true : { '1': true, true: true, '0': false, false: false }[q.telemetry];
  if (telemetry === undefined) throw new AppError('validation', `telemetry: expected 0 or 1, got "${q.telemetry}"`);
  return {
    streams: [...list('stream', q.stream), ...list('streams', q.streams), ...(job?.streams ?? [])],
    prefixes: [...list('prefix', q.prefix), ...(job?.prefixes ?? [])],
    types: list('types', q.types),
    telemetry,
  };
};

const position = (name: string, v: string): number => {
  const n = /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new AppError('validation', `${name}: expected a log position (an integer >= 0), got "${v}"`);
  return n;
};

/**
 * Where to resume: Last-Event-ID wins over `?after=`, because an
 * EventSource reconnects to the same URL (so with the same `after`) and adds
 * the header. null means "from the current head": only new events.
 */
export const parseResumePosition = (lastEventId: string | null | undefined, after: string | undefined): number | null => {
  const header = lastEventId?.trim();
  if (header) return position('Last-Event-ID', header);
  if (after !== undefined) return position('after', after.trim());
  return null;
};

export type SseItem = { kind: 'log'; event: StoredEvent } | { kind: 'telemetry'; msg: BusMessage } | { kind: 'heartbeat'; at: string };
export type CloseReason = 'aborted' | 'overflow' | 'ended' | 'failed';

export const itemFrame = (i: SseItem): string =>
  i.kind === 'log' ? logFrame(i.event) : i.kind === 'telemetry' ? telemetryFrame(i.msg) : heartbeatFrame(i.at);

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
 */
export const mergeLive = (src: LiveSources): AsyncGenerator<SseItem, void, undefined> => {
  // The timer and the bus subscription start now, not at the first read, so
  // no tick published right after the response is made goes unheard; abort
  // releases them even if the generator never runs. The log subscription
  // starts at the first read: it begins at a fixed position, so it misses nothing.
  const stop = new AbortController();
  const queue: BusMessage[] = [];
  let heartbeatDue = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
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

  async function* run(): AsyncGenerator<SseItem, void, undefined> {
    if (released) return;
    const log = src.subscribeLog(stop.signal)[Symbol.asyncIterator]();
    // One read of the log in flight at a time, its outcome parked here. (Not
    // a Promise.race per wake-up: every race would add a handler to the same
    // pending read, growing while the log is idle and telemetry flows.)
    let reading: Promise<void> | null = null;
    const parked: { result: IteratorResult<StoredEvent> | null; failure: { error: unknown } | null } = { result: null, failure: null };
    let reason: CloseReason = 'ended';
    try {
      while (!released) {
        const tick = queue.shift();
        if (tick) {
          yield { kind: 'telemetry', msg: tick };
          continue;
        }
        if (heartbeatDue) {
          heartbeatDue = false;
          yield { kind: 'heartbeat', at: src.now() };
          continue;
        }
        if (parked.failure) throw parked.failure.error;
        if (parked.result) {
          const r = parked.result;
          parked.result = null;
          if (r.done) break;
          if (matchesEvent(src.filter, r.value)) yield { kind: 'log', event: r.value };
          continue;
        }
        reading ??= log.next().then(
          (r) => {
            parked.result = r;
            reading = null;
            poke();
          },
          (error: unknown) => {
            parked.failure = { error };
            reading = null;
            poke();
          },
        );
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } catch (e) {
      reason = 'failed';
      throw e;
    } finally {
      release(reason);
      // Let the log subscription run its own cleanup (the Redis log closes
      // its blocking connection there); the abort makes a pending read end soon.
      await reading;
      await log.return?.().catch(() => undefined);
    }
  }
  return run();
};

/** One parsed frame. Unlike EventSource, `id` is only what this frame said, so a frame without an id line is visible as such. */
export interface ParsedFrame {
  id?: string;
  event: string;
  data: string;
  retry?: number;
  comments: string[];
}

/**
 * An incremental SSE parser: push text chunks, get the complete frames.
 * Follows the spec's line rules (CRLF/CR/LF, one optional space after the
 * colon, data lines joined with `\n`) and also reports comments.
 */
export const createSseParser = () => {
  let buf = '';
  let cur: ParsedFrame = { event: 'message', data: '', comments: [] };
  let data: string[] = [];
  let touched = false;
  const flush = (out: ParsedFrame[]) => {
    if (touched) out.push({ ...cur, data: data.join('\n') });
    cur = { event: 'message', data: '', comments: [] };
    data = [];
    touched = false;
  };
  return {
    push(chunk: string): ParsedFrame[] {
      buf += chunk;
      const out: ParsedFrame[] = [];
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buf);
        // A CR at the very end may be the first half of a CRLF.
        if (!m || (m[0] === '\r' && m.index === buf.length - 1)) break;
        const line = buf.slice(0, m.index);
        buf = buf.slice(m.index + m[0].length);
        if (line === '') {
          flush(out);
          continue;
        }
        touched = true;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === '') cur.comments.push(value);
        else if (field === 'data') data.push(value);
        else if (field === 'event') cur.event = value;
        else if (field === 'id') cur.id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) cur.retry = Number(value);
      }
      return out;
    },
  };
};
