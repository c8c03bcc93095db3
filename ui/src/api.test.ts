/** The client's session handling against a fake server: tokens, refresh on 401, scheduled refresh, EventSource tickets. */
import { describe, expect, test } from 'bun:test';
import type { AccessGrant } from '../../src/types/accounts.ts';
import { ApiError, createClient, type ClientDeps } from './api.ts';
import type { EndReason } from './session.ts';
import { user } from '../test/fixtures.ts';

const grant = (accessToken: string, expiresIn = 900): AccessGrant => ({ accessToken, expiresIn, user: user() });
const answer = (status: number, body?: unknown, headers?: Record<string, string>) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
const unauthorized = () => answer(401, { error: { code: 'unauthorized', message: 'token expired' } });

/** A source the test drives by hand. */
class FakeSource {
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  addEventListener() {}
  close() {
    this.closed = true;
  }
}

type Route = (path: string, token: string | null) => Response | Promise<Response>;

/** A client over `route`; `calls` lists `path token` per request; timers are run by hand. */
const harness = (route: Route, over: Partial<ClientDeps> = {}) => {
  const calls: string[] = [];
  const timers: { f: () => void; ms: number }[] = [];
  const sources: FakeSource[] = [];
  const ended: EndReason[] = [];
  const api = createClient({
    fetch: async (url, init) => {
      const auth = (init?.headers as Record<string, string> | undefined)?.authorization;
      const token = auth ? auth.replace(/^Bearer /, '') : null;
      const path = url.replace(/^\/api/, '');
      calls.push(token ? `${path} ${token}` : path);
      return route(path, token);
    },
    eventSource: (url) => {
      const s = new FakeSource(url);
      sources.push(s);
      return s as unknown as EventSource;
    },
    setTimer: (f, ms) => timers.push({ f, ms }),
    clearTimer: () => {},
    ...over,
  });
  api.onSessionEnded((why) => ended.push(why));
  return { api, calls, timers, sources, ended };
};

/** A server whose valid token is `valid()`; refresh hands out t2, t3, … */
const server = (extra: Route = () => answer(404)) => {
  let n = 1;
  let valid = 't1';
  let refreshes = 0;
  const route: Route = async (path, token) => {
    if (path === '/auth/login') return answer(200, grant('t1'));
    if (path === '/auth/refresh') {
      refreshes++;
      await Bun.sleep(5);
      valid = `t${++n}`;
      return answer(200, grant(valid));
    }
    if (token !== valid) return unauthorized();
    return extra(path, token);
  };
  return { route, refreshes: () => refreshes, expire: () => (valid = 'none-yet') };
};

const ok: Route = (path) => (path === '/auth/ticket' ? answer(200, { ticket: `tk-${Math.random()}`, expiresIn: 30 }) : answer(200, { items: [], total: 0 }));

