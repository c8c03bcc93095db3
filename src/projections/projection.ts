/**
 * A projection is a pure fold over events into rows of one table:
 * `fold(view, event) → view | null | DELETE` (null: nothing to change),
 * for the one row `keyOf` names or for each row under `scopeOf`'s prefix.
 * The runner (runner.ts) owns the SQL, the transaction and the position.
 */
import type { LoggedEvent } from '../events/index.ts';
import type { Table } from './table.ts';

export const DELETE = Symbol('delete');

export interface Projection<V> {
  name: string;
  /** Bump when the fold or table changes: the runner then rebuilds it from the log. */
  version: number;
  table: Table<V>;
  /** The key of the row an event touches, or null when the event is not for this projection. */
  keyOf(e: LoggedEvent): readonly unknown[] | null;
  /**
   * Optional: for an event that touches every existing row under a key
   * prefix (a job's end touches each of its chunks), that prefix; `fold` then
   * runs once per such row. Checked before `keyOf`.
   */
  scopeOf?(e: LoggedEvent): readonly unknown[] | null;
  fold(view: V | null, e: LoggedEvent): V | null | typeof DELETE;
}

// biome-ignore lint/suspicious/noExplicitAny: erases the view type so one runner can hold projections of every read model.
export type AnyProjection = Projection<any>;
