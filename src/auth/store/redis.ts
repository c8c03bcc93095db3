/**
 * The session store on Redis, shared by every `mpr serve` node. All keys sit
 * under `<prefix>auth:`:
 *
 *   session:<id>         hash userId, jti, expiresAtMs       PEXPIREAT expiresAtMs
 *   user-sessions:<uid>  zset sessionId → expiresAtMs        PEXPIREAT its highest score
 *   standing:<uid>       JSON UserStanding
 *   key:<keyId>          hash of the KeyRecord; key-used: hash keyId → last use
 *   ticket:<t>           hash value, expiresAtMs              PEXPIREAT expiresAtMs
 *   bucket:<name>        hash tokens, atMs                    PEXPIREAT when full again
 *   fail:<name>          hash count, endMs                    PEXPIREAT endMs
 *   lock:<name>          untilMs                              PXAT untilMs
 *   signing              list of JSON SigningSecret, newest first
 *
 * Every read-modify-write is one Lua script, which Redis runs alone. The
 * caller's clock decides (a ticket taken after its time is refused even
 * before Redis drops it); Redis' own clock only drops the keys. So times
 * passed in must be real epoch milliseconds: a key whose PEXPIREAT is in
 * the past is gone at once.
 *
 * The rotate and close scripts reach the user's session index, named only
 * by the session they read: in Redis Cluster give the prefix a hash tag
 * (e.g. `{mpr}:`), as for the log.
 *
 * Ownership: the client is the system's, shared with the log; close() leaves it connected.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { KeyRecord, RotateResult, SessionStore, SigningSecret, UserStanding } from './index.ts';
import { checkBucketSpec } from './sqlite.ts';

/** Points the user's session index at its latest session expiry; drops it when empty. */
const INDEX_EXPIRY = `
local function index_expiry(idx)
  local top = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
  if #top > 0 then redis.call('PEXPIREAT', idx, top[2]) end
end
`;

// KEYS: session, user index. ARGV: session id, user id, jti, expiresAtMs, session key prefix.
const OPEN = `${INDEX_EXPIRY}
redis.call('HSET', KEYS[1], 'userId', ARGV[2], 'jti', ARGV[3], 'expiresAtMs', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if redis.call('EXISTS', ARGV[5] .. id) == 0 then redis.call('ZREM', KEYS[2], id) end
end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
index_expiry(KEYS[2])
`;

// KEYS: session. ARGV: session id, jti, next, expiresAtMs, nowMs, user index prefix.
// Returns {reason, userId}; reason 'ok' on success, userId '' when unknown.
const ROTATE = `${INDEX_EXPIRY}
local s = redis.call('HMGET', KEYS[1], 'userId', 'jti', 'expiresAtMs')
if not s[1] then return {'unknown', ''} end
local idx = ARGV[6] .. s[1]
local reason = 'ok'
if tonumber(s[3]) <= tonumber(ARGV[5]) then reason = 'expired' elseif s[2] ~= ARGV[2] then reason = 'reused' end
if reason ~= 'ok' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', idx, ARGV[1])
  return {reason, s[1]}
end
redis.call('HSET', KEYS[1], 'jti', ARGV[3], 'expiresAtMs', ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[4])
redis.call('ZADD', idx, ARGV[4], ARGV[1])
index_expiry(idx)
return {'ok', s[1]}
`;

// KEYS: session. ARGV: session id, user index prefix.
const CLOSE = `
local uid = redis.call('HGET', KEYS[1], 'userId')
redis.call('DEL', KEYS[1])
if uid then redis.call('ZREM', ARGV[2] .. uid, ARGV[1]) end
`;

// KEYS: user index. ARGV: session key prefix. Returns the ids of the sessions it closed.
const CLOSE_USER = `
local closed = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if redis.call('DEL', ARGV[1] .. id) == 1 then closed[#closed + 1] = id end
end
redis.call('DEL', KEYS[1])
return closed
`;

// KEYS: key. A revoke of an unknown key must not leave a partial record.
const REVOKE_KEY = `if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'revoked', '1') end`;

// KEYS: ticket. ARGV: nowMs.
const TAKE_TICKET = `
local t = redis.call('HMGET', KEYS[1], 'value', 'expiresAtMs')
redis.call('DEL', KEYS[1])
if t[1] and tonumber(t[2]) > tonumber(ARGV[1]) then return t[1] end
return false
`;

