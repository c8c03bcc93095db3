/**
 * SSE frames (https://html.spec.whatwg.org/multipage/server-sent-events.html):
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
import type { BusMessage } from '../../live/bus.ts';
import type { StoredEvent } from '../../events/types.ts';

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
  return `${out}\n`;
};

export const logFrame = (e: StoredEvent): string =>
  formatFrame({
    id: e.position,
    event: 'log',
    data: JSON.stringify({ stream: e.stream, version: e.version, position: e.position, type: e.type, data: e.data, meta: e.meta }),
  });
export const telemetryFrame = (m: BusMessage): string => formatFrame({ event: 'telemetry', data: JSON.stringify(m) });
export const heartbeatFrame = (at: string): string => formatFrame({ comment: `hb ${at}` });

/** What the merge of the log and the bus yields, one frame each. */
export type SseItem = { kind: 'log'; event: StoredEvent } | { kind: 'telemetry'; msg: BusMessage } | { kind: 'heartbeat'; at: string };

export const itemFrame = (i: SseItem): string => (i.kind === 'log' ? logFrame(i.event) : i.kind === 'telemetry' ? telemetryFrame(i.msg) : heartbeatFrame(i.at));
