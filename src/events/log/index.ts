/**
 * The event log: append-only, one stream per actor plus a global order.
 * Two implementations sit beside this file (sqlite.ts, redis.ts) and pass
 * the same contract suite (contract.ts).
 */
import { nanoid } from 'nanoid';
import type { LogIdentity } from '../../types/api.ts';
import type { NewEvent, StoredEvent } from '../types.ts';

export type LogBackend = 'sqlite' | 'redis';

export interface AppendResult {
  /** The stream's version after the append (the last event's version). */
  version: number;
  /** The global position of the last appended event. */
  position: number;
}

/**
 * Which log this is: `epoch` is an id written with the log's first event
 * (null while the log is empty), `head` its last position. A node that saw
 * epoch A at position 41 and now reads epoch B, or a head below 41, is
 * looking at a log that was replaced or went backwards (a Redis that came
 * back empty, a failover to a stale replica): see `logChange`.
 */
export type { LogIdentity };

/** A new epoch id: the day it began and a random part. */
export const newEpoch = (): string => `${new Date().toISOString().slice(0, 10)}-${nanoid(10)}`;

/** Pure: why a log seen as `was` (its epoch, and a position reached on it) is not the log `now` is, or null when it is the same log. */
export const logChange = (was: { epoch: string | null; position: number }, now: LogIdentity): string | null => {
  if (was.epoch !== null && now.epoch !== null && was.epoch !== now.epoch)
    return `the event log was replaced: its id changed from ${was.epoch} to ${now.epoch} (position ${was.position} before, ${now.head} now)`;
  if (now.head < was.position)
    return `the event log went backwards: it ends at position ${now.head}, but position ${was.position} was read from it before (its store lost data: a Redis restarted without persistence, flushed, or failed over to a stale replica)`;
  return null;
};

export interface EventLog {
  readonly backend: LogBackend;
  /**
   * Appends all events or none. `expectedVersion` is the stream's current
   * version as the caller saw it (0 for a new stream); a stale one throws
   * VersionConflict and writes nothing.
   */
  append(stream: string, events: readonly NewEvent[], expectedVersion: number): Promise<AppendResult>;
  /** One stream's events with version >= fromVersion, in order. */
  readStream(stream: string, fromVersion?: number): Promise<StoredEvent[]>;
  /** Up to `limit` events of the global log with position > afterPosition, in order. */
  readAll(afterPosition: number, limit: number): Promise<StoredEvent[]>;
  /**
   * Every event with position > afterPosition: first the stored ones, then
   * live ones as they are appended, with no gap and no duplicate at the seam.
   * Ends when the signal aborts.
   */
  subscribe(afterPosition: number, signal: AbortSignal): AsyncIterable<StoredEvent>;
  /** A stream's current version (0 when it has no events). */
  version(stream: string): Promise<number>;
  /** The position of the last event in the log (0 when empty). */
  head(): Promise<number>;
  /** The log's epoch id and head, read together. */
  identity(): Promise<LogIdentity>;
  close(): Promise<void>;
}

export { encodeEvents, decodeEvent, validateStream, type CorruptReporter } from './codec.ts';
export {
  createSharedSubscription,
  LOG_END,
  sharedSubscriptionOf,
  type LogCursor,
  type SharedLog,
  type SharedOptions,
  type SharedSubscription,
} from './shared.ts';
