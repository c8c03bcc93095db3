/**
 * Credentials → a Principal: an access token (JWT) or an API key in
 * `Authorization: Bearer`, or a single-use ticket in the query of an event
 * stream (EventSource cannot send headers). Every check that can void a
 * credential at once is made here on every request: the session still
 * open, the user not disabled and not logged out everywhere since the
 * token was issued, the key not revoked or expired.
 */
import { AppError } from '../errors.ts';
import type { Scope } from '../events/user.ts';
import { parseApiKey, secretMatches } from './credentials.ts';
import { covers, type Principal, scopesOfRole } from './policy.ts';
import type { Secrets } from './secrets.ts';
import type { SessionStore, UserStanding } from './store/index.ts';
import { type AccessClaims, verifyAccessToken } from './tokens.ts';

export const unauthorized = (message: string) => new AppError('unauthorized', message);

/** Paths an event-stream ticket opens (GET only). */
export const isEventStreamPath = (path: string) => path === '/api/events' || /^\/api\/jobs\/[^/]+\/events$/.test(path);

const TICKET_PREFIX = 'ticket:';

export interface AuthenticateDeps {
  store: SessionStore;
  secrets: Secrets;
  /** Epoch milliseconds. */
  clock: () => number;
}

/** The scopes both the credential and the user's current role allow. */
const within = (asked: readonly Scope[], standing: UserStanding): Scope[] => {
  const role = scopesOfRole(standing.role);
  return asked.filter((s) => role.includes(s));
};

/** Entries each memo below holds before it starts over: enough for every live token and key of a busy server. */
const MEMO_SIZE = 10_000;

const remember = <V>(memo: Map<string, V>, key: string, value: V) => {
  if (memo.size >= MEMO_SIZE) memo.clear();
  memo.set(key, value);
};

export const createAuthenticator = (d: AuthenticateDeps) => {
  // Key uses are recorded at most once a minute per key per process: the time shown is "last used", not an audit trail.
  const touched = new Map<string, number>();
  /**
   * What a token's signature proved, by the token's text: the HMAC, the
   * base64 and the JSON of a token are the same on every request that
   * carries it. Only that is remembered; expiry, the signing secret still
   * being kept, the session and the user's standing are checked every time.
   */
  const verified = new Map<string, { claims: AccessClaims; kid: string; secret: string }>();
  /** The stored hash each presented key proved to match (a SHA-256 per request otherwise); the record is still read every time. */
  const keyProofs = new Map<string, string>();

  const verifyToken = (token: string, secrets: Awaited<ReturnType<Secrets['all']>>, now: number): AccessClaims => {
    const hit = verified.get(token);
    if (hit && secrets.some((k) => k.kid === hit.kid && k.secret === hit.secret)) {
      if (hit.claims.exp * 1000 <= now) throw unauthorized('the access token expired; refresh it');
      return hit.claims;
    }
    const v = verifyAccessToken(token, secrets, now);
    if (!v.ok) throw unauthorized(v.why === 'expired' ? 'the access token expired; refresh it' : `invalid access token (${v.why})`);
    const kid = (JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as { kid: string }).kid;
    const key = secrets.find((k) => k.kid === kid);
    if (key) remember(verified, token, { claims: v.claims, kid, secret: key.secret });
    return v.claims;
  };

  const standingOf = async (userId: string): Promise<UserStanding> => {
    const s = await d.store.standing(userId);
    if (!s) throw unauthorized('this account no longer exists');
    if (s.disabled) throw unauthorized('this account is disabled');
    return s;
  };

  const fromToken = async (token: string): Promise<Principal> => {
    const now = d.clock();
    const c = verifyToken(token, await d.secrets.all(), now);
    const standing = await standingOf(c.sub);
    if (!(await d.store.sessionOpen(c.sid, now))) throw unauthorized('this session was ended; log in again');
    return {
      userId: c.sub,
      role: standing.role,
      scopes: within(c.scopes, standing),
      via: 'session',
      sessionId: c.sid,
      keyId: null,
      mustChangePassword: c.mustChangePassword === true,
    };
  };

  const fromKey = async (key: string): Promise<Principal> => {
    const parts = parseApiKey(key);
    if (!parts) throw unauthorized('not an API key');
    const rec = await d.store.key(parts.keyId);
    if (!rec) throw unauthorized('unknown API key');
    if (keyProofs.get(key) !== rec.secretHash) {
      if (!secretMatches(parts.secret, rec.secretHash)) throw unauthorized('unknown API key');
      remember(keyProofs, key, rec.secretHash);
    }
    if (rec.revoked) throw unauthorized('this API key was revoked');
    const now = d.clock();
    if (rec.expiresAtMs !== null && rec.expiresAtMs <= now) throw unauthorized('this API key expired');
    const standing = await standingOf(rec.userId);
    if ((touched.get(rec.keyId) ?? 0) < now - 60_000) {
      touched.set(rec.keyId, now);
      await d.store.touchKey(rec.keyId, now);
    }
    return {
      userId: rec.userId,
      role: standing.role,
      scopes: within(rec.scopes, standing),
      via: 'key',
      sessionId: null,
      keyId: rec.keyId,
      mustChangePassword: false,
    };
  };

  const fromTicket = async (ticket: string): Promise<Principal> => {
    const raw = await d.store.takeTicket(`${TICKET_PREFIX}${ticket}`, d.clock());
    if (!raw) throw unauthorized('this ticket was used already or expired; ask for a new one');
    const held = JSON.parse(raw) as Principal;
    const standing = await standingOf(held.userId);
    if (held.sessionId && !(await d.store.sessionOpen(held.sessionId, d.clock()))) throw unauthorized('this session was ended; log in again');
    // A ticket reads event streams, and nothing else.
    return { ...held, role: standing.role, via: 'ticket', scopes: covers(held.scopes, 'read') ? ['read'] : [] };
  };

  return {
    /** The caller, or null when the request carries no credential at all; throws AppError('unauthorized') for a bad one. */
    async authenticate(req: Request, url: URL): Promise<Principal | null> {
      const header = req.headers.get('authorization');
      if (header !== null) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
        if (!m) throw unauthorized('the Authorization header must be "Bearer <token or API key>"');
        const cred = m[1]!;
        return cred.startsWith('mpr_') ? fromKey(cred) : fromToken(cred);
      }
      const ticket = url.searchParams.get('ticket');
      if (ticket !== null) {
        if (req.method !== 'GET' || !isEventStreamPath(url.pathname)) throw unauthorized('a ticket opens event streams only');
        return fromTicket(ticket);
      }
      return null;
    },
    /** A single-use ticket for an event stream, valid for `ttlMs`, carrying the caller's identity. */
    async issueTicket(p: Principal, ticket: string, ttlMs: number): Promise<void> {
      await d.store.putTicket(`${TICKET_PREFIX}${ticket}`, JSON.stringify(p), d.clock() + ttlMs);
    },
  };
};

export type Authenticator = ReturnType<typeof createAuthenticator>;
