/**
 * Accounts (admins only): list, add (a generated one-time password kept to
 * show once), change role, disable or enable, remove. Changes show at once
 * and roll back when the server refuses them.
 */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { CreatedUser, CreateUserRequest, Role, UpdateUserRequest, UserDto } from '../../../src/types/api.ts';
import { createRowErrors } from './row-errors.ts';

export type UsersApi = Pick<Api, 'listUsers' | 'createUser' | 'updateUser' | 'deleteUser'>;

export const createUsersStore = (api: UsersApi) => {
  const [items, setItems] = createSignal<UserDto[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [formError, setFormError] = createSignal<string | null>(null);
  const [saving, setSaving] = createSignal(false);
  /** The user just added, with the generated password when one was: shown until dismissed. */
  const [created, setCreated] = createSignal<CreatedUser | null>(null);
  const { rowErrors, setRowError } = createRowErrors();

  const load = async () => {
    try {
      setItems((await api.listUsers()).items);
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setLoaded(true);
    }
  };

  /** A blank password is left out: the server makes a one-time one. */
  const add = async (email: string, role: Role, password: string): Promise<boolean> => {
    if (!email.trim()) {
      setFormError('Type an email address.');
      return false;
    }
    const req: CreateUserRequest = { email: email.trim(), role };
    if (password) req.password = password;
    setSaving(true);
    setFormError(null);
    try {
      const u = await api.createUser(req);
      const { password: _secret, ...row } = u;
      setItems((list) => [...list.filter((x) => x.id !== u.id), row]);
      setCreated(u);
      return true;
    } catch (e) {
      setFormError(errorText(e));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const update = async (id: string, patch: UpdateUserRequest): Promise<boolean> => {
    const before = items();
    setItems(before.map((u) => (u.id === id ? { ...u, ...patch } : u)));
    setRowError(id, null);
    try {
      const saved = await api.updateUser(id, patch);
      setItems((list) => list.map((u) => (u.id === id ? saved : u)));
      return true;
    } catch (e) {
      // Only this row goes back: another row changed meanwhile keeps its change.
      const old = before.find((u) => u.id === id);
      if (old) setItems((list) => list.map((u) => (u.id === id ? old : u)));
      setRowError(id, errorText(e));
      return false;
    }
  };

  const remove = async (id: string): Promise<boolean> => {
    const before = items();
    setItems(before.filter((u) => u.id !== id));
    setRowError(id, null);
    try {
      await api.deleteUser(id);
      return true;
    } catch (e) {
      setItems(before);
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
    add,
    setRole: (id: string, role: Role) => update(id, { role }),
    setDisabled: (id: string, disabled: boolean) => update(id, { disabled }),
    remove,
    dismissCreated: () => setCreated(null),
    dismissRowError: (id: string) => setRowError(id, null),
    clearError: () => setError(null),
  };
};

export type UsersStore = ReturnType<typeof createUsersStore>;
