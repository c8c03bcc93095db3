/**
 * The event log: append-only, one stream per actor plus a global order.
 * Two implementations sit beside this file (sqlite.ts, redis.ts) and pass
 * the same contract suite (contract.ts).
 */
import type { NewEvent, StoredEvent } from '../types.ts';

export type LogBackend = 'sqlite' | 'redis';

export interface AppendResult {
  /** The stream's version after the append (the last event's version). */
  version: number;
  /** The global position of the last appended event. */
  position: number;
}

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
