/**
 * The session store in the data folder's SQLite file (mpr.db, WAL), beside
 * the log: the embedded default. Its tables are prefixed `auth_`.
 *
 * Every read-modify-write runs in one BEGIN IMMEDIATE transaction: it takes
 * the write lock before reading, so two processes on one file (the server
 * and the CLI, or two store objects) cannot both pass the same check.
 * bun:sqlite is synchronous, so within one process the transaction is
 * never interleaved with another call either.
 *
 * Expired rows go lazily: a write that carries the caller's clock (rotate,
 * takeTicket, recordFailure) deletes, at most once a minute of that clock,
 * every session, ticket, failure count and lock whose time has passed. No
 * timer runs. Until then an expired row still answers as expired (rotate
 * says `expired`, not `unknown`), which a purge turns into unknown, as
 * Redis' own expiry does.
 *
 * Token buckets live in process memory, not in the file: the guard takes
 * one on every API request, and a SQLite write each time cost more than
 * the rest of a small request. SQLite mode is one server process by
 * construction (it locks the data folder), so there is no other node to
 * share a bucket with; every store object of this process over the same
 * file shares one set of buckets. They are lost on restart,
 * which at worst forgives a burst. Redis keeps them in Redis, shared by
 * every node.
 *
 * The database belongs to the caller (it is shared with the log), so
 * close() leaves it open.
 */
import type { Database } from 'bun:sqlite';
import { resolve } from 'node:path';
import { AppError } from '../../errors.ts';
import type { BucketSpec, KeyRecord, RotateResult, SessionStore, SigningSecret, UserStanding } from './index.ts';

