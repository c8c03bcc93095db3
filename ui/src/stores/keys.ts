/** The caller's API keys: list, create (the key itself kept to show once), revoke (optimistic, rolled back on failure). */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { ApiKeyDto, CreatedKey, CreateKeyRequest } from '../../../src/types/api.ts';
import { createRowErrors } from './row-errors.ts';

export type KeysApi = Pick<Api, 'listKeys' | 'createKey' | 'revokeKey'>;

export const createKeysStore = (api: KeysApi) => {
  const [items, setItems] = createSignal<ApiKeyDto[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [formError, setFormError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  /** The key just made, with its secret: shown until dismissed, then gone for good. */
  const [created, setCreated] = createSignal<CreatedKey | null>(null);
  const { rowErrors, setRowError } = createRowErrors();

  const load = async () => {
    try {
      setItems((await api.listKeys()).items);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoaded(true);
    }
  };

  const create = async (req: CreateKeyRequest): Promise<boolean> => {
    if (!req.name.trim()) {
      setFormError('Give the key a name.');
      return false;
    }
    if (req.scopes.length === 0) {
      setFormError('Choose at least one scope.');
      return false;
    }
    setSaving(true);
    setFormError(null);
    try {
      const k = await api.createKey({ ...req, name: req.name.trim() });
      const { key: _secret, ...row } = k;
      setItems((list) => [row, ...list.filter((x) => x.id !== k.id)]);
      setCreated(k);
      return true;
    } catch (e) {
      setFormError(errorText(e));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const revoke = async (id: string): Promise<boolean> => {
    const before = items();
    setItems(before.map((k) => (k.id === id ? { ...k, revoked: true } : k)));
    setRowError(id, null);
    try {
      await api.revokeKey(id);
      return true;
    } catch (e) {
      const old = before.find((k) => k.id === id);
      if (old) setItems((list) => list.map((k) => (k.id === id ? old : k)));
      setRowError(id, errorText(e));
      return false;
    }
  };

  return {
    items,
    loaded,
    error,
    formError,
    saving,
    created,
    rowErrors,
    load,
    create,
    revoke,
    dismissCreated: () => setCreated(null),
    dismissRowError: (id: string) => setRowError(id, null),
    clearError: () => setError(null),
  };
};

export type KeysStore = ReturnType<typeof createKeysStore>;
