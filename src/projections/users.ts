/**
 * The User read model and its API keys: who can log in (found by email),
 * their role and standing, and each key's name, scopes and expiry. The
 * password hash is kept here for the login check (the log holds it too);
 * key secrets are not: the session store holds their hashes for the guard.
 */
import type { Database } from 'bun:sqlite';
import { streamId, streamKind } from '../events/index.ts';
import { normalizeEmail, type Role, type Scope } from '../events/user.ts';
import { DELETE, type Projection } from './projection.ts';
import { defineTable } from './table.ts';

export interface UserView {
  id: string;
  email: string;
  role: Role;
  disabled: number;
  must_change_password: number;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

export const usersTable = defineTable<UserView>({
  name: 'users',
  key: ['id'],
  columns: {
    id: 'TEXT',
    email: 'TEXT',
    role: 'TEXT',
    disabled: 'INTEGER',
    must_change_password: 'INTEGER',
    password_hash: 'TEXT',
    created_at: 'TEXT',
    updated_at: 'TEXT',
  },
  indexes: [['email']],
});

const isUser = (stream: string) => streamKind(stream) === 'user';

export const usersProjection: Projection<UserView> = {
  name: 'users',
  version: 1,
  table: usersTable,
  keyOf: (e) => (isUser(e.stream) ? [streamId(e.stream)] : null),
  fold: (v, e) => {
    switch (e.type) {
      case 'UserCreated': {
        const d = e.data;
        return {
          id: d.userId,
          email: d.email,
          role: d.role,
          disabled: 0,
          must_change_password: d.mustChangePassword ? 1 : 0,
          password_hash: d.passwordHash,
          created_at: d.at,
          updated_at: d.at,
        };
      }
      case 'UserPasswordChanged':
        return v && { ...v, password_hash: e.data.passwordHash, must_change_password: e.data.mustChangePassword ? 1 : 0, updated_at: e.data.at };
      case 'UserRoleChanged':
        return v && { ...v, role: e.data.role, updated_at: e.data.at };
      case 'UserDisabled':
        return v && { ...v, disabled: 1, updated_at: e.data.at };
      case 'UserEnabled':
        return v && { ...v, disabled: 0, updated_at: e.data.at };
      case 'UserRemoved':
        return v ? DELETE : null;
      default:
        return null;
    }
  },
};

export interface ApiKeyView {
  user_id: string;
  id: string;
  name: string;
  scopes: Scope[];
  expires_at: string | null;
  created_at: string;
  revoked_at: string | null;
}

export const apiKeysTable = defineTable<ApiKeyView>({
  name: 'api_keys',
  key: ['user_id', 'id'],
  columns: { user_id: 'TEXT', id: 'TEXT', name: 'TEXT', scopes: 'JSON', expires_at: 'TEXT', created_at: 'TEXT', revoked_at: 'TEXT' },
});

export const apiKeysProjection: Projection<ApiKeyView> = {
  name: 'api_keys',
  version: 1,
  table: apiKeysTable,
  // A removed user's keys all go.
  scopeOf: (e) => (isUser(e.stream) && e.type === 'UserRemoved' ? [streamId(e.stream)] : null),
  keyOf: (e) => {
    if (!isUser(e.stream)) return null;
    if (e.type === 'ApiKeyCreated' || e.type === 'ApiKeyRevoked') return [streamId(e.stream), e.data.keyId];
    return null;
  },
  fold: (v, e) => {
    switch (e.type) {
      case 'ApiKeyCreated': {
        const d = e.data;
        return { user_id: streamId(e.stream), id: d.keyId, name: d.name, scopes: d.scopes, expires_at: d.expiresAt, created_at: d.at, revoked_at: null };
      }
      case 'ApiKeyRevoked':
        return v && (v.revoked_at ? null : { ...v, revoked_at: e.data.at });
      case 'UserRemoved':
        return v ? DELETE : null;
      default:
        return null;
    }
  },
};

export const findUser = (db: Database, id: string): UserView | null => usersTable.load(db, [id]);

export const findUserByEmail = (db: Database, email: string): UserView | null => usersTable.select(db, 'WHERE email = ?', [normalizeEmail(email)])[0] ?? null;

export const listUsers = (db: Database, page: { limit: number; offset: number }): { rows: UserView[]; total: number } => ({
  rows: usersTable.select(db, 'ORDER BY email LIMIT ? OFFSET ?', [page.limit, page.offset]),
  total: usersTable.count(db, ''),
});

export const countUsers = (db: Database): number => usersTable.count(db, '');

/** A user's keys, newest first (revoked ones too: the list shows them as revoked). */
export const keysOfUser = (db: Database, userId: string): ApiKeyView[] => apiKeysTable.select(db, 'WHERE user_id = ? ORDER BY created_at DESC, id', [userId]);
