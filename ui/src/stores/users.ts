/**
 * Accounts (admins only): list, add (a generated one-time password kept to
 * show once), change role, disable or enable, remove. Changes show at once
 * and roll back when the server refuses them.
 */
import type { Api } from '../api.ts';
import type { CreatedUser, CreateUserRequest, Role, UpdateUserRequest, UserDto } from '../../../src/types/accounts.ts';
import { createManagedList } from './managed-list.ts';

export type UsersApi = Pick<Api, 'listUsers' | 'createUser' | 'updateUser' | 'deleteUser'>;

export const createUsersStore = (api: UsersApi) => {
  const m = createManagedList<UserDto, CreatedUser>(() => api.listUsers());

  /** A blank password is left out: the server makes a one-time one. */
  const add = async (email: string, role: Role, password: string): Promise<boolean> => {
    if (!email.trim()) {
      m.setFormError('Type an email address.');
      return false;
    }
    const req: CreateUserRequest = { email: email.trim(), role };
    if (password) req.password = password;
    return m.submit(
      () => api.createUser(req),
      (u, list) => {
        const { password: _secret, ...row } = u;
        return [...list.filter((x) => x.id !== u.id), row];
      },
    );
  };

  const update = (id: string, patch: UpdateUserRequest) =>
    m.changeRow(
      id,
      (u) => ({ ...u, ...patch }),
      () => api.updateUser(id, patch),
    );

  const { setFormError: _set, submit: _submit, changeRow, ...shared } = m;
  return {
    ...shared,
    add,
    setRole: (id: string, role: Role) => update(id, { role }),
    setDisabled: (id: string, disabled: boolean) => update(id, { disabled }),
    remove: (id: string) => changeRow(id, null, () => api.deleteUser(id)),
  };
};

export type UsersStore = ReturnType<typeof createUsersStore>;
