/**
 * Turning events into stored text and back, shared by every log
 * implementation so they refuse and report the same things.
 */
import { AppError, errorMessage } from '../../errors.ts';
import { CORRUPT_EVENT, type CorruptEventData, type EventMeta, type NewEvent, type StoredEvent } from '../types.ts';

export interface EncodedEvent {
  type: string;
  data: string;
  meta: string;
}

/** Called with every row that could not be decoded; the row is still delivered as `$corrupt`. */
export type CorruptReporter = (r: { position: number; stream: string; reason: string }) => void;

const STREAM_RE = /^[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)*$/;
const MAX_STREAM_LENGTH = 512;

export const validateStream = (stream: string): void => {
  if (stream.length === 0 || stream.length > MAX_STREAM_LENGTH || !STREAM_RE.test(stream)) {
    throw new AppError('validation', `invalid stream name "${stream.slice(0, 80)}": use kind:id with letters, digits, _ . -`);
  }
};

export const encodeEvents = (stream: string, events: readonly NewEvent[], at: string, maxBytes: number): EncodedEvent[] => {
  validateStream(stream);
  if (events.length === 0) throw new AppError('validation', `append to ${stream} with no events`);
  // The events of one append usually share one meta object: encode it once.
  const seen = new Map<NewEvent['meta'], string>();
  const metaText = (m: NewEvent['meta']): string => {
    let text = seen.get(m);
    if (text === undefined) {
      const meta: EventMeta = { at, actor: m?.actor ?? 'unknown', causationId: m?.causationId ?? null, correlationId: m?.correlationId ?? null };
      text = JSON.stringify(meta);
      seen.set(m, text);
    }
    return text;
  };
  return events.map((e, i) => {
    if (typeof e.type !== 'string' || e.type.length === 0 || e.type.length > 200) {
      throw new AppError('validation', `event ${i} for ${stream} has no valid type`);
    }
    let data: string | undefined;
    try {
      data = JSON.stringify(e.data ?? null);
    } catch (err) {
      throw new AppError('validation', `event ${e.type} for ${stream} is not JSON: ${errorMessage(err)}`);
    }
    if (data === undefined) throw new AppError('validation', `event ${e.type} for ${stream} is not JSON`);
    // UTF-8 needs at most 3 bytes per UTF-16 unit: most payloads skip the exact count.
    const size = data.length * 3 <= maxBytes ? 0 : Buffer.byteLength(data);
    if (size > maxBytes) {
      throw new AppError(
        'too_large',
        `event ${e.type} for ${stream} is ${size} bytes of JSON, over the ${maxBytes}-byte limit (MPR_MAX_EVENT_BYTES); store large payloads in media storage and put the key in the event`,
      );
    }
    return { type: e.type, data, meta: metaText(e.meta) };
  });
};

export const decodeEvent = (
  row: { stream: string; version: number; position: number; type: string; data: string; meta: string },
  onCorrupt: CorruptReporter,
): StoredEvent => {
  let data: unknown;
  let meta: EventMeta;
  try {
    data = JSON.parse(row.data);
    meta = JSON.parse(row.meta) as EventMeta;
    if (typeof meta !== 'object' || meta === null || typeof meta.at !== 'string') throw new Error('meta has no "at"');
  } catch (err) {
    const reason = `undecodable ${row.type} event: ${errorMessage(err)}`;
    onCorrupt({ position: row.position, stream: row.stream, reason });
    const corrupt: CorruptEventData = { reason, raw: String(row.data).slice(0, 200) };
    return {
      stream: row.stream,
      version: row.version,
      position: row.position,
      type: CORRUPT_EVENT,
      data: corrupt,
      meta: { at: new Date(0).toISOString(), actor: 'unknown', causationId: null, correlationId: null },
    };
  }
  return { stream: row.stream, version: row.version, position: row.position, type: row.type, data, meta };
};
