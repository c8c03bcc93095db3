/** Per-row error sentences by id (a refused edit, delete, cancel or retry), shown on that row until cleared. */
import { createSignal } from 'solid-js';

export const createRowErrors = () => {
  const [rowErrors, setRowErrors] = createSignal<Record<string, string>>({});
  const setRowError = (id: string, msg: string | null) =>
    setRowErrors((m) => {
      const next = { ...m };
      if (msg === null) delete next[id];
      else next[id] = msg;
      return next;
    });
  return { rowErrors, setRowError };
};