// KEYS: bucket. ARGV: capacity, refillPerSecond, nowMs. Returns {1, 0} or {0, retryAfterMs}.
// The same arithmetic as sqlite.ts; %.17g keeps the fraction exact across calls.
const TAKE = `
local cap, rate, now = tonumber(ARGV[1]), tonumber(ARGV[2]) / 1000, tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'atMs')
local tokens = cap
if b[1] then tokens = math.min(cap, tonumber(b[1]) + math.max(0, now - tonumber(b[2])) * rate) end
if tokens < 1 then return {0, math.ceil((1 - tokens) / rate)} end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens - 1), 'atMs', ARGV[3])
redis.call('PEXPIREAT', KEYS[1], string.format('%d', now + math.ceil((cap - tokens + 1) / rate)))
return {1, 0}
`;

// KEYS: failures. ARGV: nowMs, windowMs. A fixed window from the first failure, as in sqlite.ts.
const RECORD_FAILURE = `
local f = redis.call('HMGET', KEYS[1], 'count', 'endMs')
local now = tonumber(ARGV[1])
if f[1] and now < tonumber(f[2]) then return redis.call('HINCRBY', KEYS[1], 'count', 1) end
local endMs = now + tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'count', 1, 'endMs', string.format('%d', endMs))
redis.call('PEXPIREAT', KEYS[1], string.format('%d', endMs))
return 1
`;

// KEYS: signing list. ARGV: the first secret (JSON). Keeps it only when there is none.
const FIRST_SECRET = `
if redis.call('LLEN', KEYS[1]) == 0 then redis.call('RPUSH', KEYS[1], ARGV[1]) end
return redis.call('LRANGE', KEYS[1], 0, -1)
`;

// KEYS: signing list. ARGV: the new secret (JSON), its kid, dropBeforeMs.
const ROTATE_SECRET = `
local keep = {ARGV[1]}
for _, raw in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local s = cjson.decode(raw)
  if s.kid ~= ARGV[2] and s.createdAtMs >= tonumber(ARGV[3]) then keep[#keep + 1] = raw end
end
redis.call('DEL', KEYS[1])
redis.call('RPUSH', KEYS[1], unpack(keep))
`;

const isNoScript = (e: unknown) => e instanceof Error && e.message.startsWith('NOSCRIPT');

