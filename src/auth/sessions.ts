/**
 * Logging in and staying logged in. A login starts a session (SessionStarted
 * on the user's stream; its first refresh JTI in the session store) and
 * answers a 15-minute access token plus a refresh token for an HTTP-only
 * cookie. Each refresh rotates the refresh token; presenting one that was
 * already rotated away means it was copied, so the whole session ends.
 * Logins are rate limited per address and locked out per account after
 * repeated failures, with a lockout that grows.
 *
 * A refresh token is `<userId>.<sessionId>.<jti>`: the user id lets a bare
 * logout record its end on the right stream.
 */
import type { Database } from 'bun:sqlite';
import { actorsOf } from '../actors/registry.ts';
import type { Runtime } from '../actors/runtime.ts';
import { AppError } from '../errors.ts';
import { normalizeEmail, type SessionEndReason } from '../events/user.ts';
import { findUserByEmail, type UserView } from '../projections/users.ts';
import { unauthorized } from './authenticate.ts';
import { checkNewPassword, decoyHash, hashPassword, verifyPassword } from './credentials.ts';
import { type Principal, scopesOfRole } from './policy.ts';
import type { Secrets } from './secrets.ts';
import type { SessionStore } from './store/index.ts';
import { randomToken, signAccessToken } from './tokens.ts';

export interface SessionSettings {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Login attempts per address: a bucket of this many, refilled over a minute. */
  loginsPerMinutePerAddress: number;
  /** Failures on one account within 15 minutes before it locks (30 s, doubling each further failure, at most 15 min). */
  failuresBeforeLock: number;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = {
  accessTtlSeconds: 15 * 60,
  refreshTtlSeconds: 30 * 24 * 3600,
  loginsPerMinutePerAddress: 10,
  failuresBeforeLock: 5,
};

export interface SessionDeps {
  runtime: Runtime;
  db: Database;
  store: SessionStore;
  secrets: Secrets;
  clock: () => number;
  settings: SessionSettings;
  /** Waits until the read models have applied a log position (answers show the change they made). */
  caughtUp: (position: number) => Promise<void>;
}

/** What a login or refresh answers: the access token for the body, the refresh token for the cookie. */
export interface Issued {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshMaxAge: number;
  userId: string;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

export const tooMany = (retryAfterMs: number, what: string) =>
  new AppError('rate_limited', `${what}; try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`, { cause: { retryAfterMs } });

const FAILURE_WINDOW_MS = 15 * 60_000;
const MAX_LOCK_MS = 15 * 60_000;

export const parseRefreshToken = (token: string | undefined | null): { userId: string; sessionId: string; jti: string } | null => {
  const parts = (token ?? '').split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]{1,64}$/.test(p))) return null;
  return { userId: parts[0]!, sessionId: parts[1]!, jti: parts[2]! };
};

