/**
 * A setup form's checks and its save, as the timeline, profile and brand
 * list stores share them: the client's own checks show once Save was pressed
 * (and nothing is sent while they find anything); the server's refusal shows
 * at the fields it names (refusal.ts) until the next edit, the rest as the
 * form's general error.
 */
import { createSignal } from 'solid-js';
import { refusalOf } from './refusal.ts';

export type Messages = Record<string, string>;

export const createFormCheck = () => {
  const [checked, setChecked] = createSignal(false);
  const [serverErrors, setServerErrors] = createSignal<Messages>({});
  const [saving, setSaving] = createSignal(false);
  return {
    saving,
    setChecked,
    setServerErrors,
    /** A fresh form: no message of either kind. */
    clear: () => {
      setChecked(false);
      setServerErrors({});
    },
    /** The messages by field: the server's, under the client's checks (`client`, read only once Save was pressed). */
    errors: (client: () => Messages): Messages => ({ ...serverErrors(), ...(checked() ? client() : {}) }),
    /**
     * Save pressed: `problems` are the client's checks now; with none, `send`
     * runs and `saved` takes its answer (the answer is also what this
     * resolves to; null when nothing was saved). A refusal goes to the fields
     * `place` finds for it, the rest to `general`, which is cleared first.
     */
    submit: async <T>(o: {
      problems: Messages;
      send: () => Promise<T>;
      saved: (v: T) => void;
      place: (field: string) => string | null;
      general: (message: string | null) => void;
    }): Promise<T | null> => {
      setChecked(true);
      if (Object.keys(o.problems).length > 0) return null;
      setSaving(true);
      o.general(null);
      setServerErrors({});
      try {
        const v = await o.send();
        o.saved(v);
        return v;
      } catch (e) {
        const r = refusalOf(e, o.place);
        setServerErrors(r.fields);
        o.general(r.general);
        return null;
      } finally {
        setSaving(false);
      }
    },
  };
};
