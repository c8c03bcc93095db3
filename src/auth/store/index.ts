/**
 * The session store: the fast path of authentication, consulted on every
 * request. SQLite beside the log by default (sqlite.ts), Redis when
 * REDIS_URL is set (redis.ts), so several `mpr serve` nodes share sessions,
 * keys, tickets and rate limits. One contract suite (contract.ts) runs
 * against both.
 *
 * The log stays the record (user:<id> streams hold who logged in, which
 * keys exist, who was disabled); this store holds what must be checked or
 * changed in microseconds and atomically: the current refresh JTI of each
 * session, the standing of each user, API key hashes, single-use tickets,
 * token buckets and login lockouts, and the token-signing secrets.
 *
 * Times are epoch milliseconds, passed in (the clock belongs to the caller).
 */
import type { Role, Scope } from '../../events/user.ts';

export interface SessionRecord {
  sessionId: string;
  userId: string;
  /** The refresh token's id that is current; any earlier one of this session presented again is reuse. */
  jti: string;
  expiresAtMs: number;
}

export type RotateResult =
  | { ok: true; userId: string }
  /** `reused`: an earlier JTI of a live session (the session is closed by this call); `unknown`: no such live session. */
  | { ok: false; reason: 'reused' | 'unknown' | 'expired'; userId: string | null };

/** What the guard needs to know of a user on every request. */
export interface UserStanding {
  role: Role;
  disabled: boolean;
}

export interface KeyRecord {
  keyId: string;
  userId: string;
  scopes: Scope[];
  /** SHA-256 (hex) of the key's secret part. */
  secretHash: string;
  expiresAtMs: number | null;
  revoked: boolean;
}

export interface SigningSecret {
  kid: string;
  /** Base64url, 32 random bytes. */
  secret: string;
  createdAtMs: number;
}

export interface BucketSpec {
  capacity: number;
  refillPerSecond: number;
}

export interface SessionStore {
  readonly backend: 'sqlite' | 'redis';

  /** A new session with its first refresh JTI. */
  openSession(r: SessionRecord): Promise<void>;
  /**
   * Atomically: when `jti` is the session's current JTI, replace it with `next`
   * and move the expiry; when the session is live but `jti` is not current, it
   * was used before: close the session and answer `reused`.
   */
  rotate(sessionId: string, jti: string, next: string, expiresAtMs: number, nowMs: number): Promise<RotateResult>;
  /** Whether a session is open and unexpired (access tokens name their session). */
  sessionOpen(sessionId: string, nowMs: number): Promise<boolean>;
  closeSession(sessionId: string): Promise<void>;
  /** Closes every session of a user; answers their ids. */
  closeUserSessions(userId: string): Promise<string[]>;

  setStanding(userId: string, standing: UserStanding): Promise<void>;
  /** Null for a user the store never heard of (removed, or made before the store existed: the caller decides). */
  standing(userId: string): Promise<UserStanding | null>;
  removeUser(userId: string): Promise<void>;

  putKey(k: KeyRecord): Promise<void>;
  key(keyId: string): Promise<KeyRecord | null>;
  revokeKey(keyId: string): Promise<void>;
  /** Records a use; cheap enough for every request (the last write wins). */
  touchKey(keyId: string, atMs: number): Promise<void>;
  lastUsed(keyIds: readonly string[]): Promise<Record<string, number>>;

  /** A single-use ticket holding `value` until `expiresAtMs`. */
  putTicket(ticket: string, value: string, expiresAtMs: number): Promise<void>;
  /** The ticket's value, once: a second take, or one after expiry, answers null. */
  takeTicket(ticket: string, nowMs: number): Promise<string | null>;

  /** Takes one token from bucket `name` (refilled continuously); when empty, how long until one is there. */
  take(name: string, spec: BucketSpec, nowMs: number): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
  /** Counts a failure under `name` (a login to one account, or from one address); answers the count within `windowMs`. */
  recordFailure(name: string, nowMs: number, windowMs: number): Promise<number>;
  clearFailures(name: string): Promise<void>;
  /** Locks `name` until `untilMs`; `lockedUntil` answers 0 when not locked. */
  lock(name: string, untilMs: number): Promise<void>;
  lockedUntil(name: string, nowMs: number): Promise<number>;

  /** The token-signing secrets, newest first; `fresh()` makes the first one when there is none (kept, shared by every node). */
  signingSecrets(fresh: () => SigningSecret): Promise<SigningSecret[]>;
  /** Adds a new current secret; older ones stay to verify tokens issued before, until `dropBeforeMs`. */
  rotateSigningSecret(next: SigningSecret, dropBeforeMs: number): Promise<void>;

  close(): Promise<void>;
}