export const createSessions = (d: SessionDeps) => {
  const actors = actorsOf(d.runtime);
  const iso = (ms: number) => new Date(ms).toISOString();

  const accessFor = async (user: { id: string; role: UserView['role']; mustChangePassword: boolean }, sessionId: string) => {
    const now = d.clock();
    const iat = Math.floor(now / 1000);
    const exp = iat + d.settings.accessTtlSeconds;
    const claims = {
      sub: user.id,
      role: user.role,
      sid: sessionId,
      scopes: scopesOfRole(user.role),
      iat,
      exp,
      ...(user.mustChangePassword ? { mustChangePassword: true } : {}),
    };
    return { accessToken: signAccessToken(claims, await d.secrets.current()), expiresIn: d.settings.accessTtlSeconds };
  };

  const startSession = async (user: { id: string; role: UserView['role']; mustChangePassword: boolean }, client: ClientInfo): Promise<Issued> => {
    const now = d.clock();
    const sessionId = randomToken(16);
    const jti = randomToken(16);
    const expiresAtMs = now + d.settings.refreshTtlSeconds * 1000;
    await actors.user(user.id).execute(
      {
        type: 'StartSession',
        data: { sessionId, expiresAt: iso(expiresAtMs), userAgent: client.userAgent?.slice(0, 200) ?? null, ip: client.ip, at: iso(now) },
      },
      { actor: 'auth', correlationId: user.id },
    );
    await d.store.openSession({ sessionId, userId: user.id, jti, expiresAtMs });
    return {
      ...(await accessFor(user, sessionId)),
      refreshToken: `${user.id}.${sessionId}.${jti}`,
      refreshMaxAge: d.settings.refreshTtlSeconds,
      userId: user.id,
    };
  };

  const endSession = (userId: string, sessionId: string, reason: SessionEndReason) =>
    actors.user(userId).execute({ type: 'EndSession', data: { sessionId, reason, at: iso(d.clock()) } }, { actor: 'auth', correlationId: userId });

  /** Throttles by address and refuses a locked account before any password is checked. */
  const admit = async (email: string, client: ClientInfo) => {
    const now = d.clock();
    const perAddress = d.settings.loginsPerMinutePerAddress;
    const b = await d.store.take(`login-ip:${client.ip ?? 'unknown'}`, { capacity: perAddress, refillPerSecond: perAddress / 60 }, now);
    if (!b.ok) throw tooMany(b.retryAfterMs, 'too many login attempts from this address');
    const locked = await d.store.lockedUntil(`login-account:${email}`, now);
    if (locked > now) throw tooMany(locked - now, 'too many failed logins for this account');
  };

  const failed = async (email: string): Promise<never> => {
    const now = d.clock();
    const name = `login-account:${email}`;
    const n = await d.store.recordFailure(name, now, FAILURE_WINDOW_MS);
    if (n >= d.settings.failuresBeforeLock) await d.store.lock(name, now + Math.min(MAX_LOCK_MS, 30_000 * 2 ** (n - d.settings.failuresBeforeLock)));
    throw unauthorized('wrong email or password');
  };

  return {
    async login(emailIn: unknown, passwordIn: unknown, client: ClientInfo): Promise<Issued> {
      if (typeof emailIn !== 'string' || typeof passwordIn !== 'string') throw new AppError('validation', 'email and password: strings');
      const email = normalizeEmail(emailIn);
      await admit(email, client);
      const user = findUserByEmail(d.db, email);
      // Verified against a decoy when there is no such user, so timing does not tell who has an account.
      const ok = await verifyPassword(passwordIn, user?.password_hash ?? (await decoyHash()));
      if (!user || !ok) return failed(email);
      await d.store.clearFailures(`login-account:${email}`);
      if (user.disabled) throw unauthorized('this account is disabled');
      return startSession({ id: user.id, role: user.role, mustChangePassword: user.must_change_password === 1 }, client);
    },

    /** Rotates the refresh token; a token already rotated away ends the session it belongs to. */
    async refresh(token: string | undefined | null): Promise<Issued> {
      const parsed = parseRefreshToken(token);
      if (!parsed) throw unauthorized('no session: log in');
      const now = d.clock();
      const next = randomToken(16);
      const r = await d.store.rotate(parsed.sessionId, parsed.jti, next, now + d.settings.refreshTtlSeconds * 1000, now);
      if (!r.ok) {
        if (r.reason === 'reused') {
          await endSession(r.userId ?? parsed.userId, parsed.sessionId, 'refresh token reused');
          throw unauthorized('this refresh token was used before, so the session was ended to be safe; log in again');
        }
        throw unauthorized(r.reason === 'expired' ? 'the session expired; log in again' : 'no session: log in');
      }
      const { state } = await actors.user(r.userId).load();
      if (state.status !== 'active') {
        await d.store.closeSession(parsed.sessionId);
        throw unauthorized(state.status === 'disabled' ? 'this account is disabled' : 'this account no longer exists');
      }
      const user = { id: state.id, role: state.role, mustChangePassword: state.mustChangePassword };
      return {
        ...(await accessFor(user, parsed.sessionId)),
        refreshToken: `${r.userId}.${parsed.sessionId}.${next}`,
        refreshMaxAge: d.settings.refreshTtlSeconds,
        userId: r.userId,
      };
    },

    /** Ends the session a refresh token names (nothing to do for a missing or malformed one). */
    async logout(token: string | undefined | null): Promise<void> {
      const parsed = parseRefreshToken(token);
      if (!parsed) return;
      await d.store.closeSession(parsed.sessionId);
      await endSession(parsed.userId, parsed.sessionId, 'logout');
    },

    /** Ends every session of the user and voids every access token issued so far. */
    async logoutAll(userId: string, reason: SessionEndReason = 'logout-all'): Promise<void> {
      const now = d.clock();
      // Every access token names its session, and the guard checks the session is open: closing them voids the tokens too.
      await d.store.closeUserSessions(userId);
      await actors.user(userId).execute({ type: 'EndAllSessions', data: { reason, at: iso(now) } }, { actor: 'auth', correlationId: userId });
    },

    /** A new password for the caller: every session ends, and a new one starts for this caller. */
    async changePassword(p: Principal, current: unknown, nextIn: unknown, client: ClientInfo): Promise<Issued> {
      const next = checkNewPassword(nextIn, 'newPassword');
      if (typeof current !== 'string') throw new AppError('validation', 'currentPassword: a string');
      const { state } = await actors.user(p.userId).load();
      if (!(await verifyPassword(current, state.passwordHash))) throw new AppError('validation', 'currentPassword: wrong password');
      if (current === next) throw new AppError('validation', 'newPassword: the same as the current one');
      const at = d.clock();
      const changed = await actors
        .user(p.userId)
        .execute(
          { type: 'ChangePassword', data: { passwordHash: await hashPassword(next), mustChangePassword: false, at: iso(at) } },
          { actor: 'auth', correlationId: p.userId },
        );
      await d.store.closeUserSessions(p.userId);
      await d.caughtUp(changed.position);
      return startSession({ id: state.id, role: state.role, mustChangePassword: false }, client);
    },

    startSession,
  };
};

export type Sessions = ReturnType<typeof createSessions>;
