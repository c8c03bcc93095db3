/**
 * Accounts and API keys: the first admin at start-up, users added,
 * changed, disabled and removed by admins, keys made and revoked by their
 * owners. Each change is an event on the user's stream and, at once, a
 * write to the session store, so a disabled user or a revoked key stops
 * working on the very next request on every node. `syncStore` fills a
 * store that lost its data (a new Redis) from the log.
 */
import type { Database } from 'bun:sqlite';
import { actorsOf } from '../actors/registry.ts';
import type { Runtime } from '../actors/runtime.ts';
import { AppError } from '../errors.ts';
import { normalizeEmail, ROLES, type Role, SCOPES, type Scope, userIdFor } from '../events/user.ts';
import { countUsers, findUser, keysOfUser, usersTable } from '../projections/users.ts';
import { checkNewPassword, generatePassword, hashPassword, newApiKey } from './credentials.ts';
import { type Principal, scopesOfRole } from './policy.ts';
import type { SessionStore } from './store/index.ts';

export interface AccountDeps {
  runtime: Runtime;
  db: Database;
  store: SessionStore;
  clock: () => number;
  /** Waits until the read models have applied a log position. */
  caughtUp: (position: number) => Promise<void>;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}$/;

const checkEmail = (v: unknown): string => {
  if (typeof v !== 'string' || !EMAIL.test(v.trim())) throw new AppError('validation', 'email: an email address (name@host)');
  return normalizeEmail(v);
};

const checkRole = (v: unknown, field = 'role'): Role => {
  if (!ROLES.includes(v as Role)) throw new AppError('validation', `${field}: one of ${ROLES.join(', ')}`);
  return v as Role;
};

