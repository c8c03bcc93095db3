/**
 * The login session as api.ts keeps it: the access token in memory only
 * (never localStorage: a script injected into the page could read it there),
 * a silent refresh a minute before it expires, and one refresh at a time.
 * No fetch here: api.ts hands in the refresh call, the clock and the locks,
 * so the logic is tested with fakes (session.test.ts, api.test.ts).
 */
import type { AccessGrant, UserDto } from '../../src/types/accounts.ts';

/** Why the session ended: the server no longer knows it, or this tab logged out. */
export type EndReason = 'expired' | 'logout';

export interface SessionDeps {
  /** `POST /api/auth/refresh`: a new grant, or null when the server answers 401 (the session is gone). Throws when it cannot tell. */
  refresh: () => Promise<AccessGrant | null>;
  /** Web Locks (`navigator.locks`), to refresh in one tab at a time; absent, refreshes are serialized within this tab only. */
  locks?: () => Pick<LockManager, 'request'> | undefined;
  setTimer?: (f: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/** How long before expiry the silent refresh runs. */
export const REFRESH_AHEAD_MS = 60_000;
/** After a scheduled refresh that could not reach the server, try again this much later. */
export const REFRESH_RETRY_MS = 15_000;

/** When to refresh a token that lives `expiresIn` seconds: a minute before, or half-way for tokens shorter than two minutes. */
export const refreshDelay = (expiresIn: number): number => Math.max(expiresIn * 500, expiresIn * 1000 - REFRESH_AHEAD_MS);

export const createSession = (d: SessionDeps) => {
  const setTimer = d.setTimer ?? ((f: () => void, ms: number) => setTimeout(f, ms));
  const clearTimer = d.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
  let token: string | null = null;
  let user: UserDto | null = null;
  let timer: unknown;
  let inFlight: Promise<string | null> | null = null;
  const ended = new Set<(why: EndReason) => void>();

  const schedule = (ms: number) => {
    if (timer !== undefined) clearTimer(timer);
    timer = setTimer(() => {
      timer = undefined;
      // A server that cannot be reached now may be back before the token runs out: try again.
      refresh().catch(() => {
        if (token) schedule(REFRESH_RETRY_MS);
      });
    }, ms);
  };

  /** Takes a grant (login, refresh, password change) and answers its user. */
  const accept = (g: AccessGrant): UserDto => {
    token = g.accessToken;
    user = g.user;
    schedule(refreshDelay(g.expiresIn));
    return g.user;
  };

  /** Forgets the token; listeners hear of it only when there was one. */
  const end = (why: EndReason) => {
    const had = token !== null;
    token = null;
    user = null;
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    if (had) for (const f of ended) f(why);
  };

  /**
   * One refresh at a time in this tab (callers meanwhile share it) and, with
   * Web Locks, in every tab: two tabs presenting the same refresh cookie at
   * once look like a stolen token to the server, which ends the session. A
   * tab that waited for the lock sends the cookie the first one received.
   * Answers the new token, or null when the session is gone.
   */
  const refresh = (): Promise<string | null> => {
    inFlight ??= (async () => {
      try {
        const locks = d.locks?.();
        const g = locks ? await locks.request('mpr-refresh', () => d.refresh()) : await d.refresh();
        if (!g) {
          end('expired');
          return null;
        }
        accept(g);
        return g.accessToken;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  /**
   * After a 401 to a request sent with `stale`: when the token changed
   * meanwhile (another call refreshed it, or the session ended) that answer
   * stands; otherwise one refresh, shared with every call waiting, decides.
   */
  const renew = (stale: string | null): Promise<string | null> => (token !== stale ? Promise.resolve(token) : refresh());

  return {
    token: () => token,
    user: () => user,
    accept,
    end,
    refresh,
    renew,
    onEnded: (f: (why: EndReason) => void) => {
      ended.add(f);
      return () => {
        ended.delete(f);
      };
    },
  };
};

export type Session = ReturnType<typeof createSession>;
