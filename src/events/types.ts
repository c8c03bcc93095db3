/**
 * The shape of events as the log stores them. Payloads are plain JSON (ISO
 * strings, never Date) because they cross SQLite and Redis.
 */
export interface EventMeta {
  /** ISO time the log accepted the event. */
  at: string;
  /** Who appended it: an actor stream, a router name, `http`, `cli`. */
  actor: string;
  /** What caused it: the position of the triggering event, or a command id. */
  causationId: string | null;
  /** The job (or request) this belongs to, shared by everything it causes. */
  correlationId: string | null;
}

/** An event before it is appended: the log adds stream, version, position and meta.at. */
export interface NewEvent<T extends string = string, D = unknown> {
  type: T;
  data: D;
  meta?: Partial<Omit<EventMeta, 'at'>>;
}

/** A domain event type: one member of a stream kind's discriminated union. */
export interface EventShape {
  type: string;
  data: unknown;
}

export type StoredEvent<E extends EventShape = EventShape> = E & {
  stream: string;
  /** Counts events in its stream from 1. */
  version: number;
  /** Global, strictly increasing across the whole log, from 1. */
  position: number;
  meta: EventMeta;
};

/**
 * The type a log gives a row it cannot decode. Folds pass over it like any
 * unknown type; the log reports it (with its position) through `onCorrupt`.
 */
export const CORRUPT_EVENT = '$corrupt';
export interface CorruptEventData {
  reason: string;
  /** The first bytes of the stored payload, for a human to look at. */
  raw: string;
}
