/**
 * The user actor's decider: an account (created once per email, or again
 * after removal), its password, role and standing, its sessions and its API
 * keys. Hashing happens before a command is made (commands carry hashes, as
 * events do), so the decider stays pure.
 */
import { AppError } from '../errors.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Role, Scope, SessionEndReason, UserEvent } from '../events/user.ts';
import type { Decider } from './decider.ts';

export interface ApiKeyState {
  keyId: string;
  name: string;
  scopes: Scope[];
  secretHash: string;
  expiresAt: string | null;
  createdAt: string;
  revoked: boolean;
}

export interface UserState {
  status: 'none' | 'active' | 'disabled' | 'removed';
  id: string;
  email: string;
  role: Role;
  passwordHash: string;
  mustChangePassword: boolean;
  /** Open sessions by id, with their expiry. */
  sessions: Record<string, { expiresAt: string }>;
  keys: Record<string, ApiKeyState>;
}

export type UserCommand =
  | { type: 'CreateUser'; data: Extract<UserEvent, { type: 'UserCreated' }>['data'] }
  | { type: 'ChangePassword'; data: { passwordHash: string; mustChangePassword: boolean; at: string } }
  | { type: 'ChangeRole'; data: { role: Role; at: string } }
  | { type: 'DisableUser'; data: { by: string | null; at: string } }
  | { type: 'EnableUser'; data: { by: string | null; at: string } }
  | { type: 'RemoveUser'; data: { by: string | null; at: string } }
  | { type: 'StartSession'; data: Extract<UserEvent, { type: 'SessionStarted' }>['data'] }
  | { type: 'EndSession'; data: { sessionId: string; reason: SessionEndReason; at: string } }
  | { type: 'EndAllSessions'; data: { reason: SessionEndReason; at: string } }
  | { type: 'CreateApiKey'; data: Extract<UserEvent, { type: 'ApiKeyCreated' }>['data'] }
  | { type: 'RevokeApiKey'; data: { keyId: string; at: string } };

export const initialUser = (): UserState => ({
  status: 'none',
  id: '',
  email: '',
  role: 'member',
  passwordHash: '',
  mustChangePassword: false,
  sessions: {},
  keys: {},
});

const withoutKey = <V>(r: Record<string, V>, k: string): Record<string, V> => {
  const { [k]: _gone, ...rest } = r;
  return rest;
};

export const evolveUser = (s: UserState, ev: StoredEvent<UserEvent>): UserState => {
  switch (ev.type) {
    case 'UserCreated': {
      const d = ev.data;
      return {
        ...initialUser(),
        status: 'active',
        id: d.userId,
        email: d.email,
        role: d.role,
        passwordHash: d.passwordHash,
        mustChangePassword: d.mustChangePassword,
      };
    }
    case 'UserPasswordChanged':
      return { ...s, passwordHash: ev.data.passwordHash, mustChangePassword: ev.data.mustChangePassword };
    case 'UserRoleChanged':
      return { ...s, role: ev.data.role };
    case 'UserDisabled':
      return { ...s, status: 'disabled', sessions: {} };
    case 'UserEnabled':
      return { ...s, status: 'active' };
    case 'UserRemoved':
      return { ...s, status: 'removed', sessions: {}, keys: Object.fromEntries(Object.entries(s.keys).map(([k, v]) => [k, { ...v, revoked: true }])) };
    case 'SessionStarted':
      return { ...s, sessions: { ...s.sessions, [ev.data.sessionId]: { expiresAt: ev.data.expiresAt } } };
    case 'SessionEnded':
      return { ...s, sessions: withoutKey(s.sessions, ev.data.sessionId) };
    case 'AllSessionsEnded':
      return { ...s, sessions: {} };
    case 'ApiKeyCreated': {
      const { keyId, name, scopes, secretHash, expiresAt, at } = ev.data;
      return { ...s, keys: { ...s.keys, [keyId]: { keyId, name, scopes, secretHash, expiresAt, createdAt: at, revoked: false } } };
    }
    case 'ApiKeyRevoked': {
      const k = s.keys[ev.data.keyId];
      return k ? { ...s, keys: { ...s.keys, [ev.data.keyId]: { ...k, revoked: true } } } : s;
    }
    default:
      return s;
  }
};

const live = (s: UserState) => s.status === 'active' || s.status === 'disabled';

export const decideUser = (cmd: UserCommand, s: UserState): UserEvent[] => {
  switch (cmd.type) {
    case 'CreateUser':
      if (live(s)) throw new AppError('conflict', `a user with the email ${cmd.data.email} already exists`);
      return [{ type: 'UserCreated', data: cmd.data }];
    case 'ChangePassword':
      if (!live(s)) throw new AppError('not_found', 'no such user');
      // A new password ends every session but the one the caller keeps (its new one is started after).
      return [
        { type: 'UserPasswordChanged', data: cmd.data },
        ...(Object.keys(s.sessions).length ? [{ type: 'AllSessionsEnded' as const, data: { reason: 'password changed' as const, at: cmd.data.at } }] : []),
      ];
    case 'ChangeRole':
      if (!live(s)) throw new AppError('not_found', 'no such user');
      return s.role === cmd.data.role ? [] : [{ type: 'UserRoleChanged', data: cmd.data }];
    case 'DisableUser':
      if (!live(s)) throw new AppError('not_found', 'no such user');
      return s.status === 'disabled' ? [] : [{ type: 'UserDisabled', data: cmd.data }];
    case 'EnableUser':
      if (!live(s)) throw new AppError('not_found', 'no such user');
      return s.status === 'active' ? [] : [{ type: 'UserEnabled', data: cmd.data }];
    case 'RemoveUser':
      if (!live(s)) throw new AppError('not_found', 'no such user');
      return [{ type: 'UserRemoved', data: cmd.data }];
    case 'StartSession':
      if (s.status !== 'active') throw new AppError('invalid_state', s.status === 'disabled' ? 'this account is disabled' : 'no such user');
      return [{ type: 'SessionStarted', data: cmd.data }];
    case 'EndSession':
      // Idempotent: ending a session that already ended (or never started here) records nothing.
      return s.sessions[cmd.data.sessionId] ? [{ type: 'SessionEnded', data: cmd.data }] : [];
    case 'EndAllSessions':
      return Object.keys(s.sessions).length ? [{ type: 'AllSessionsEnded', data: cmd.data }] : [];
    case 'CreateApiKey':
      if (s.status !== 'active') throw new AppError('invalid_state', 'this account cannot make keys');
      if (s.keys[cmd.data.keyId]) throw new AppError('conflict', `key ${cmd.data.keyId} exists`);
      return [{ type: 'ApiKeyCreated', data: cmd.data }];
    case 'RevokeApiKey': {
      const k = s.keys[cmd.data.keyId];
      if (!k) throw new AppError('not_found', `no key ${cmd.data.keyId}`);
      return k.revoked ? [] : [{ type: 'ApiKeyRevoked', data: cmd.data }];
    }
    default: {
      const exhaustive: never = cmd;
      return exhaustive;
    }
  }
};

export const userDecider: Decider<UserState, UserCommand, UserEvent> = { initial: initialUser, evolve: evolveUser, decide: decideUser };
