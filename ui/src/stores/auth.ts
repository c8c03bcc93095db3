/**
 * Who is logged in, and so what the app shows: the login page, the forced
 * password change (every other call answers 403 until then), or the shell.
 */
import { createSignal } from 'solid-js';
import { ApiError, type Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { UserDto } from '../../../src/types/accounts.ts';

export type AuthApi = Pick<Api, 'startSession' | 'login' | 'logout' | 'logoutAll' | 'changePassword' | 'onSessionEnded'>;

/** What the app shows. */
export type AuthView = 'starting' | 'login' | 'password' | 'app';

export const MIN_PASSWORD = 10;

/** A refused login as a sentence: wrong credentials and too many tries in words of our own, anything else as the server says. */
export const loginErrorText = (e: unknown): string => {
  if (e instanceof ApiError && e.status === 401) return 'That email and password do not match an account.';
  if (e instanceof ApiError && e.status === 429)
    return e.retryAfter === null ? 'Too many attempts; try again later.' : `Too many attempts; try again in ${e.retryAfter} s.`;
  return errorText(e);
};

/** A new password checked here before it is sent: long enough, typed the same twice. */
export const newPasswordIssue = (next: string, again: string): string | null => {
  if (next.length < MIN_PASSWORD) return `The new password needs at least ${MIN_PASSWORD} characters.`;
  if (next !== again) return 'The two new passwords differ.';
  return null;
};

export const createAuthStore = (api: AuthApi) => {
  const [user, setUser] = createSignal<UserDto | null>(null);
  const [started, setStarted] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  // The password just logged in with, kept (in memory, until changed) so a forced change asks only for the new one.
  let lastPassword: string | null = null;

  const view = (): AuthView => {
    if (!started()) return 'starting';
    const u = user();
    if (!u) return 'login';
    return u.mustChangePassword ? 'password' : 'app';
  };

  const signedOut = (message: string | null) => {
    lastPassword = null;
    setUser(null);
    setNotice(message);
  };

  api.onSessionEnded((why) => {
    if (user()) signedOut(why === 'expired' ? 'Your session has ended. Log in again.' : null);
  });

  const start = async () => {
    try {
      setUser(await api.startSession());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setStarted(true);
    }
  };

  /** Runs one form's call with `busy` set; a failure becomes `error` through `text`. */
  const attempt = async (f: () => Promise<void>, text: (e: unknown) => string = errorText): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await f();
      return true;
    } catch (e) {
      setError(text(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const login = (email: string, password: string) =>
    attempt(async () => {
      const u = await api.login(email.trim(), password);
      lastPassword = u.mustChangePassword ? password : null;
      setNotice(null);
      setUser(u);
    }, loginErrorText);

  /** `current` is needed only when this tab did not just log in with it (`needsCurrent`). */
  const changePassword = (next: string, again: string, current?: string) => {
    const issue = newPasswordIssue(next, again);
    if (issue) {
      setError(issue);
      return Promise.resolve(false);
    }
    return attempt(async () => {
      const u = await api.changePassword(current ?? lastPassword ?? '', next);
      lastPassword = null;
      setUser(u);
    });
  };

  const logout = (everywhere = false) =>
    attempt(async () => {
      await (everywhere ? api.logoutAll() : api.logout());
      signedOut(null);
    });

  return {
    user,
    view,
    error,
    notice,
    busy,
    start,
    login,
    changePassword,
    needsCurrent: () => lastPassword === null,
    logout,
    isAdmin: () => user()?.role === 'admin',
    clearError: () => setError(null),
  };
};

export type AuthStore = ReturnType<typeof createAuthStore>;
