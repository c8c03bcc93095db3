/** Component tests for the admin users page (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError } from '../api.ts';
import { createUsersStore, type UsersApi } from '../stores/users.ts';
import type { CreateUserRequest, UpdateUserRequest, UserDto } from '../../../src/types/accounts.ts';
import { user } from '../../test/fixtures.ts';
import { UsersView } from './users-view.tsx';

const fakeApi = (users: UserDto[], o: { updateFails?: boolean } = {}) => {
  const created: CreateUserRequest[] = [];
  const updated: [string, UpdateUserRequest][] = [];
  const deleted: string[] = [];
  const api: UsersApi = {
    listUsers: async () => ({ items: users, total: users.length }),
    createUser: async (req) => {
      created.push(req);
      const u = user({ id: 'u9', email: req.email, role: req.role ?? 'member', mustChangePassword: !req.password });
      return req.password ? u : { ...u, password: 'one-time-Pw-123' };
    },
    updateUser: async (id, patch) => {
      updated.push([id, patch]);
      // A slow server: the change shows before it answers.
      await Bun.sleep(20);
      if (o.updateFails) throw new ApiError(409, 'conflict', 'cannot disable the last admin');
      return { ...users.find((u) => u.id === id)!, ...patch };
    },
    deleteUser: async (id) => {
      deleted.push(id);
      return null;
    },
  };
  return { api, created, updated, deleted };
};

const people = () => [user({ id: 'u1', email: 'ada@example.com', role: 'admin' }), user({ id: 'u2', email: 'mo@example.com' })];

const mount = async (api: UsersApi) => {
  const store = createUsersStore(api);
  await store.load();
  return render(() => <UsersView store={store} me="u1" />);
};

const row = (root: HTMLElement, id: string) => root.querySelector(`[data-testid="user-row"][data-id="${id}"]`) as HTMLElement | null;
const inRow = (root: HTMLElement, id: string, testid: string) => row(root, id)?.querySelector(`[data-testid="${testid}"]`) as HTMLElement | null;

describe('users page', () => {
  test('adding a user without a password shows the one-time password once, with a copy button', async () => {
    const { api, created } = fakeApi(people());
    const v = await mount(api);
    fireEvent.input(v.getByTestId('user-email'), { target: { value: 'new@example.com' } });
    fireEvent.change(v.getByTestId('user-role'), { target: { value: 'admin' } });
    fireEvent.submit(v.getByTestId('new-user-form'));
    await waitFor(() => expect(v.queryByTestId('new-user-password') !== null).toBe(true));
    expect(created).toEqual([{ email: 'new@example.com', role: 'admin' }]); // no password: the server makes one
    expect((v.getByTestId('new-user-password-value') as HTMLInputElement).value).toBe('one-time-Pw-123');
    expect(v.getByTestId('new-user-password').textContent).toContain('new@example.com');
    expect(v.queryByTestId('copy-secret') !== null).toBe(true);
    expect(row(v.container, 'u9')?.textContent).toContain('one-time password');
    fireEvent.click(v.getByTestId('secret-done'));
    expect(v.container.textContent).not.toContain('one-time-Pw-123');
  });

  test('a password given is sent, and no secret is shown', async () => {
    const { api, created } = fakeApi(people());
    const v = await mount(api);
    fireEvent.input(v.getByTestId('user-email'), { target: { value: 'x@example.com' } });
    fireEvent.input(v.getByTestId('user-password'), { target: { value: 'chosen password' } });
    fireEvent.submit(v.getByTestId('new-user-form'));
    await waitFor(() => expect(v.queryByTestId('user-added') !== null).toBe(true));
    expect(created).toEqual([{ email: 'x@example.com', role: 'member', password: 'chosen password' }]);
    expect(v.queryByTestId('new-user-password') === null).toBe(true);
  });

  test('disable shows at once and sticks; the own row offers no disable, remove or role change', async () => {
    const { api, updated } = fakeApi(people());
    const v = await mount(api);
    expect(inRow(v.container, 'u1', 'toggle-user')).toBeNull();
    expect(inRow(v.container, 'u1', 'remove-user')).toBeNull();
    expect((inRow(v.container, 'u1', 'user-role-select') as HTMLSelectElement).disabled).toBe(true);
    fireEvent.click(inRow(v.container, 'u2', 'toggle-user')!);
    expect(row(v.container, 'u2')!.dataset.disabled).toBe('true'); // before the server answers
    await waitFor(() => expect(updated).toEqual([['u2', { disabled: true }]]));
    await Bun.sleep(40);
    expect(row(v.container, 'u2')!.dataset.disabled).toBe('true');
    expect(inRow(v.container, 'u2', 'toggle-user')!.textContent).toBe('Enable');
    expect(inRow(v.container, 'u2', 'user-status')!.textContent).toContain('disabled');
  });

  test('a refused change rolls back, with the reason on its row', async () => {
    const { api } = fakeApi(people(), { updateFails: true });
    const v = await mount(api);
    fireEvent.change(inRow(v.container, 'u2', 'user-role-select')!, { target: { value: 'admin' } });
    await waitFor(() => expect(v.container.querySelector('[role="alert"]')?.textContent).toContain('Cannot disable the last admin.'));
    expect((inRow(v.container, 'u2', 'user-role-select') as HTMLSelectElement).value).toBe('member');
  });

  test('remove asks first, then the row goes', async () => {
    const { api, deleted } = fakeApi(people());
    const v = await mount(api);
    fireEvent.click(inRow(v.container, 'u2', 'remove-user')!);
    expect(deleted).toEqual([]);
    fireEvent.click(v.getByTestId('confirm-remove'));
    await waitFor(() => expect(row(v.container, 'u2') === null).toBe(true));
    expect(deleted).toEqual(['u2']);
  });
});
