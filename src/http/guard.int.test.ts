/**
 * Every route closed: walks every route the app registers (from the router,
 * not a hand list) and expects 401 without credentials, 403 with a key too
 * weak for it, and not 401/403 with one strong enough; the few open routes
 * are named here and nowhere else. Then the other walls: Host, CSRF, the
 * cookie's Origin, security headers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { System } from '../system.ts';
import { adminHeaders } from '../../test/auth.ts';
import { routesOf } from '../../test/routes.ts';
import { testEnv } from '../../test/system.ts';
import { createApp } from './app.ts';

const OPEN = new Set(['POST /api/auth/login', 'POST /api/auth/refresh', 'POST /api/auth/logout', 'GET /api/health', 'HEAD /api/health']);

const env = testEnv('sqlite', 'guard');
let s: System;
let app: ReturnType<typeof createApp>;
let admin: Record<string, string>;
const keys: Record<'read' | 'write', string> = { read: '', write: '' };

const concrete = (path: string) => path.replace(/:[^/]+/g, 'x1').replace(/\*$/, 'jobs/x1/master.m3u8');
const req = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
  app.handle(
    new Request(`http://localhost${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

beforeAll(async () => {
  s = await env.boot();
  await s.start();
  app = createApp(s);
  admin = await adminHeaders(s);
  for (const scope of ['read', 'write'] as const) {
    const r = await req('POST', '/api/keys', admin, { name: scope, scopes: [scope] });
    expect(r.status).toBe(201);
    keys[scope] = ((await r.json()) as { key: string }).key;
  }
});
afterAll(() => env.cleanup());

const routes = () => routesOf(app);

describe('every route closed', () => {
  test('the walk sees the app: many routes, auth and users among them', () => {
    const all = routes().map((r) => `${r.method} ${r.path}`);
    expect(all.length).toBeGreaterThan(25);
    expect(all).toContain('POST /api/jobs');
    expect(all).toContain('GET /api/users');
    expect(all).toContain('DELETE /api/assets/:id');
  });

  test('without credentials: 401 everywhere but the open routes', async () => {
    const wrong: string[] = [];
    for (const r of routes()) {
      const res = await req(r.method, concrete(r.path), {}, r.method === 'GET' || r.method === 'HEAD' ? undefined : {});
      const open = OPEN.has(`${r.method} ${r.path}`);
      if (!open && res.status !== 401) wrong.push(`${r.method} ${r.path}: ${res.status}`);
      if (open && res.status === 401 && r.path !== '/api/auth/refresh') wrong.push(`${r.method} ${r.path} is open but answered 401`);
      if (!open && res.status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect(wrong).toEqual([]);
  });

  test('a read key: 403 for every change and every admin route; reads pass the guard', async () => {
    const wrong: string[] = [];
    for (const r of routes()) {
      if (OPEN.has(`${r.method} ${r.path}`)) continue;
      const res = await req(r.method, concrete(r.path), { authorization: `Bearer ${keys.read}` }, r.method === 'GET' || r.method === 'HEAD' ? undefined : {});
      const reading = (r.method === 'GET' || r.method === 'HEAD') && !r.path.startsWith('/api/users');
      if (reading && (res.status === 401 || res.status === 403)) wrong.push(`${r.method} ${r.path}: ${res.status} for a read key`);
      if (!reading && res.status !== 403) wrong.push(`${r.method} ${r.path}: ${res.status}, expected 403`);
    }
    expect(wrong).toEqual([]);
  });

  test("a member's write key: 403 for the admin routes only", async () => {
    const wrong: string[] = [];
    for (const r of routes()) {
      if (OPEN.has(`${r.method} ${r.path}`)) continue;
      const res = await req(r.method, concrete(r.path), { authorization: `Bearer ${keys.write}` }, r.method === 'GET' || r.method === 'HEAD' ? undefined : {});
      // The dead-letter list is read by anyone, acted on by admins only.
      const adminOnly = r.path.startsWith('/api/users') || r.path.startsWith('/api/admin') || (r.path.startsWith('/api/work') && r.method !== 'GET');
      // An upload part is opened by its signed URL, never by a key (uploads.int.test.ts has the signed side).
      const signedOnly = r.method === 'PUT' && r.path === '/api/uploads/:id/parts/:number';
      if ((adminOnly || signedOnly) && res.status !== 403) wrong.push(`${r.method} ${r.path}: ${res.status}, expected 403`);
      if (!adminOnly && !signedOnly && (res.status === 401 || res.status === 403)) wrong.push(`${r.method} ${r.path}: ${res.status} for a write key`);
    }
    expect(wrong).toEqual([]);
  });

  test('an unknown /api path answers 401 to a stranger and 404 to a user', async () => {
    expect((await req('GET', '/api/nope')).status).toBe(401);
    expect((await req('GET', '/api/nope', admin)).status).toBe(404);
  });

  test('a malformed, forged or expired credential is 401 with a sentence', async () => {
    for (const authorization of ['Basic abc', 'Bearer', 'Bearer mpr_nope', `Bearer ${keys.read.slice(0, -2)}xx`, 'Bearer a.b.c']) {
      const res = await req('GET', '/api/jobs', { authorization });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(5);
    }
  });
});

describe('the other walls', () => {
  test('a Host that is not this server is refused (DNS rebinding), the UI included', async () => {
    for (const path of ['/api/jobs', '/', '/api/health']) {
      const res = await app.handle(new Request(`http://localhost${path}`, { headers: { host: 'attacker.example', ...admin } }));
      expect(res.status).toBe(403);
    }
    expect((await app.handle(new Request('http://localhost/api/health', { headers: { host: 'localhost:8080' } }))).status).toBe(200);
  });

  test('a change sent as a form or as text is refused before anything runs (CSRF)', async () => {
    const head = await s.log.head();
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const res = await app.handle(
        new Request('http://localhost/api/jobs', { method: 'POST', headers: { 'content-type': type, ...admin }, body: 'assetId=a&presetId=hls-abr' }),
      );
      expect(res.status).toBe(415);
      const scan = await app.handle(
        new Request('http://localhost/api/assets/scan', { method: 'POST', headers: { 'content-type': type, ...admin }, body: 'x' }),
      );
      expect(scan.status).toBe(415);
    }
    expect(await s.log.head()).toBe(head);
  });

  test('the refresh cookie works only from this site', async () => {
    const res = await app.handle(
      new Request('http://localhost/api/auth/refresh', { method: 'POST', headers: { origin: 'https://evil.example', cookie: 'mpr_refresh=a.b.c' } }),
    );
    expect(res.status).toBe(403);
    // An opaque or malformed Origin is not this site either (and is no reason for a 500).
    for (const origin of ['null', 'not a url']) {
      const odd = await app.handle(new Request('http://localhost/api/auth/refresh', { method: 'POST', headers: { origin, cookie: 'mpr_refresh=a.b.c' } }));
      expect(odd.status).toBe(403);
    }
  });

  test('every answer carries the security headers, errors and the UI included', async () => {
    for (const [path, headers] of [
      ['/api/jobs', admin],
      ['/api/jobs', {}],
      ['/', {}],
      ['/api/nope', admin],
    ] as const) {
      const res = await req('GET', path, headers);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
  });
});
