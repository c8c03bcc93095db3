/**
 * Authentication and authorization, assembled: the session store (SQLite
 * or Redis), the signing secrets, the authenticator the guard runs on every
 * request, sessions (login, refresh, logout), accounts and keys, and signed
 * output URLs. The HTTP layer wires the guard (src/http/guard.ts) and the
 * routes; this folder knows nothing of HTTP but the Request it reads.
 */
import type { Database } from 'bun:sqlite';
import type { Runtime } from '../actors/runtime.ts';
import { createAccounts } from './accounts.ts';
import { createAuthenticator } from './authenticate.ts';
import { createSecrets } from './secrets.ts';
import { createSessions, DEFAULT_SESSION_SETTINGS, type SessionSettings } from './sessions.ts';
import { checkGrant, checkPart, signGrant, signPart } from './signed-urls.ts';
import type { SessionStore } from './store/index.ts';

export type { Principal } from './policy.ts';
export { allowed, needOf } from './policy.ts';
export type { SessionStore } from './store/index.ts';
export { type Issued, type ClientInfo, tooMany, DEFAULT_SESSION_SETTINGS, type SessionSettings } from './sessions.ts';
export { signPlaylist, signThumbnailVtt } from './signed-urls.ts';

export interface AuthDeps {
  runtime: Runtime;
  db: Database;
  store: SessionStore;
  /** Epoch milliseconds. */
  clock: () => number;
  caughtUp: (position: number) => Promise<void>;
  settings?: Partial<SessionSettings>;
  /** How long a signed output URL stays valid. */
  outputUrlTtlSeconds?: number;
}

/** Pure: the prefix a signed URL for `key` opens: the job folder it lies in (`jobs/<id>/`), or the key's own folder. */
export const grantScopeOf = (key: string): string => {
  const parts = key.split('/');
  if (parts[0] === 'jobs' && parts.length > 2) return `jobs/${parts[1]}/`;
  return parts.length > 1 ? `${parts.slice(0, -1).join('/')}/` : key;
};

export const createAuth = (d: AuthDeps) => {
  const secrets = createSecrets({ store: d.store, clock: d.clock });
  const settings = { ...DEFAULT_SESSION_SETTINGS, ...d.settings };
  const ttl = d.outputUrlTtlSeconds ?? 6 * 3600;
  const grants = new Map<string, string>();
  const granter = async (): Promise<(key: string) => string> => {
    const step = 600;
    const exp = Math.ceil((d.clock() / 1000 + ttl) / step) * step;
    const secret = await secrets.current();
    return (key) => {
      const scope = grantScopeOf(key);
      // The same scope, expiry step and secret sign to the same string: lists sign dozens of jobs per request.
      const memo = `${secret.kid} ${exp} ${scope}`;
      let q = grants.get(memo);
      if (q === undefined) {
        q = signGrant({ scope, expSeconds: exp }, secret);
        if (grants.size >= 10_000) grants.clear();
        grants.set(memo, q);
      }
      return q;
    };
  };
  return {
    store: d.store,
    clock: d.clock,
    caughtUpTo: d.caughtUp,
    secrets,
    settings,
    authenticator: createAuthenticator({ store: d.store, secrets, clock: d.clock }),
    sessions: createSessions({ runtime: d.runtime, db: d.db, store: d.store, secrets, clock: d.clock, settings, caughtUp: d.caughtUp }),
    accounts: createAccounts({ runtime: d.runtime, db: d.db, store: d.store, clock: d.clock, caughtUp: d.caughtUp }),
    outputs: {
      /**
       * A query string (no '?') opening the folder of `key` for `ttl` seconds.
       * The expiry is rounded up to a 10-minute step, so every URL of one job
       * signed in that window is the same string (players and caches see
       * stable URLs).
       */
      async grantFor(key: string): Promise<string> {
        return (await granter())(key);
      },
      /** grantFor for many keys at one instant (a list): one clock read and one secret for all. */
      granter,
      async check(query: URLSearchParams, key: string) {
        return checkGrant(query, key, await secrets.all(), d.clock());
      },
    },
    /** Signed part URLs of uploads to a folder store (S3 signs its own). */
    uploadParts: {
      async sign(uploadId: string, number: number, expSeconds: number): Promise<string> {
        return signPart({ uploadId, number, expSeconds }, await secrets.current());
      },
      async check(query: URLSearchParams, uploadId: string, number: number) {
        return checkPart(query, { uploadId, number }, await secrets.all(), d.clock());
      },
    },
  };
};

export type Auth = ReturnType<typeof createAuth>;