export const createRedisSessionStore = (redis: Redis, prefix: string): SessionStore => {
  const p = `${prefix}auth:`;
  const sessionKey = (id: string) => `${p}session:${id}`;
  const indexKey = (userId: string) => `${p}user-sessions:${userId}`;
  const keyKey = (keyId: string) => `${p}key:${keyId}`;
  const usedKey = `${p}key-used`;
  const signingKey = `${p}signing`;

  /** EVALSHA, loading the script with EVAL when the server's cache lacks it (restart, failover, SCRIPT FLUSH). */
  const script = (src: string) => {
    const sha = createHash('sha1').update(src).digest('hex');
    return async (keys: string[], args: (string | number)[]): Promise<unknown> => {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (e) {
        if (!isNoScript(e)) throw e;
        return redis.eval(src, keys.length, ...keys, ...args);
      }
    };
  };
  const open = script(OPEN);
  const rotate = script(ROTATE);
  const close = script(CLOSE);
  const closeUser = script(CLOSE_USER);
  const revokeKey = script(REVOKE_KEY);
  const takeTicket = script(TAKE_TICKET);
  const take = script(TAKE);
  const recordFailure = script(RECORD_FAILURE);
  const firstSecret = script(FIRST_SECRET);
  const rotateSecret = script(ROTATE_SECRET);

  const secretsOf = (raw: string[]): SigningSecret[] => raw.map((r) => JSON.parse(r) as SigningSecret);

  return {
    backend: 'redis',
    async openSession(r) {
      await open([sessionKey(r.sessionId), indexKey(r.userId)], [r.sessionId, r.userId, r.jti, r.expiresAtMs, `${p}session:`]);
    },
    async rotate(sessionId, jti, next, expiresAtMs, nowMs): Promise<RotateResult> {
      const [reason, userId] = (await rotate([sessionKey(sessionId)], [sessionId, jti, next, expiresAtMs, nowMs, `${p}user-sessions:`])) as [string, string];
      if (reason === 'ok') return { ok: true, userId };
      return { ok: false, reason: reason as 'reused' | 'unknown' | 'expired', userId: userId === '' ? null : userId };
    },
    async sessionOpen(sessionId, nowMs) {
      const exp = await redis.hget(sessionKey(sessionId), 'expiresAtMs');
      return exp !== null && Number(exp) > nowMs;
    },
    async closeSession(sessionId) {
      await close([sessionKey(sessionId)], [sessionId, `${p}user-sessions:`]);
    },
    async closeUserSessions(userId) {
      return (await closeUser([indexKey(userId)], [`${p}session:`])) as string[];
    },

    async setStanding(userId, s) {
      const standing: UserStanding = { role: s.role, disabled: s.disabled };
      await redis.set(`${p}standing:${userId}`, JSON.stringify(standing));
    },
    async standing(userId) {
      const raw = await redis.get(`${p}standing:${userId}`);
      return raw === null ? null : (JSON.parse(raw) as UserStanding);
    },
    async removeUser(userId) {
      await redis.del(`${p}standing:${userId}`);
    },

    async putKey(k) {
      await redis.hset(keyKey(k.keyId), {
        userId: k.userId,
        scopes: JSON.stringify(k.scopes),
        secretHash: k.secretHash,
        expiresAtMs: k.expiresAtMs === null ? '' : String(k.expiresAtMs),
        revoked: k.revoked ? '1' : '0',
      });
    },
    async key(keyId): Promise<KeyRecord | null> {
      const h = await redis.hgetall(keyKey(keyId));
      if (h.userId === undefined) return null;
      return {
        keyId,
        userId: h.userId,
        scopes: JSON.parse(h.scopes ?? '[]'),
        secretHash: h.secretHash ?? '',
        expiresAtMs: h.expiresAtMs ? Number(h.expiresAtMs) : null,
        revoked: h.revoked === '1',
      };
    },
    async revokeKey(keyId) {
      await revokeKey([keyKey(keyId)], []);
    },
    async touchKey(keyId, atMs) {
      await redis.hset(usedKey, keyId, String(atMs));
    },
    async lastUsed(keyIds) {
      const out: Record<string, number> = {};
      if (keyIds.length === 0) return out;
      const got = await redis.hmget(usedKey, ...keyIds);
      keyIds.forEach((id, i) => {
        const v = got[i];
        if (v !== null && v !== undefined) out[id] = Number(v);
      });
      return out;
    },

    async putTicket(ticket, value, expiresAtMs) {
      const k = `${p}ticket:${ticket}`;
      await redis
        .multi()
        .hset(k, { value, expiresAtMs: String(expiresAtMs) })
        .pexpireat(k, expiresAtMs)
        .exec();
    },
    async takeTicket(ticket, nowMs) {
      return ((await takeTicket([`${p}ticket:${ticket}`], [nowMs])) as string | null) ?? null;
    },

    async take(name, spec, nowMs) {
      checkBucketSpec(name, spec);
      const [ok, retryAfterMs] = (await take([`${p}bucket:${name}`], [spec.capacity, spec.refillPerSecond, nowMs])) as [number, number];
      return ok === 1 ? { ok: true } : { ok: false, retryAfterMs };
    },
    async recordFailure(name, nowMs, windowMs) {
      return Number(await recordFailure([`${p}fail:${name}`], [nowMs, windowMs]));
    },
    async clearFailures(name) {
      await redis.del(`${p}fail:${name}`);
    },
    async lock(name, untilMs) {
      // PXAT refuses 0 and below; a lock that ended before the epoch is no lock.
      if (untilMs < 1) await redis.del(`${p}lock:${name}`);
      else await redis.set(`${p}lock:${name}`, String(untilMs), 'PXAT', untilMs);
    },
    async lockedUntil(name, nowMs) {
      const until = Number((await redis.get(`${p}lock:${name}`)) ?? 0);
      return until > nowMs ? until : 0;
    },

    async signingSecrets(fresh) {
      const raw = await redis.lrange(signingKey, 0, -1);
      if (raw.length > 0) return secretsOf(raw);
      // Two nodes may both get here and both call fresh(); the script keeps the first, and both answer it.
      return secretsOf((await firstSecret([signingKey], [JSON.stringify(fresh())])) as string[]);
    },
    async rotateSigningSecret(next, dropBeforeMs) {
      const s: SigningSecret = { kid: next.kid, secret: next.secret, createdAtMs: next.createdAtMs };
      await rotateSecret([signingKey], [JSON.stringify(s), s.kid, dropBeforeMs]);
    },

    async close() {},
  };
};