const PURGE_EVERY_MS = 60_000;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS auth_sessions (
    session_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, jti TEXT NOT NULL, expires_at_ms INTEGER NOT NULL
  ) WITHOUT ROWID`,
  'CREATE INDEX IF NOT EXISTS auth_sessions_user ON auth_sessions (user_id)',
  'CREATE INDEX IF NOT EXISTS auth_sessions_expiry ON auth_sessions (expires_at_ms)',
  `CREATE TABLE IF NOT EXISTS auth_standing (
    user_id TEXT PRIMARY KEY, role TEXT NOT NULL, disabled INTEGER NOT NULL
  ) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS auth_keys (
    key_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, scopes TEXT NOT NULL, secret_hash TEXT NOT NULL,
    expires_at_ms INTEGER, revoked INTEGER NOT NULL
  ) WITHOUT ROWID`,
  'CREATE TABLE IF NOT EXISTS auth_key_uses (key_id TEXT PRIMARY KEY, at_ms INTEGER NOT NULL) WITHOUT ROWID',
  'CREATE TABLE IF NOT EXISTS auth_tickets (ticket TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at_ms INTEGER NOT NULL) WITHOUT ROWID',
  'CREATE INDEX IF NOT EXISTS auth_tickets_expiry ON auth_tickets (expires_at_ms)',
  // Buckets moved to memory (see the header); the table earlier versions kept them in holds nothing worth keeping.
  'DROP TABLE IF EXISTS auth_buckets',
  'CREATE TABLE IF NOT EXISTS auth_failures (name TEXT PRIMARY KEY, count INTEGER NOT NULL, window_end_ms INTEGER NOT NULL) WITHOUT ROWID',
  'CREATE INDEX IF NOT EXISTS auth_failures_expiry ON auth_failures (window_end_ms)',
  'CREATE TABLE IF NOT EXISTS auth_locks (name TEXT PRIMARY KEY, until_ms INTEGER NOT NULL) WITHOUT ROWID',
  'CREATE INDEX IF NOT EXISTS auth_locks_expiry ON auth_locks (until_ms)',
  // `seq` orders the secrets by when they were added: newest first is highest seq.
  `CREATE TABLE IF NOT EXISTS auth_signing_secrets (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kid TEXT NOT NULL UNIQUE, secret TEXT NOT NULL, created_at_ms INTEGER NOT NULL
  )`,
];

type SessionRow = { user_id: string; jti: string; expires_at_ms: number };
type KeyRow = { key_id: string; user_id: string; scopes: string; secret_hash: string; expires_at_ms: number | null; revoked: number };
type SecretRow = { kid: string; secret: string; created_at_ms: number };

/** Same rule in redis.ts: a bucket that can never fill would answer an infinite wait. */
export const checkBucketSpec = (name: string, spec: BucketSpec): void => {
  if (!(spec.capacity >= 1 && Number.isFinite(spec.capacity) && spec.refillPerSecond > 0 && Number.isFinite(spec.refillPerSecond))) {
    throw new AppError('validation', `bucket ${name}: capacity must be >= 1 and refillPerSecond > 0, got ${JSON.stringify(spec)}`);
  }
};

type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Token buckets in memory, with the arithmetic of redis.ts' TAKE script. A
 * bucket is dropped once it would be full again (a missing bucket is a
 * full one), checked at most once a minute of the caller's clock.
 */
export const createMemoryBuckets = () => {
  const buckets = new Map<string, { tokens: number; atMs: number; fullAtMs: number }>();
  let lastPurgeMs = Number.NEGATIVE_INFINITY;
  return {
    take(name: string, spec: BucketSpec, nowMs: number): TakeResult {
      if (nowMs - lastPurgeMs >= PURGE_EVERY_MS) {
        lastPurgeMs = nowMs;
        for (const [k, b] of buckets) if (b.fullAtMs <= nowMs) buckets.delete(k);
      }
      const b = buckets.get(name);
      const rate = spec.refillPerSecond / 1000;
      const tokens = b ? Math.min(spec.capacity, b.tokens + Math.max(0, nowMs - b.atMs) * rate) : spec.capacity;
      // An empty bucket is left as it was: its refill is computed from the last take.
      if (tokens < 1) return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / rate) };
      buckets.set(name, { tokens: tokens - 1, atMs: nowMs, fullAtMs: nowMs + Math.ceil((spec.capacity - tokens + 1) / rate) });
      return { ok: true };
    },
    /** Buckets held (tests check they go once full). */
    size: () => buckets.size,
  };
};

// One set of buckets per database file in this process (a second connection to the same file shares it); `:memory:` databases each have their own.
const bucketsByFile = new Map<string, ReturnType<typeof createMemoryBuckets>>();
const bucketsByDb = new WeakMap<Database, ReturnType<typeof createMemoryBuckets>>();
const bucketsOf = (db: Database) => {
  const file = db.filename && db.filename !== ':memory:' ? resolve(db.filename) : null;
  let b = file ? bucketsByFile.get(file) : bucketsByDb.get(db);
  if (!b) {
    b = createMemoryBuckets();
    if (file) bucketsByFile.set(file, b);
    else bucketsByDb.set(db, b);
  }
  return b;
};

export const createSqliteSessionStore = (db: Database): SessionStore => {
  for (const sql of SCHEMA) db.run(sql);
  const buckets = bucketsOf(db);

  const qSession = db.query<SessionRow, [string]>('SELECT user_id, jti, expires_at_ms FROM auth_sessions WHERE session_id = ?');
  const qOpen = db.query<never, [string, string, string, number]>(
    `INSERT INTO auth_sessions (session_id, user_id, jti, expires_at_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (session_id) DO UPDATE SET user_id = excluded.user_id, jti = excluded.jti, expires_at_ms = excluded.expires_at_ms`,
  );
  const qMove = db.query<never, [string, number, string]>('UPDATE auth_sessions SET jti = ?, expires_at_ms = ? WHERE session_id = ?');
  const qClose = db.query<never, [string]>('DELETE FROM auth_sessions WHERE session_id = ?');
  const qCloseUser = db.query<{ session_id: string }, [string]>('DELETE FROM auth_sessions WHERE user_id = ? RETURNING session_id');

  const qStanding = db.query<{ role: UserStanding['role']; disabled: number }, [string]>('SELECT role, disabled FROM auth_standing WHERE user_id = ?');
  const qSetStanding = db.query<never, [string, string, number]>('INSERT OR REPLACE INTO auth_standing (user_id, role, disabled) VALUES (?, ?, ?)');
  const qRemoveUser = db.query<never, [string]>('DELETE FROM auth_standing WHERE user_id = ?');

  const qKey = db.query<KeyRow, [string]>('SELECT * FROM auth_keys WHERE key_id = ?');
  const qPutKey = db.query<never, [string, string, string, string, number | null, number]>(
    'INSERT OR REPLACE INTO auth_keys (key_id, user_id, scopes, secret_hash, expires_at_ms, revoked) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const qRevokeKey = db.query<never, [string]>('UPDATE auth_keys SET revoked = 1 WHERE key_id = ?');
  const qTouchKey = db.query<never, [string, number]>('INSERT OR REPLACE INTO auth_key_uses (key_id, at_ms) VALUES (?, ?)');
  const qKeyUse = db.query<{ at_ms: number }, [string]>('SELECT at_ms FROM auth_key_uses WHERE key_id = ?');

  const qPutTicket = db.query<never, [string, string, number]>('INSERT OR REPLACE INTO auth_tickets (ticket, value, expires_at_ms) VALUES (?, ?, ?)');
  const qTakeTicket = db.query<{ value: string; expires_at_ms: number }, [string]>('DELETE FROM auth_tickets WHERE ticket = ? RETURNING value, expires_at_ms');

  const qFailures = db.query<{ count: number; window_end_ms: number }, [string]>('SELECT count, window_end_ms FROM auth_failures WHERE name = ?');
  const qSetFailures = db.query<never, [string, number, number]>('INSERT OR REPLACE INTO auth_failures (name, count, window_end_ms) VALUES (?, ?, ?)');
  const qClearFailures = db.query<never, [string]>('DELETE FROM auth_failures WHERE name = ?');
  const qLock = db.query<never, [string, number]>('INSERT OR REPLACE INTO auth_locks (name, until_ms) VALUES (?, ?)');
  const qLockedUntil = db.query<{ until_ms: number }, [string]>('SELECT until_ms FROM auth_locks WHERE name = ?');

  const qSecrets = db.query<SecretRow, []>('SELECT kid, secret, created_at_ms FROM auth_signing_secrets ORDER BY seq DESC');
  const qAddSecret = db.query<never, [string, string, number]>('INSERT OR REPLACE INTO auth_signing_secrets (kid, secret, created_at_ms) VALUES (?, ?, ?)');
  const qDropSecrets = db.query<never, [number, string]>('DELETE FROM auth_signing_secrets WHERE created_at_ms < ? AND kid != ?');

  const purges = [
    'auth_sessions WHERE expires_at_ms',
    'auth_tickets WHERE expires_at_ms',
    'auth_failures WHERE window_end_ms',
    'auth_locks WHERE until_ms',
  ].map((t) => db.query<never, [number]>(`DELETE FROM ${t} <= ?`));
  let lastPurgeMs = Number.NEGATIVE_INFINITY;
  /** Runs inside a write transaction, after the operation's own check. */
  const purge = (nowMs: number) => {
    if (nowMs - lastPurgeMs < PURGE_EVERY_MS) return;
    lastPurgeMs = nowMs;
    for (const q of purges) q.run(nowMs);
  };

  const rotateTx = db.transaction((sessionId: string, jti: string, next: string, expiresAtMs: number, nowMs: number): RotateResult => {
    const s = qSession.get(sessionId);
    let result: RotateResult;
    if (!s) result = { ok: false, reason: 'unknown', userId: null };
    else if (s.expires_at_ms <= nowMs) result = { ok: false, reason: 'expired', userId: s.user_id };
    else if (s.jti !== jti) result = { ok: false, reason: 'reused', userId: s.user_id };
    else result = { ok: true, userId: s.user_id };
    if (result.ok) qMove.run(next, expiresAtMs, sessionId);
    // An expired session is answered `expired` once; a reused one is closed.
    else if (s) qClose.run(sessionId);
    purge(nowMs);
    return result;
  });

  const takeTicketTx = db.transaction((ticket: string, nowMs: number): string | null => {
    const row = qTakeTicket.get(ticket);
    purge(nowMs);
    return row && row.expires_at_ms > nowMs ? row.value : null;
  });

  const recordFailureTx = db.transaction((name: string, nowMs: number, windowMs: number): number => {
    const row = qFailures.get(name);
    // A fixed window from the first failure: it restarts with the first failure after it ends.
    const fresh = !row || nowMs >= row.window_end_ms;
    const count = fresh ? 1 : row.count + 1;
    qSetFailures.run(name, count, fresh ? nowMs + windowMs : row.window_end_ms);
    purge(nowMs);
    return count;
  });

  const toSecret = (r: SecretRow): SigningSecret => ({ kid: r.kid, secret: r.secret, createdAtMs: r.created_at_ms });
  const firstSecretTx = db.transaction((fresh: () => SigningSecret): SigningSecret[] => {
    const rows = qSecrets.all();
    if (rows.length > 0) return rows.map(toSecret);
    const s = fresh();
    qAddSecret.run(s.kid, s.secret, s.createdAtMs);
    return [s];
  });
  const rotateSecretTx = db.transaction((next: SigningSecret, dropBeforeMs: number) => {
    qAddSecret.run(next.kid, next.secret, next.createdAtMs);
    qDropSecrets.run(dropBeforeMs, next.kid);
  });

  return {
    backend: 'sqlite',
    async openSession(r) {
      qOpen.run(r.sessionId, r.userId, r.jti, r.expiresAtMs);
    },
    async rotate(sessionId, jti, next, expiresAtMs, nowMs) {
      return rotateTx.immediate(sessionId, jti, next, expiresAtMs, nowMs);
    },
    async sessionOpen(sessionId, nowMs) {
      const s = qSession.get(sessionId);
      return !!s && s.expires_at_ms > nowMs;
    },
    async closeSession(sessionId) {
      qClose.run(sessionId);
    },
    async closeUserSessions(userId) {
      return qCloseUser.all(userId).map((r) => r.session_id);
    },

    async setStanding(userId, s) {
      qSetStanding.run(userId, s.role, s.disabled ? 1 : 0);
    },
    async standing(userId) {
      const r = qStanding.get(userId);
      return r ? { role: r.role, disabled: r.disabled === 1 } : null;
    },
    async removeUser(userId) {
      qRemoveUser.run(userId);
    },

    async putKey(k) {
      qPutKey.run(k.keyId, k.userId, JSON.stringify(k.scopes), k.secretHash, k.expiresAtMs, k.revoked ? 1 : 0);
    },
    async key(keyId): Promise<KeyRecord | null> {
      const r = qKey.get(keyId);
      if (!r) return null;
      return {
        keyId: r.key_id,
        userId: r.user_id,
        scopes: JSON.parse(r.scopes),
        secretHash: r.secret_hash,
        expiresAtMs: r.expires_at_ms,
        revoked: r.revoked === 1,
      };
    },
    async revokeKey(keyId) {
      qRevokeKey.run(keyId);
    },
    async touchKey(keyId, atMs) {
      qTouchKey.run(keyId, atMs);
    },
    async lastUsed(keyIds) {
      const out: Record<string, number> = {};
      for (const id of keyIds) {
        const r = qKeyUse.get(id);
        if (r) out[id] = r.at_ms;
      }
      return out;
    },

    async putTicket(ticket, value, expiresAtMs) {
      qPutTicket.run(ticket, value, expiresAtMs);
    },
    async takeTicket(ticket, nowMs) {
      return takeTicketTx.immediate(ticket, nowMs);
    },

    async take(name, spec, nowMs) {
      checkBucketSpec(name, spec);
      return buckets.take(name, spec, nowMs);
    },
    async recordFailure(name, nowMs, windowMs) {
      return recordFailureTx.immediate(name, nowMs, windowMs);
    },
    async clearFailures(name) {
      qClearFailures.run(name);
    },
    async lock(name, untilMs) {
      qLock.run(name, untilMs);
    },
    async lockedUntil(name, nowMs) {
      const until = qLockedUntil.get(name)?.until_ms ?? 0;
      return until > nowMs ? until : 0;
    },

    async signingSecrets(fresh) {
      // The common case reads without the write lock; the first secret is made under it.
      const rows = qSecrets.all();
      return rows.length > 0 ? rows.map(toSecret) : firstSecretTx.immediate(fresh);
    },
    async rotateSigningSecret(next, dropBeforeMs) {
      rotateSecretTx.immediate(next, dropBeforeMs);
    },

    async close() {},
  };
};