export const createAccounts = (d: AccountDeps) => {
  const actors = actorsOf(d.runtime);
  const iso = () => new Date(d.clock()).toISOString();
  const meta = (by: string | null, userId: string) => ({ actor: by ? `user:${by}` : 'auth', correlationId: userId });

  const standFor = (role: Role, disabled: boolean) => ({ role, disabled });

  /** Active admins other than `except`: the last one may not be disabled, demoted or removed. */
  const otherAdmins = (except: string) => usersTable.count(d.db, "WHERE role = 'admin' AND disabled = 0 AND id != ?", [except]);

  const create = async (by: string | null, email: string, role: Role, password: string, mustChangePassword: boolean) => {
    const userId = userIdFor(email);
    const r = await actors
      .user(userId)
      .execute(
        { type: 'CreateUser', data: { userId, email, role, passwordHash: await hashPassword(password), mustChangePassword, by, at: iso() } },
        meta(by, userId),
      );
    await d.store.setStanding(userId, standFor(role, false));
    await d.caughtUp(r.position);
    return findUser(d.db, userId)!;
  };

  return {
    /**
     * With no user at all, makes the first admin: from the given email and
     * password, or a generated one-time password (answered, to be printed once)
     * that must be changed at the first login. Several nodes starting at once
     * meet on one stream: one creates, the others find it made.
     */
    async ensureFirstAdmin(given: { email: string | null; password: string | null }): Promise<{ email: string; password: string | null } | null> {
      if (countUsers(d.db) > 0) return null;
      const email = checkEmail(given.email ?? 'admin@localhost');
      const password = given.password === null ? generatePassword() : checkNewPassword(given.password, 'MPR_ADMIN_PASSWORD');
      try {
        await create(null, email, 'admin', password, given.password === null);
      } catch (e) {
        if (e instanceof AppError && e.code === 'conflict') return null;
        throw e;
      }
      return { email, password: given.password === null ? password : null };
    },

    async createUser(by: Principal, body: { email?: unknown; role?: unknown; password?: unknown }) {
      const email = checkEmail(body.email);
      const role = body.role === undefined ? 'member' : checkRole(body.role);
      const generated = body.password === undefined || body.password === null;
      const password = generated ? generatePassword() : checkNewPassword(body.password);
      const user = await create(by.userId, email, role, password, generated);
      return { user, password: generated ? password : undefined };
    },

    async updateUser(by: Principal, id: string, body: { role?: unknown; disabled?: unknown }) {
      const user = findUser(d.db, id);
      if (!user) throw new AppError('not_found', `no user ${id}`);
      if (body.disabled !== undefined && typeof body.disabled !== 'boolean') throw new AppError('validation', 'disabled: true or false');
      const role = body.role === undefined ? user.role : checkRole(body.role);
      const disabled = body.disabled === undefined ? user.disabled === 1 : body.disabled;
      const losesAdmin = user.role === 'admin' && user.disabled === 0 && (role !== 'admin' || disabled);
      if (losesAdmin && otherAdmins(id) === 0) throw new AppError('invalid_state', 'this is the last active admin: make another admin first');
      const actor = actors.user(id);
      let position = 0;
      if (role !== user.role) position = (await actor.execute({ type: 'ChangeRole', data: { role, at: iso() } }, meta(by.userId, id))).position;
      if (disabled !== (user.disabled === 1)) {
        const cmd = disabled
          ? ({ type: 'DisableUser', data: { by: by.userId, at: iso() } } as const)
          : ({ type: 'EnableUser', data: { by: by.userId, at: iso() } } as const);
        position = (await actor.execute(cmd, meta(by.userId, id))).position;
      }
      // The store first: the user's next request is refused (or allowed) from now on, on every node.
      await d.store.setStanding(id, standFor(role, disabled));
      if (disabled) await d.store.closeUserSessions(id);
      if (position) await d.caughtUp(position);
      return findUser(d.db, id)!;
    },

    async removeUser(by: Principal, id: string) {
      const user = findUser(d.db, id);
      if (!user) throw new AppError('not_found', `no user ${id}`);
      if (user.role === 'admin' && user.disabled === 0 && otherAdmins(id) === 0)
        throw new AppError('invalid_state', 'this is the last active admin: make another admin first');
      const { state } = await actors.user(id).load();
      const r = await actors.user(id).execute({ type: 'RemoveUser', data: { by: by.userId, at: iso() } }, meta(by.userId, id));
      await d.store.removeUser(id);
      await d.store.closeUserSessions(id);
      for (const keyId of Object.keys(state.keys)) await d.store.revokeKey(keyId);
      await d.caughtUp(r.position);
    },

    async createKey(p: Principal, body: { name?: unknown; scopes?: unknown; expiresAt?: unknown }) {
      if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 100) throw new AppError('validation', 'name: 1 to 100 characters');
      if (!Array.isArray(body.scopes) || body.scopes.length === 0 || !body.scopes.every((s) => SCOPES.includes(s as Scope))) {
        throw new AppError('validation', `scopes: one or more of ${SCOPES.join(', ')}`);
      }
      const scopes = [...new Set(body.scopes as Scope[])];
      const mine = scopesOfRole(p.role);
      const beyond = scopes.filter((s) => !mine.includes(s));
      if (beyond.length) throw new AppError('forbidden', `scopes: a ${p.role} cannot give a key ${beyond.join(', ')}`);
      let expiresAt: string | null = null;
      if (body.expiresAt !== undefined && body.expiresAt !== null) {
        const ms = typeof body.expiresAt === 'string' ? Date.parse(body.expiresAt) : Number.NaN;
        if (!Number.isFinite(ms)) throw new AppError('validation', 'expiresAt: an ISO date and time');
        if (ms <= d.clock()) throw new AppError('validation', 'expiresAt: in the future');
        expiresAt = new Date(ms).toISOString();
      }
      const k = newApiKey();
      const r = await actors
        .user(p.userId)
        .execute(
          { type: 'CreateApiKey', data: { keyId: k.keyId, name: body.name.trim(), scopes, secretHash: k.secretHash, expiresAt, at: iso() } },
          meta(p.userId, p.userId),
        );
      await d.store.putKey({
        keyId: k.keyId,
        userId: p.userId,
        scopes,
        secretHash: k.secretHash,
        expiresAtMs: expiresAt ? Date.parse(expiresAt) : null,
        revoked: false,
      });
      await d.caughtUp(r.position);
      return { keyId: k.keyId, key: k.key };
    },

    /** Revokes one of the caller's keys (an admin may revoke anyone's, naming its owner). */
    async revokeKey(p: Principal, keyId: string) {
      const owner = keysOfUser(d.db, p.userId).some((k) => k.id === keyId) ? p.userId : null;
      if (!owner) throw new AppError('not_found', `no key ${keyId} of yours`);
      await d.store.revokeKey(keyId);
      const r = await actors.user(owner).execute({ type: 'RevokeApiKey', data: { keyId, at: iso() } }, meta(p.userId, owner));
      await d.caughtUp(r.position);
    },

    /**
     * Puts back what a session store that lost its data (a new or flushed
     * Redis) no longer knows: standings and keys, from the log. A user whose
     * standing the store still holds was never lost, so start-up reads no
     * user stream on an intact store.
     */
    async syncStore(): Promise<{ users: number; keys: number }> {
      let users = 0;
      let keys = 0;
      for (const u of usersTable.dump(d.db)) {
        if (await d.store.standing(u.id)) continue;
        await d.store.setStanding(u.id, standFor(u.role, u.disabled === 1));
        users++;
        const { state } = await actors.user(u.id).load();
        for (const k of Object.values(state.keys)) {
          if (await d.store.key(k.keyId)) continue;
          const expiresAtMs = k.expiresAt ? Date.parse(k.expiresAt) : null;
          await d.store.putKey({ keyId: k.keyId, userId: u.id, scopes: k.scopes, secretHash: k.secretHash, expiresAtMs, revoked: k.revoked });
          keys++;
        }
      }
      return { users, keys };
    },
  };
};

export type Accounts = ReturnType<typeof createAccounts>;
