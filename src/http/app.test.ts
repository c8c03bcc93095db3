import { afterEach, describe, expect, test } from 'bun:test';
import { testEnv, type TestEnv } from '../../test/system.ts';
import { createApp } from './app.ts';
import pkg from '../../package.json' with { type: 'json' };
import { signedIn } from '../../test/auth.ts';

describe('HTTP app', () => {
  let env: TestEnv;
  afterEach(() => env?.cleanup());

  test('GET /api/system/status reports version, log backend and position', async () => {
    env = testEnv('sqlite', 'http');
    const s = await env.boot();
    // Signed in first: the test admin's account and key are logged before the event under test.
    const app = await signedIn(s, createApp(s));
    await s.log.append('job:h', [{ type: 'JobCreated', data: { jobId: 'h', kind: 'checksum', params: {}, at: s.now() } }], 0);
    const res = await app.handle(new Request('http://localhost/api/system/status'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { projections: { name: string }[] };
    // Position 3: the test admin's UserCreated and ApiKeyCreated, then this test's event.
    expect(body).toMatchObject({ version: pkg.version, log: { backend: 'sqlite', position: 3 } });
    expect(body.projections.map((p: { name: string }) => p.name)).toEqual([
      'jobs',
      'chunks',
      'assets',
      'presets',
      'checkpoints',
      'stage_outputs',
      'users',
      'api_keys',
      'uploads',
      'detect_profiles',
      'detect_timelines',
      'detect_brand_lists',
      'brand_airings',
      'dead_items',
    ]);
  });

  test('unknown routes answer a JSON error', async () => {
    env = testEnv('sqlite', 'http');
    const s = await env.boot();
    const app = await signedIn(s, createApp(s));
    const res = await app.handle(new Request('http://localhost/api/nope'));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
  });

  test('the OpenAPI document is served', async () => {
    env = testEnv('sqlite', 'http');
    const s = await env.boot();
    const app = await signedIn(s, createApp(s));
    const res = await app.handle(new Request('http://localhost/api/openapi/json'));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain('/api/system/status');
  });
});
