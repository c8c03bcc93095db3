/**
 * What the API keys and Users pages share: a list loaded once, a form that
 * makes one item (its secret kept to show once), and changes to one row
 * shown at once and rolled back, that row only, when the server refuses.
 */
import { createSignal } from 'solid-js';
import { errorText } from '../format.ts';
import { createRowErrors } from './row-errors.ts';

export const createManagedList = <T extends { id: string }, Made>(list: () => Promise<{ items: T[] }>) => {
  const [items, setItems] = createSignal<T[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [formError, setFormError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  /** The item just made, with its secret: shown until dismissed, then gone for good. */
  const [created, setCreated] = createSignal<Made | null>(null);
  const { rowErrors, setRowError } = createRowErrors();

  const load = async () => {
    try {
      setItems((await list()).items);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoaded(true);
    }
  };

  /** Sends the form: `make` asks the server; `place` puts its answer (the secret left out) in the list. */
  const submit = async (make: () => Promise<Made>, place: (made: Made, list: T[]) => T[]): Promise<boolean> => {
    setSaving(true);
    setFormError(null);
    try {
      const made = await make();
      setItems((l) => place(made, l));
      setCreated(() => made);
      return true;
    } catch (e) {
      setFormError(errorText(e));
      return false;
    } finally {
      setSaving(false);
    }
  };

  /**
   * Shows `change` to row `id` at once (null: the row goes), then asks the
   * server; the server's row, when it answers one, replaces it. Refused, only
   * this row goes back: another row changed meanwhile keeps its change.
   */
  const changeRow = async (id: string, change: ((row: T) => T) | null, send: () => Promise<T | undefined | unknown>): Promise<boolean> => {
    const before = items();
    const at = before.findIndex((x) => x.id === id);
    setItems(change ? before.map((x) => (x.id === id ? change(x) : x)) : before.filter((x) => x.id !== id));
    setRowError(id, null);
    try {
      const saved = await send();
      if (change && saved && typeof saved === 'object' && (saved as T).id === id) setItems((l) => l.map((x) => (x.id === id ? (saved as T) : x)));
      return true;
    } catch (e) {
      const old = before[at];
      if (old) {
        setItems((l) => {
          if (change) return l.map((x) => (x.id === id ? old : x));
          const back = [...l];
          back.splice(Math.min(at, back.length), 0, old);
          return back;
        });
      }
      setRowError(id, errorText(e));
      return false;
    }
  };

  return {
    items,
    loaded,
    error,
    formError,
    setFormError,
    saving,
    created,
    rowErrors,
    load,
    submit,
    changeRow,
    dismissCreated: () => setCreated(null),
    dismissRowError: (id: string) => setRowError(id, null),
    clearError: () => setError(null),
  };
};
