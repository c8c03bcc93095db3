/**
 * An actor's pure core. `decide` turns a command into events (or throws an
 * AppError: a rejection); `evolve` folds an event into state, never throws
 * and passes over event types it does not know (`$corrupt` included).
 */
import type { EventShape, StoredEvent } from '../events/types.ts';

export interface Decider<S, C, E extends EventShape> {
  initial: () => S;
  /** Typed by its stream's union; other types (a `$corrupt` row, a newer version's event) reach the `default` branch and change nothing. */
  evolve: (state: S, event: StoredEvent<E>) => S;
  decide: (command: C, state: S) => E[];
}

/** The part of a decider that rebuilds state: all that loading and time travel need. */
export interface Evolver<S, E extends EventShape = EventShape> {
  initial: () => S;
  evolve: (state: S, event: StoredEvent<E>) => S;
}

/**
 * Folds a stream's events. The log stores any type; the events of one
 * stream are its kind's union (or types its evolve passes over), which is
 * the one place that is taken on trust.
 */
export const fold = <S, E extends EventShape>(d: Evolver<S, E>, events: readonly StoredEvent[], from?: S): S =>
  (events as readonly StoredEvent<E>[]).reduce(d.evolve, from ?? d.initial());

/** Decider tests read as given(events) / when(command) / then(events | error). */
export const given = <S, C, E extends EventShape>(d: Decider<S, C, E>, events: E[]) => {
  const stored = events.map((e, i) => ({
    ...e,
    stream: 'test:1',
    version: i + 1,
    position: i + 1,
    meta: { at: '2026-01-01T00:00:00.000Z', actor: 'test', causationId: null, correlationId: null },
  })) as StoredEvent<E>[];
  const state = fold(d, stored);
  return {
    state,
    when: (command: C) => {
      try {
        return { events: d.decide(command, state), error: null as unknown };
      } catch (error) {
        return { events: null, error };
      }
    },
  };
};
