/**
 * Accounts and sessions through HTTP, on both session stores: log in, the
 * refresh cookie's rotation and what a reused one does, logging out here
 * and everywhere, a disabled user, API keys and their scopes, a generated
 * first password, tickets for event streams, and the rate limits.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { System } from '../system.ts';
import { adminHeaders, TEST_ADMIN } from '../../test/auth.ts';
import { type Backend, testEnv } from '../../test/system.ts';
import { createApp } from './app.ts';

type Json = any;
interface Answer {
  status: number;
  json: Json;
  headers: Headers;
}

const cookieFrom = (h: Headers): string | null => {
  const c = h.get('set-cookie');
  const m = c ? /mpr_refresh=([^;]*)/.exec(c) : null;
  return m ? m[1]! : null;
};

for (const backend of ['sqlite', 'redis'] as Backend[]) {
  describe(`accounts and sessions (${backend} session store)`, () => {
    const env = testEnv(backend, `auth-${backend}`);
    let s: System;
    let app: ReturnType<typeof createApp>;
    let admin: Record<string, string>;
    const call = async (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> => {
      const headers: Record<string, string> = { ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers };
      const res = await app.handle(
        new Request(`http://localhost${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }),
      );
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
    };
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const login = (email: string, password: string) => call('POST', '/api/auth/login', { body: { email, password } });

    beforeAll(async () => {
      s = await env.boot();
      await s.start();
      app = createApp(s);
      admin = await adminHeaders(s);
      const made = await call('POST', '/api/users', { body: { email: 'Member@Example.com', password: 'member-password-1' }, headers: admin });
      expect(made.status).toBe(201);
      expect(made.json).toMatchObject({ email: 'member@example.com', role: 'member', disabled: false, mustChangePassword: false });
      expect(made.json.password).toBeUndefined();
    });
    afterAll(() => env.cleanup());

    test('log in: a bearer token for 15 minutes, a refresh cookie (HTTP-only, SameSite=Strict, /api/auth); wrong passwords are one sentence', async () => {
      const ok = await login('member@example.com', 'member-password-1');
      expect(ok.status).toBe(200);
      expect(ok.json).toMatchObject({ expiresIn: 900, user: { email: 'member@example.com', role: 'member' } });
      const cookie = ok.headers.get('set-cookie')!;
      for (const part of ['HttpOnly', 'SameSite=Strict', 'Path=/api/auth']) expect(cookie).toContain(part);
      expect(ok.headers.get('cache-control')).toBe('no-store');
      expect((await call('GET', '/api/auth/me', { headers: bearer(ok.json.accessToken) })).json.email).toBe('member@example.com');
      // The same answer for a wrong password and for nobody: nothing tells which accounts exist.
      const wrong = await login('member@example.com', 'nope-nope-nope');
      const nobody = await login('nobody@example.com', 'nope-nope-nope');
      expect([wrong.status, nobody.status]).toEqual([401, 401]);
      expect(wrong.json).toEqual(nobody.json);
    });

    test('refresh rotates the cookie; presenting the old one again ends the whole session', async () => {
      const first = await login('member@example.com', 'member-password-1');
      const c1 = cookieFrom(first.headers)!;
      const r1 = await call('POST', '/api/auth/refresh', { headers: { cookie: `mpr_refresh=${c1}` } });
      expect(r1.status).toBe(200);
      const c2 = cookieFrom(r1.headers)!;
      expect(c2).not.toBe(c1);
      const token = r1.json.accessToken as string;
      expect((await call('GET', '/api/jobs', { headers: bearer(token) })).status).toBe(200);
      // A copy of the first cookie comes back: theft. The session ends, its tokens and its newest cookie with it.
      const stolen = await call('POST', '/api/auth/refresh', { headers: { cookie: `mpr_refresh=${c1}` } });
      expect(stolen.status).toBe(401);
      expect(stolen.json.error.message).toContain('used before');
      expect((await call('GET', '/api/jobs', { headers: bearer(token) })).status).toBe(401);
      expect((await call('POST', '/api/auth/refresh', { headers: { cookie: `mpr_refresh=${c2}` } })).status).toBe(401);
      const user = (await login('member@example.com', 'member-password-1')).json.user;
      const ended = (await s.log.readStream(`user:${user.id}`)).filter((e) => e.type === 'SessionEnded').map((e) => (e.data as { reason: string }).reason);
      expect(ended).toContain('refresh token reused');
    });

    test('log out ends this session; log out everywhere ends every one', async () => {
      const a = await login('member@example.com', 'member-password-1');
      const b = await login('member@example.com', 'member-password-1');
      const out = await call('POST', '/api/auth/logout', { headers: { cookie: `mpr_refresh=${cookieFrom(a.headers)}` } });
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
      expect((await call('GET', '/api/jobs', { headers: bearer(a.json.accessToken) })).status).toBe(401);
      expect((await call('GET', '/api/jobs', { headers: bearer(b.json.accessToken) })).status).toBe(200);
      const c = await login('member@example.com', 'member-password-1');
      expect((await call('POST', '/api/auth/logout-all', { headers: bearer(c.json.accessToken) })).status).toBe(204);
      for (const t of [b, c]) expect((await call('GET', '/api/jobs', { headers: bearer(t.json.accessToken) })).status).toBe(401);
      expect((await call('POST', '/api/auth/refresh', { headers: { cookie: `mpr_refresh=${cookieFrom(b.headers)}` } })).status).toBe(401);
    });

    test('API keys: shown once, scoped, revocable; a member cannot mint an admin key; the list never shows a secret', async () => {
      const m = await login('member@example.com', 'member-password-1');
      const auth = bearer(m.json.accessToken);
      expect((await call('POST', '/api/keys', { body: { name: 'too much', scopes: ['admin'] }, headers: auth })).status).toBe(403);
      const made = await call('POST', '/api/keys', { body: { name: 'ci', scopes: ['read'] }, headers: auth });
      expect(made.status).toBe(201);
      expect(made.json.key).toStartWith('mpr_');
      const key = made.json.key as string;
      expect((await call('GET', '/api/jobs', { headers: bearer(key) })).status).toBe(200);
      expect((await call('POST', '/api/assets/scan', { headers: bearer(key) })).status).toBe(403);
      const listed = await call('GET', '/api/keys', { headers: auth });
      expect(JSON.stringify(listed.json)).not.toContain(key.slice(-20));
      expect(listed.json.items.find((k: Json) => k.id === made.json.id)).toMatchObject({ name: 'ci', scopes: ['read'], revoked: false });
      expect(listed.json.items.find((k: Json) => k.id === made.json.id).lastUsedAt).not.toBeNull();
      expect((await call('DELETE', `/api/keys/${made.json.id}`, { headers: auth })).status).toBe(204);
      const after = await call('GET', '/api/jobs', { headers: bearer(key) });
      expect(after.status).toBe(401);
      expect(after.json.error.message).toContain('revoked');
    });

    test('a key that expired is refused', async () => {
      const m = await login('member@example.com', 'member-password-1');
      const soon = new Date(Date.now() + 1500).toISOString();
      const made = await call('POST', '/api/keys', { body: { name: 'brief', scopes: ['read'], expiresAt: soon }, headers: bearer(m.json.accessToken) });
      expect(made.status).toBe(201);
      expect((await call('GET', '/api/jobs', { headers: bearer(made.json.key) })).status).toBe(200);
      await Bun.sleep(1600);
      const late = await call('GET', '/api/jobs', { headers: bearer(made.json.key) });
      expect([late.status, late.json.error.message]).toEqual([401, 'this API key expired']);
    });

    test('a disabled user is refused at once, sessions and keys alike; enabled again, a new login works', async () => {
      await call('POST', '/api/users', { body: { email: 'temp@example.com', password: 'temp-password-1' }, headers: admin });
      const t = await login('temp@example.com', 'temp-password-1');
      const key = (await call('POST', '/api/keys', { body: { name: 'k', scopes: ['write'] }, headers: bearer(t.json.accessToken) })).json.key;
      const id = t.json.user.id;
      expect((await call('PATCH', `/api/users/${id}`, { body: { disabled: true }, headers: admin })).json.disabled).toBe(true);
      for (const h of [bearer(t.json.accessToken), bearer(key)]) {
        const r = await call('GET', '/api/jobs', { headers: h });
        expect([r.status, r.json.error.message]).toEqual([401, 'this account is disabled']);
      }
      expect((await login('temp@example.com', 'temp-password-1')).status).toBe(401);
      await call('PATCH', `/api/users/${id}`, { body: { disabled: false }, headers: admin });
      expect((await login('temp@example.com', 'temp-password-1')).status).toBe(200);
      expect((await call('GET', '/api/jobs', { headers: bearer(key) })).status).toBe(200);
    });

    test('the last admin cannot be disabled, demoted or removed; a member cannot reach /api/users', async () => {
      const me = (await call('GET', '/api/auth/me', { headers: admin })).json;
      expect((await call('PATCH', `/api/users/${me.id}`, { body: { disabled: true }, headers: admin })).status).toBe(409);
      expect((await call('PATCH', `/api/users/${me.id}`, { body: { role: 'member' }, headers: admin })).status).toBe(409);
      expect((await call('DELETE', `/api/users/${me.id}`, { headers: admin })).status).toBe(409);
      const m = await login('member@example.com', 'member-password-1');
      expect((await call('GET', '/api/users', { headers: bearer(m.json.accessToken) })).status).toBe(403);
    });

    test('a user added without a password gets a one-time one: only the password change is open until it is changed', async () => {
      const made = await call('POST', '/api/users', { body: { email: 'new@example.com' }, headers: admin });
      expect(made.json).toMatchObject({ mustChangePassword: true });
      const once = made.json.password as string;
      expect(once.length).toBeGreaterThanOrEqual(16);
      const l = await login('new@example.com', once);
      expect(l.json.user.mustChangePassword).toBe(true);
      const blocked = await call('GET', '/api/jobs', { headers: bearer(l.json.accessToken) });
      expect([blocked.status, blocked.json.error.message]).toEqual([403, 'choose a new password first (POST /api/auth/password)']);
      expect(
        (await call('POST', '/api/auth/password', { body: { currentPassword: once, newPassword: 'short' }, headers: bearer(l.json.accessToken) })).status,
      ).toBe(400);
      const changed = await call('POST', '/api/auth/password', {
        body: { currentPassword: once, newPassword: 'a-new-password-9' },
        headers: bearer(l.json.accessToken),
      });
      expect(changed.status).toBe(200);
      expect(changed.json.user.mustChangePassword).toBe(false);
      expect((await call('GET', '/api/jobs', { headers: bearer(changed.json.accessToken) })).status).toBe(200);
      // The old session ended with the old password.
      expect((await call('GET', '/api/auth/me', { headers: bearer(l.json.accessToken) })).status).toBe(401);
      expect((await login('new@example.com', once)).status).toBe(401);
    });

    test('an event-stream ticket opens one stream once, and nothing else', async () => {
      const t = await call('POST', '/api/auth/ticket', { headers: admin });
      expect(t.json.expiresIn).toBe(30);
      expect((await call('GET', `/api/jobs?ticket=${t.json.ticket}`)).status).toBe(401);
      const ctl = new AbortController();
      const open = await app.handle(new Request(`http://localhost/api/events?ticket=${t.json.ticket}&after=0`, { signal: ctl.signal }));
      expect(open.status).toBe(200);
      expect(open.headers.get('content-type')).toContain('text/event-stream');
      ctl.abort();
      await open.body?.cancel().catch(() => undefined);
      const again = await app.handle(new Request(`http://localhost/api/events?ticket=${t.json.ticket}`));
      expect(again.status).toBe(401);
    });

    test('the first admin comes from MPR_ADMIN_EMAIL and MPR_ADMIN_PASSWORD', async () => {
      const l = await login(TEST_ADMIN.email, TEST_ADMIN.password);
      expect(l.json.user).toMatchObject({ role: 'admin', mustChangePassword: false });
    });
  });
}

describe('rate limits', () => {
  const env = testEnv('sqlite', 'limits', { MPR_RATE_LIMIT: '60' });
  let s: System;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    s = await env.boot();
    await s.start();
    app = createApp(s);
  });
  afterAll(() => env.cleanup());

  test('API calls beyond the pace are 429 with Retry-After', async () => {
    const headers = await adminHeaders(s);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 40; i++) {
      const r = await app.handle(new Request('http://localhost/api/jobs', { headers }));
      statuses.push(r.status);
      if (r.status === 429) retryAfter ??= r.headers.get('retry-after');
    }
    // A burst of a quarter of the minute's 60 (but at least 10), then refused.
    expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(15);
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });

  test('failed logins lock the account, with a growing lockout; the right password is refused while locked', async () => {
    const login = (password: string) =>
      app.handle(
        new Request('http://localhost/api/auth/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: TEST_ADMIN.email, password }),
        }),
      );
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(`wrong-${i}-password`)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const locked = await login(TEST_ADMIN.password);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await locked.json()) as Json).error.message).toContain('too many failed logins');
  });
});
