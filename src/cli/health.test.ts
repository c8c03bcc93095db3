import { afterAll, describe, expect, test } from 'bun:test';
import { checkHealth, healthUrl } from './health.ts';

describe('mpr health', () => {
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (req) => (new URL(req.url).pathname === '/api/health' ? Response.json({ ok: true, version: '9.9.9' }) : new Response('no', { status: 503 })),
  });
  afterAll(() => server.stop(true));

  test('a wildcard bind is asked on loopback', () => {
    expect(healthUrl({ host: '0.0.0.0', port: 8080 })).toBe('http://127.0.0.1:8080/api/health');
    expect(healthUrl({ host: '::', port: 1 })).toBe('http://127.0.0.1:1/api/health');
    expect(healthUrl({ host: '::1', port: 2 })).toBe('http://[::1]:2/api/health');
    expect(healthUrl({ host: '10.0.0.5', port: 3 })).toBe('http://10.0.0.5:3/api/health');
  });

  test('ok when the status route answers', async () => {
    expect(await checkHealth(healthUrl({ host: '0.0.0.0', port: server.port! }))).toEqual({ ok: true, message: 'ok: MPR 9.9.9' });
  });

  test('not ok on an error status or nobody listening', async () => {
    const bad = await checkHealth(`http://127.0.0.1:${server.port}/elsewhere`);
    expect(bad).toMatchObject({ ok: false });
    expect(bad.message).toContain('503');
    const closed = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() });
    const port = closed.port!;
    await closed.stop(true);
    expect(await checkHealth(healthUrl({ host: '127.0.0.1', port }), 1000)).toMatchObject({ ok: false });
  });
});
