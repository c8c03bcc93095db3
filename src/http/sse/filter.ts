/**
 * Which streams and types a client wants, from the query string, and the
 * matching of log events and bus messages against it.
 */
import type { BusMessage } from '../../live/bus.ts';
import { AppError } from '../../errors.ts';
import type { StoredEvent } from '../../events/types.ts';

/**
 * Selectors (streams, prefixes) are OR-ed together and match a log event's
 * stream or a bus message's topic; no selector means everything. Types
 * apply to log events only: telemetry has kinds, not event types, and is
 * filtered by topic alone.
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

/** A Map, not an object literal: `?telemetry=constructor` must not find Object's own properties. */
const TELEMETRY = new Map([
  ['1', true],
  ['true', true],
  ['0', false],
  ['false', false],
]);

/** The filter from `?stream=&streams=a,b&prefix=&job=&types=A,B&telemetry=0`; throws a validation AppError on bad input. */
export const parseEventFilter = (q: FilterQuery): EventFilter => {
  const jobId = q.job?.trim();
  if (jobId !== undefined && (jobId === '' || jobId.includes(','))) throw new AppError('validation', `job: expected one job id, got "${q.job}"`);
  const job = jobId === undefined ? null : jobFilter(jobId);
  const telemetry = q.telemetry === undefined ? true : TELEMETRY.get(String(q.telemetry));
  if (telemetry === undefined) throw new AppError('validation', `telemetry: expected 0 or 1, got "${q.telemetry}"`);
  return {
    streams: [...list('stream', q.stream), ...list('streams', q.streams), ...(job?.streams ?? [])],
    prefixes: [...list('prefix', q.prefix), ...(job?.prefixes ?? [])],
    types: list('types', q.types),
    telemetry,
  };
};
