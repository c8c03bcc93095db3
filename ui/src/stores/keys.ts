/** The caller's API keys: list, create (the key itself kept to show once), revoke (optimistic, rolled back on failure). */
import type { Api } from '../api.ts';
import type { ApiKeyDto, CreatedKey, CreateKeyRequest } from '../../../src/types/accounts.ts';
import { createManagedList } from './managed-list.ts';

export type KeysApi = Pick<Api, 'listKeys' | 'createKey' | 'revokeKey'>;

export const createKeysStore = (api: KeysApi) => {
  const m = createManagedList<ApiKeyDto, CreatedKey>(() => api.listKeys());

  const create = async (req: CreateKeyRequest): Promise<boolean> => {
    if (!req.name.trim()) {
      m.setFormError('Give the key a name.');
      return false;
    }
    if (req.scopes.length === 0) {
      m.setFormError('Choose at least one scope.');
      return false;
    }
    return m.submit(
      () => api.createKey({ ...req, name: req.name.trim() }),
      (k, list) => {
        const { key: _secret, ...row } = k;
        return [row, ...list.filter((x) => x.id !== k.id)];
      },
    );
  };

  const { setFormError: _set, submit: _submit, changeRow, ...shared } = m;
  return {
    ...shared,
    create,
    revoke: (id: string) =>
      changeRow(
        id,
        (k) => ({ ...k, revoked: true }),
        () => api.revokeKey(id),
      ),
  };
};

export type KeysStore = ReturnType<typeof createKeysStore>;