describe('api session', () => {
  test('every call carries the token; a 401 triggers one refresh and a retry with the new token', async () => {
    const s = server(ok);
    const { api, calls } = harness(s.route);
    await api.login('ada@example.com', 'pw');
    await api.listJobs();
    s.expire();
    await api.listJobs();
    expect(calls).toEqual(['/auth/login', '/jobs t1', '/jobs t1', '/auth/refresh', '/jobs t2']);
    expect(s.refreshes()).toBe(1);
  });

  test('two calls meeting a 401 together cause one refresh, and both are retried', async () => {
    const s = server(ok);
    const { api, calls } = harness(s.route);
    await api.login('ada@example.com', 'pw');
    s.expire();
    await Promise.all([api.listJobs(), api.systemStatus(), api.listPresets()]);
    expect(s.refreshes()).toBe(1);
    expect(calls.filter((c) => c.endsWith(' t2')).sort()).toEqual(['/jobs t2', '/presets t2', '/system/status t2']);
  });

  test('a refused refresh reports the session ended, once, and the call fails with a sentence', async () => {
    const { api, calls, ended } = harness((path) => (path === '/auth/login' ? answer(200, grant('t1')) : unauthorized()));
    await api.login('ada@example.com', 'pw');
    const [a, b] = await Promise.allSettled([api.listJobs(), api.listAssets()]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    const err = (a as PromiseRejectedResult).reason as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(401);
    expect(err.message).toBe('Your session has ended. Log in again.');
    expect(ended).toEqual(['expired']);
    expect(calls.filter((c) => c === '/auth/refresh')).toHaveLength(1);
  });

  test('the refresh is scheduled a minute before the token expires, and again after each refresh', async () => {
    const s = server(ok);
    const { api, timers, calls } = harness(s.route);
    await api.login('ada@example.com', 'pw');
    expect(timers.map((t) => t.ms)).toEqual([840_000]);
    timers[0]!.f();
    await Bun.sleep(20);
    expect(calls.at(-1)).toBe('/auth/refresh');
    expect(timers.map((t) => t.ms)).toEqual([840_000, 840_000]);
    await api.listJobs();
    expect(calls.at(-1)).toBe('/jobs t2'); // the new token, with no 401 on the way
  });

  test('start-up: one refresh decides between the app and the login page', async () => {
    const s = server(ok);
    const yes = harness(s.route);
    expect(await yes.api.startSession()).toEqual(user());
    expect(yes.calls).toEqual(['/auth/refresh']);
    const no = harness(() => unauthorized());
    expect(await no.api.startSession()).toBeNull();
    expect(no.ended).toEqual([]); // there was no session to end
  });

  test('refreshes in two tabs wait for each other under the mpr-refresh lock', async () => {
    // One lock manager shared by two clients, as navigator.locks is by two tabs.
    let queue = Promise.resolve();
    const names: string[] = [];
    const locks = {
      request: ((name: string, f: () => Promise<unknown>) => {
        names.push(name);
        const run = queue.then(f);
        queue = run.then(
          () => undefined,
          () => undefined,
        );
        return run;
      }) as unknown as LockManager['request'],
    };
    let active = 0;
    let most = 0;
    const route: Route = async (path) => {
      if (path !== '/auth/refresh') return answer(404);
      active++;
      most = Math.max(most, active);
      await Bun.sleep(10);
      active--;
      return answer(200, grant('t'));
    };
    const a = harness(route, { locks: () => locks });
    const b = harness(route, { locks: () => locks });
    await Promise.all([a.api.startSession(), b.api.startSession()]);
    expect(names).toEqual(['mpr-refresh', 'mpr-refresh']);
    expect(most).toBe(1);
  });

  test('a 429 on login carries the seconds of Retry-After', async () => {
    const { api, calls } = harness(() => answer(429, { error: { code: 'rate_limited', message: 'too many attempts' } }, { 'retry-after': '30' }));
    const err = (await api.login('ada@example.com', 'x').catch((e) => e)) as ApiError;
    expect([err.status, err.retryAfter]).toEqual([429, 30]);
    expect(calls).toEqual(['/auth/login']); // no refresh for a login
  });

  test('logout ends the session and tells the listeners', async () => {
    const s = server((path) => (path === '/auth/logout' ? answer(204) : answer(404)));
    const { api, calls, ended } = harness(s.route);
    await api.login('ada@example.com', 'pw');
    await api.logout();
    expect(calls.at(-1)).toBe('/auth/logout t1');
    expect(ended).toEqual(['logout']);
  });

  test('output URLs are fetched exactly as given, with no token', async () => {
    const seen: [string, RequestInit | undefined][] = [];
    const api = createClient({
      fetch: async (url, init) => {
        seen.push([url, init]);
        return new Response('WEBVTT');
      },
      eventSource: () => {
        throw new Error('not here');
      },
    });
    const url = '/api/outputs/jobs/j1/thumbs/thumbnails.vtt?scope=jobs%2Fj1%2F&exp=1&kid=k&sig=abc';
    expect(await api.text(url)).toBe('WEBVTT');
    expect(seen).toEqual([[url, undefined]]);
  });
});

describe('live stream tickets', () => {
  test('each connect, first and every reconnect, fetches a new ticket and resumes after the last position', async () => {
    let n = 0;
    const s = server((path) => (path === '/auth/ticket' ? answer(200, { ticket: `tk${++n}`, expiresIn: 30 }) : answer(404)));
    const { api, sources, timers } = harness(s.route);
    await api.login('ada@example.com', 'pw');
    timers.length = 0; // the scheduled refresh
    const states: string[] = [];
    let high = 5;
    const close = api.live({ after: 5, job: 'j1', resumeFrom: () => high }, { onState: (x) => states.push(x) });
    await Bun.sleep(5);
    expect(sources.map((x) => x.url)).toEqual(['/api/events?ticket=tk1&after=5&job=j1']);
    sources[0]!.onopen!();
    high = 9;
    // A dropped connection: the spent ticket would fail the browser's own retry, so the source is closed and reopened here.
    sources[0]!.onerror!();
    expect(sources[0]!.closed).toBe(true);
    expect(timers.map((t) => t.ms)).toEqual([500]);
    timers[0]!.f();
    await Bun.sleep(5);
    expect(sources.map((x) => x.url)).toEqual(['/api/events?ticket=tk1&after=5&job=j1', '/api/events?ticket=tk2&after=9&job=j1']);
    sources[1]!.onerror!();
    expect(timers.map((t) => t.ms)).toEqual([500, 1000]); // backing off
    timers[1]!.f();
    await Bun.sleep(5);
    expect(sources[2]!.url).toBe('/api/events?ticket=tk3&after=9&job=j1');
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'connecting', 'reconnecting', 'connecting']);
    close();
    expect(sources[2]!.closed).toBe(true);
  });

  test('a ticket that cannot be had is tried again later; a source stopped meanwhile never opens', async () => {
    let up = false;
    const s = server((path) => (path === '/auth/ticket' && up ? answer(200, { ticket: 'tk', expiresIn: 30 }) : answer(503)));
    const { api, sources, timers } = harness(s.route);
    await api.login('ada@example.com', 'pw');
    timers.length = 0;
    const close = api.live({}, {});
    await Bun.sleep(5);
    expect(sources).toHaveLength(0);
    expect(timers.map((t) => t.ms)).toEqual([500]);
    up = true;
    timers[0]!.f();
    close();
    await Bun.sleep(5);
    expect(sources).toHaveLength(0);
  });
});
