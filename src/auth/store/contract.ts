/**
 * The SessionStore contract, written once and run against SQLite
 * (sqlite.test.ts) and Redis (redis.int.test.ts). Each test gets a fresh,
 * empty store; `another` gives a second store object over the same backing,
 * as a second node would build.
 *
 * Times are real epoch milliseconds around Date.now(): Redis drops keys at
 * their PEXPIREAT by its own clock, so an expiry in the real past would
 * vanish at once. The store's verdicts follow the `nowMs` passed in, which
 * the tests move forward instead of sleeping.
 */
import { describe, expect, test } from 'bun:test';
import type { KeyRecord, SessionStore, SigningSecret } from './index.ts';

export interface SessionStoreFixture {
  store: SessionStore;
  /** A new store object over the same backing (same db file, same Redis prefix). */
  another(): Promise<SessionStore>;
  cleanup(): Promise<void>;
}

const MIN = 60_000;
const secret = (kid: string, createdAtMs: number): SigningSecret => ({
  kid,
  secret: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'),
  createdAtMs,
});

export const sessionStoreContract = (name: string, make: () => Promise<SessionStoreFixture>): void => {
  describe(`SessionStore contract: ${name}`, () => {
    const withStore = (fn: (f: SessionStoreFixture & { base: number }) => Promise<void>) => async () => {
      const f = await make();
      try {
        await fn({ ...f, base: Date.now() });
      } finally {
        await f.cleanup();
      }
    };

    test(
      'rotate: the current JTI is replaced by the next and answers the user',
      withStore(async ({ store, base }) => {
        await store.openSession({ sessionId: 's1', userId: 'u1', jti: 'j1', expiresAtMs: base + 10 * MIN });
        expect(await store.sessionOpen('s1', base)).toBe(true);
        expect(await store.rotate('s1', 'j1', 'j2', base + 20 * MIN, base + MIN)).toEqual({ ok: true, userId: 'u1' });
        expect(await store.rotate('s1', 'j2', 'j3', base + 30 * MIN, base + 2 * MIN)).toEqual({ ok: true, userId: 'u1' });
        // The expiry moved with the rotation.
        expect(await store.sessionOpen('s1', base + 25 * MIN)).toBe(true);
        expect(await store.sessionOpen('s1', base + 30 * MIN)).toBe(false);
      }),
    );

    test(
      'rotate with an earlier JTI answers reused and closes the session',
      withStore(async ({ store, base }) => {
        await store.openSession({ sessionId: 's1', userId: 'u1', jti: 'j1', expiresAtMs: base + 10 * MIN });
        await store.openSession({ sessionId: 's2', userId: 'u1', jti: 'k1', expiresAtMs: base + 10 * MIN });
        expect((await store.rotate('s1', 'j1', 'j2', base + 10 * MIN, base)).ok).toBe(true);
        expect(await store.rotate('s1', 'j1', 'jx', base + 10 * MIN, base)).toEqual({ ok: false, reason: 'reused', userId: 'u1' });
        expect(await store.sessionOpen('s1', base)).toBe(false);
        // The thief's replay also ended the holder's session: its current JTI no longer works.
        expect(await store.rotate('s1', 'j2', 'j3', base + 10 * MIN, base)).toEqual({ ok: false, reason: 'unknown', userId: null });
        // Only that session.
        expect(await store.sessionOpen('s2', base)).toBe(true);
        expect((await store.rotate('s2', 'k1', 'k2', base + 10 * MIN, base)).ok).toBe(true);
      }),
    );

    test(
      'an unknown session is unknown, with no user',
      withStore(async ({ store, base }) => {
        expect(await store.rotate('nope', 'j1', 'j2', base + MIN, base)).toEqual({ ok: false, reason: 'unknown', userId: null });
        expect(await store.sessionOpen('nope', base)).toBe(false);
      }),
    );

    test(
      'an expired session: open until expiresAtMs, then rotate answers expired once',
      withStore(async ({ store, base }) => {
        const exp = base + 10 * MIN;
        await store.openSession({ sessionId: 's1', userId: 'u1', jti: 'j1', expiresAtMs: exp });
        expect(await store.sessionOpen('s1', exp - 1)).toBe(true);
        expect(await store.sessionOpen('s1', exp)).toBe(false);
        expect(await store.rotate('s1', 'j1', 'j2', exp + 10 * MIN, exp + 1)).toEqual({ ok: false, reason: 'expired', userId: 'u1' });
        expect(await store.sessionOpen('s1', base)).toBe(false);
        expect((await store.rotate('s1', 'j1', 'j2', exp + 10 * MIN, base)).ok).toBe(false);
      }),
    );

    test(
      'closeSession ends one session; closing an unknown one is a no-op',
      withStore(async ({ store, base }) => {
        await store.openSession({ sessionId: 's1', userId: 'u1', jti: 'j1', expiresAtMs: base + 10 * MIN });
        await store.openSession({ sessionId: 's2', userId: 'u1', jti: 'k1', expiresAtMs: base + 10 * MIN });
        await store.closeSession('s1');
        await store.closeSession('s1');
        await store.closeSession('never');
        expect(await store.sessionOpen('s1', base)).toBe(false);
        expect(await store.rotate('s1', 'j1', 'j2', base + MIN, base)).toEqual({ ok: false, reason: 'unknown', userId: null });
        expect(await store.sessionOpen('s2', base)).toBe(true);
        expect(await store.closeUserSessions('u1')).toEqual(['s2']);
      }),
    );

    test(
      "closeUserSessions answers the user's session ids and leaves other users' sessions",
      withStore(async ({ store, base }) => {
        for (const [sid, uid] of [
          ['a1', 'ua'],
          ['a2', 'ua'],
          ['a3', 'ua'],
          ['b1', 'ub'],
        ] as const) {
          await store.openSession({ sessionId: sid, userId: uid, jti: `${sid}-j`, expiresAtMs: base + 10 * MIN });
        }
        await store.closeSession('a3');
        expect((await store.rotate('a2', 'a2-j', 'a2-j2', base + 20 * MIN, base)).ok).toBe(true);
        expect((await store.closeUserSessions('ua')).sort()).toEqual(['a1', 'a2']);
        for (const sid of ['a1', 'a2', 'a3']) expect(await store.sessionOpen(sid, base)).toBe(false);
        expect(await store.sessionOpen('b1', base)).toBe(true);
        expect(await store.closeUserSessions('ua')).toEqual([]);
        expect(await store.closeUserSessions('nobody')).toEqual([]);
        // The user can log in again afterwards.
        await store.openSession({ sessionId: 'a4', userId: 'ua', jti: 'j', expiresAtMs: base + MIN });
        expect(await store.closeUserSessions('ua')).toEqual(['a4']);
      }),
    );

    test(
      'standing: set, read, overwrite, null when unknown or removed',
      withStore(async ({ store }) => {
        expect(await store.standing('u1')).toBeNull();
        await store.setStanding('u1', { role: 'member', disabled: false });
        await store.setStanding('u2', { role: 'admin', disabled: false });
        expect(await store.standing('u1')).toEqual({ role: 'member', disabled: false });
        await store.setStanding('u1', { role: 'admin', disabled: true });
        expect(await store.standing('u1')).toEqual({ role: 'admin', disabled: true });
        await store.removeUser('u1');
        await store.removeUser('never');
        expect(await store.standing('u1')).toBeNull();
        expect(await store.standing('u2')).toEqual({ role: 'admin', disabled: false });
      }),
    );

    test(
      'keys: put, read, revoke; touch records the last use; lastUsed omits ids never used',
      withStore(async ({ store, base }) => {
        const k: KeyRecord = { keyId: 'k1', userId: 'u1', scopes: ['read', 'write'], secretHash: 'ab'.repeat(32), expiresAtMs: base + MIN, revoked: false };
        await store.putKey(k);
        await store.putKey({ ...k, keyId: 'k2', scopes: ['admin'], expiresAtMs: null });
        expect(await store.key('k1')).toEqual(k);
        expect(await store.key('k2')).toEqual({ ...k, keyId: 'k2', scopes: ['admin'], expiresAtMs: null });
        expect(await store.key('nope')).toBeNull();
        await store.revokeKey('k1');
        await store.revokeKey('nope');
        expect((await store.key('k1'))?.revoked).toBe(true);
        expect((await store.key('k2'))?.revoked).toBe(false);
        expect(await store.key('nope')).toBeNull();

        expect(await store.lastUsed([])).toEqual({});
        expect(await store.lastUsed(['k1', 'k2'])).toEqual({});
        await store.touchKey('k1', base);
        await store.touchKey('k2', base + 5);
        await store.touchKey('k1', base + 10);
        expect(await store.lastUsed(['k1', 'k2', 'nope'])).toEqual({ k1: base + 10, k2: base + 5 });
      }),
    );

    test(
      'tickets are single-use and refused at or after their expiry',
      withStore(async ({ store, base }) => {
        await store.putTicket('t1', 'payload ü', base + MIN);
        await store.putTicket('t2', 'second', base + MIN);
        await store.putTicket('t3', 'late', base + MIN);
        expect(await store.takeTicket('t1', base)).toBe('payload ü');
        expect(await store.takeTicket('t1', base)).toBeNull();
        expect(await store.takeTicket('t2', base + MIN - 1)).toBe('second');
        expect(await store.takeTicket('t3', base + MIN)).toBeNull();
        expect(await store.takeTicket('t3', base)).toBeNull();
        expect(await store.takeTicket('never', base)).toBeNull();
      }),
    );

    test(
      'a token bucket: capacity takes succeed, then a wait of one token; it refills over time, up to capacity',
      withStore(async ({ store, base }) => {
        const spec = { capacity: 3, refillPerSecond: 2 };
        for (let i = 0; i < 3; i++) expect(await store.take('ip:1', spec, base)).toEqual({ ok: true });
        // Empty: one token is 1000 / refillPerSecond away, and less as time passes.
        expect(await store.take('ip:1', spec, base)).toEqual({ ok: false, retryAfterMs: 500 });
        expect(await store.take('ip:1', spec, base + 250)).toEqual({ ok: false, retryAfterMs: 250 });
        // Another name has its own bucket.
        expect(await store.take('ip:2', spec, base)).toEqual({ ok: true });
        expect(await store.take('ip:1', spec, base + 500)).toEqual({ ok: true });
        expect((await store.take('ip:1', spec, base + 500)).ok).toBe(false);
        // A long pause refills only up to capacity.
        const later = base + 10 * MIN;
        for (let i = 0; i < 3; i++) expect(await store.take('ip:1', spec, later)).toEqual({ ok: true });
        expect((await store.take('ip:1', spec, later)).ok).toBe(false);
      }),
    );

    test(
      'failures count within the window, restart after it, and clear',
      withStore(async ({ store, base }) => {
        const w = 15 * MIN;
        expect(await store.recordFailure('login:u1', base, w)).toBe(1);
        expect(await store.recordFailure('login:u1', base + 1000, w)).toBe(2);
        expect(await store.recordFailure('login:ip', base + 1000, w)).toBe(1);
        expect(await store.recordFailure('login:u1', base + w - 1, w)).toBe(3);
        expect(await store.recordFailure('login:u1', base + w, w)).toBe(1);
        expect(await store.recordFailure('login:u1', base + w + 1, w)).toBe(2);
        await store.clearFailures('login:u1');
        await store.clearFailures('never');
        expect(await store.recordFailure('login:u1', base + w + 2, w)).toBe(1);
        expect(await store.recordFailure('login:ip', base + 2000, w)).toBe(2);
      }),
    );

    test(
      'lock: lockedUntil answers the time while locked, 0 when not locked or after it',
      withStore(async ({ store, base }) => {
        expect(await store.lockedUntil('login:u1', base)).toBe(0);
        await store.lock('login:u1', base + MIN);
        expect(await store.lockedUntil('login:u1', base)).toBe(base + MIN);
        expect(await store.lockedUntil('login:u1', base + MIN - 1)).toBe(base + MIN);
        expect(await store.lockedUntil('login:u1', base + MIN)).toBe(0);
        expect(await store.lockedUntil('login:u2', base)).toBe(0);
        await store.lock('login:u1', base + 2 * MIN);
        expect(await store.lockedUntil('login:u1', base + MIN)).toBe(base + 2 * MIN);
      }),
    );

    test(
      'signing secrets: fresh() makes the first one, once; rotation puts the new one first and drops the old',
      withStore(async ({ store, base }) => {
        const first = secret('kid-1', base - 300 * MIN);
        let calls = 0;
        const fresh = () => {
          calls++;
          return first;
        };
        expect(await store.signingSecrets(fresh)).toEqual([first]);
        expect(await store.signingSecrets(fresh)).toEqual([first]);
        expect(calls).toBe(1);

        const second = secret('kid-2', base - 60 * MIN);
        await store.rotateSigningSecret(second, base - 600 * MIN);
        expect(await store.signingSecrets(fresh)).toEqual([second, first]);
        const third = secret('kid-3', base);
        await store.rotateSigningSecret(third, base - 120 * MIN);
        expect(await store.signingSecrets(fresh)).toEqual([third, second]);
        // The new one stays even when it was made before the cut.
        const fourth = secret('kid-4', base - 900 * MIN);
        await store.rotateSigningSecret(fourth, base);
        expect(await store.signingSecrets(fresh)).toEqual([fourth, third]);
        expect(calls).toBe(1);
      }),
    );

    test(
      'signing secrets: two nodes asking at once agree on one first secret',
      withStore(async ({ store, another, base }) => {
        const other = await another();
        let n = 0;
        const fresh = () => secret(`kid-${++n}`, base);
        const [a, b] = await Promise.all([store.signingSecrets(fresh), other.signingSecrets(fresh)]);
        expect(a).toHaveLength(1);
        expect(b).toEqual(a);
        expect(await store.signingSecrets(fresh)).toEqual(a);
      }),
    );

    test(
      "two store objects over one backing see each other's writes",
      withStore(async ({ store, another, base }) => {
        const other = await another();
        await store.openSession({ sessionId: 's1', userId: 'u1', jti: 'j1', expiresAtMs: base + MIN });
        expect(await other.rotate('s1', 'j1', 'j2', base + MIN, base)).toEqual({ ok: true, userId: 'u1' });
        expect(await store.rotate('s1', 'j1', 'j3', base + MIN, base)).toEqual({ ok: false, reason: 'reused', userId: 'u1' });
        await other.setStanding('u1', { role: 'member', disabled: true });
        expect(await store.standing('u1')).toEqual({ role: 'member', disabled: true });
        await store.putKey({ keyId: 'k1', userId: 'u1', scopes: ['read'], secretHash: 'h', expiresAtMs: null, revoked: false });
        await other.revokeKey('k1');
        await other.touchKey('k1', base);
        expect((await store.key('k1'))?.revoked).toBe(true);
        expect(await store.lastUsed(['k1'])).toEqual({ k1: base });
        await store.putTicket('t1', 'v', base + MIN);
        expect(await other.takeTicket('t1', base)).toBe('v');
        expect(await store.takeTicket('t1', base)).toBeNull();
        const spec = { capacity: 1, refillPerSecond: 1 };
        expect((await store.take('b', spec, base)).ok).toBe(true);
        expect((await other.take('b', spec, base)).ok).toBe(false);
        expect(await store.recordFailure('f', base, MIN)).toBe(1);
        expect(await other.recordFailure('f', base, MIN)).toBe(2);
        await other.lock('l', base + MIN);
        expect(await store.lockedUntil('l', base)).toBe(base + MIN);
      }),
    );

    test(
      'twenty concurrent rotations of one JTI, on two store objects: exactly one succeeds',
      withStore(async ({ store, another, base }) => {
        const other = await another();
        await store.openSession({ sessionId: 's1', userId: 'u1', jti: 'j0', expiresAtMs: base + MIN });
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? store : other).rotate('s1', 'j0', `j-${i}`, base + 2 * MIN, base)),
        );
        expect(results.filter((r) => r.ok)).toHaveLength(1);
        // The losers presented a JTI that was no longer current: reuse, which closed the session.
        const reasons = new Set(results.flatMap((r) => (r.ok ? [] : [r.reason])));
        expect(reasons.has('reused')).toBe(true);
        for (const r of reasons) expect(['reused', 'unknown']).toContain(r);
        expect(await store.sessionOpen('s1', base)).toBe(false);
      }),
    );
  });
};
