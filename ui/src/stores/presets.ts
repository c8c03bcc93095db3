/** Presets: list, create/update with the server's validation message kept beside the form, delete. */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { Preset } from '../types.ts';

export type PresetsApi = Pick<Api, 'listPresets' | 'createPreset' | 'updatePreset' | 'deletePreset'>;

/** `video.rungs[1].height: must be …` → `video.rungs[1].height`; null when the message names no field. */
export const fieldOfMessage = (message: string): string | null => {
  const m = /^([A-Za-z_][\w]*(?:\[\d+\]|\.[A-Za-z_][\w]*)*)\s*:/.exec(message.trim());
  return m ? m[1]! : null;
};

/** Does an error about `errorField` concern the input for `path`? (`video.rungs[1]` covers its height.) */
export const fieldMatches = (errorField: string | null, path: string): boolean =>
  !!errorField && (errorField === path || errorField.startsWith(`${path}.`) || errorField.startsWith(`${path}[`) || path.startsWith(`${errorField}.`) || path.startsWith(`${errorField}[`));

export type PresetDraft = Omit<Preset, 'builtin'>;

export const createPresetsStore = (api: PresetsApi) => {
  const [items, setItems] = createSignal<Preset[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  const [formError, setFormError] = createSignal<{ message: string; field: string | null } | null>(null);

  const load = async () => {
    try {
      const page = await api.listPresets();
      setItems(page.items);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoaded(true);
    }
  };

  /** Creates (isNew) or replaces a preset; on a refusal keeps the message and the field it names. */
  const save = async (draft: PresetDraft, isNew: boolean): Promise<Preset | null> => {
    setSaving(true);
    setFormError(null);
    try {
      const saved = isNew ? await api.createPreset(draft) : await api.updatePreset(draft.id, draft);
      setItems((list) => (list.some((p) => p.id === saved.id) ? list.map((p) => (p.id === saved.id ? saved : p)) : [...list, saved]));
      return saved;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      setFormError({ message: errorText(e), field: fieldOfMessage(message) });
      return null;
    } finally {
      setSaving(false);
    }
  };

  const remove = async (id: string): Promise<boolean> => {
    const before = items();
    setItems(before.filter((p) => p.id !== id));
    try {
      await api.deletePreset(id);
      return true;
    } catch (e) {
      setItems(before);
      setError(errorText(e));
      return false;
    }
  };

  return { items, loaded, error, saving, formError, load, save, remove, clearFormError: () => setFormError(null), clearError: () => setError(null) };
};

export type PresetsStore = ReturnType<typeof createPresetsStore>;
