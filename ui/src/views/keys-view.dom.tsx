/** Component tests for the API keys page: the new key shown once, scopes by role, revoke with a confirm (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError } from '../api.ts';
import { createKeysStore, type KeysApi } from '../stores/keys.ts';
import type { ApiKeyDto, CreateKeyRequest } from '../../../src/types/accounts.ts';
import { apiKey } from '../../test/fixtures.ts';
import { KeysView } from './keys-view.tsx';

const fakeApi = (keys: ApiKeyDto[], o: { revokeFails?: boolean } = {}) => {
  const created: CreateKeyRequest[] = [];
  const revoked: string[] = [];
  const api: KeysApi = {
    listKeys: async () => ({ items: keys, total: keys.length }),
    createKey: async (req) => {
      created.push(req);
      return { ...apiKey({ id: 'k2', name: req.name, scopes: req.scopes, expiresAt: req.expiresAt ?? null, prefix: 'mpr_XyZw' }), key: 'mpr_XyZw.secret-part' };
    },
    revokeKey: async (id) => {
      revoked.push(id);
      if (o.revokeFails) throw new ApiError(409, 'conflict', 'key k1 is already revoked');
      return null;
    },
  };
  return { api, created, revoked };
};

const mount = async (api: KeysApi, isAdmin = false) => {
  const store = createKeysStore(api);
  await store.load();
  return render(() => <KeysView store={store} isAdmin={isAdmin} />);
};

const rows = (root: HTMLElement) => [...root.querySelectorAll('[data-testid="key-row"]')] as HTMLElement[];
const scope = (root: HTMLElement, s: string) => root.querySelector(`[data-testid="key-scope"][data-scope="${s}"]`) as HTMLInputElement | null;

describe('API keys page', () => {
  test('a new key is shown once, with a copy button and a sentence saying so; Done hides it for good', async () => {
    const { api, created } = fakeApi([apiKey()]);
    const v = await mount(api);
    expect(scope(v.container, 'admin')).toBeNull(); // not an admin: no admin scope offered
    fireEvent.input(v.getByTestId('key-name'), { target: { value: 'uploader' } });
    fireEvent.click(scope(v.container, 'write')!);
    fireEvent.input(v.getByTestId('key-expires'), { target: { value: '2030-06-30' } });
    fireEvent.submit(v.getByTestId('new-key-form'));
    await waitFor(() => expect(v.queryByTestId('new-key') !== null).toBe(true));
    expect(created).toHaveLength(1);
    expect(created[0]!.name).toBe('uploader');
    expect(created[0]!.scopes.sort()).toEqual(['read', 'write']);
    expect(new Date(created[0]!.expiresAt!).getDate()).toBe(30); // the end of that day, local time
    expect((v.getByTestId('new-key-value') as HTMLInputElement).value).toBe('mpr_XyZw.secret-part');
    expect(v.getByTestId('new-key').textContent).toContain('It will not be shown again.');
    expect(v.queryByTestId('copy-secret') !== null).toBe(true);
    expect(rows(v.container).map((r) => r.dataset.id)).toEqual(['k2', 'k1']);
    // The list never holds the secret.
    expect(rows(v.container)[0]!.textContent).not.toContain('secret-part');
    fireEvent.click(v.getByTestId('secret-done'));
    expect(v.queryByTestId('new-key') === null).toBe(true);
    expect(v.container.textContent).not.toContain('secret-part');
  });

  test('admins are offered the admin scope; a key with no name or no scope is refused before sending', async () => {
    const { api, created } = fakeApi([]);
    const v = await mount(api, true);
    expect(scope(v.container, 'admin')).not.toBeNull();
    fireEvent.submit(v.getByTestId('new-key-form'));
    await waitFor(() => expect(v.container.querySelector('[role="alert"]')?.textContent).toBe('Give the key a name.'));
    fireEvent.input(v.getByTestId('key-name'), { target: { value: 'x' } });
    fireEvent.click(scope(v.container, 'read')!);
    fireEvent.submit(v.getByTestId('new-key-form'));
    await waitFor(() => expect(v.container.querySelector('[role="alert"]')?.textContent).toBe('Choose at least one scope.'));
    expect(created).toEqual([]);
  });

  test('revoke asks first, then marks the key revoked', async () => {
    const { api, revoked } = fakeApi([apiKey()]);
    const v = await mount(api);
    fireEvent.click(v.getByTestId('revoke-key'));
    expect(revoked).toEqual([]); // only asked so far
    fireEvent.click(v.getByTestId('confirm-revoke'));
    await waitFor(() => expect(rows(v.container)[0]!.dataset.revoked).toBe('true'));
    expect(revoked).toEqual(['k1']);
    expect(v.getByTestId('key-status').textContent).toBe('revoked');
    expect(v.queryByTestId('revoke-key') === null).toBe(true);
  });

  test('a refused revoke comes back, with the reason on its row', async () => {
    const { api } = fakeApi([apiKey()], { revokeFails: true });
    const v = await mount(api);
    fireEvent.click(v.getByTestId('revoke-key'));
    fireEvent.click(v.getByTestId('confirm-revoke'));
    await waitFor(() => expect(v.container.querySelector('[role="alert"]')?.textContent).toContain('Key k1 is already revoked.'));
    expect(rows(v.container)[0]!.dataset.revoked).toBe('false');
  });
});
