/** Presets: list, create/update with the server's validation message kept beside the form, delete. */
import { createSignal } from 'solid-js';
import { ApiError, type Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { Preset } from '../types.ts';
import { fieldOfMessage, issuesOfMessage, issueSummary, localIssues, type FieldIssue } from './preset-issues.ts';

export type PresetsApi = Pick<Api, 'listPresets' | 'createPreset' | 'updatePreset' | 'deletePreset'>;

export { fieldMatches, fieldOfMessage } from './preset-issues.ts';

export type PresetDraft = Omit<Preset, 'builtin'>;

export const createPresetsStore = (api: PresetsApi) => {
  const [items, setItems] = createSignal<Preset[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  /** A refusal: the note for the top of the form, the first field named (kept for callers), and every issue by field. */
  const [formError, setFormError] = createSignal<{ message: string; field: string | null; issues: FieldIssue[] } | null>(null);

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

  /**
   * Creates (isNew) or replaces a preset; on a refusal keeps each issue by
   * the field it names. Number inputs left blank are refused here, unsent.
   */
  const save = async (draft: PresetDraft, isNew: boolean): Promise<Preset | null> => {
    const local = localIssues(draft);
    if (local.length > 0) {
      setFormError({ message: issueSummary(local, draft), field: local[0]!.field, issues: local });
      return null;
    }
    setSaving(true);
    setFormError(null);
    try {
      const saved = isNew ? await api.createPreset(draft) : await api.updatePreset(draft.id, draft);
      setItems((list) => (list.some((p) => p.id === saved.id) ? list.map((p) => (p.id === saved.id ? saved : p)) : [...list, saved]));
      return saved;
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // Only a validation answer is about fields; a network or server error is one sentence.
      const issues = e instanceof ApiError && e.status === 400 ? issuesOfMessage(message) : [];
      const field = issues.length ? fieldOfMessage(message) : null;
      setFormError({ message: issues.some((i) => i.field) ? issueSummary(issues, draft) : errorText(e), field, issues });
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
