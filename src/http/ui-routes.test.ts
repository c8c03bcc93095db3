import { afterAll, afterEach, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv, type TestEnv } from '../../test/system.ts';
import { createApp } from './app.ts';
import { cleanUiPath, diskUiAssets, embeddedUiAssets, type UiAssets } from './ui-assets.ts';
import { signedIn } from '../../test/auth.ts';

const INDEX = '<!doctype html><title>MPR UI</title><script type="module" src="/assets/index-1a2b3c.js"></script>';
const JS = 'console.log("ui")';

describe('UI routes', () => {
  let env: TestEnv;
  let dist: string;
  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'mpr-ui-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-1a2b3c.js'), JS);
    writeFileSync(join(dist, 'assets', 'index-4d5e6f.css'), 'body{}');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));
  afterEach(() => env?.cleanup());

  const appWith = async (ui: UiAssets) => {
    env = testEnv('sqlite', 'ui');
    const s = await env.boot();
    return signedIn(s, createApp(s, ui));
  };
  const get = (app: Awaited<ReturnType<typeof appWith>>, path: string, headers: Record<string, string> = {}) =>
    app.handle(new Request(`http://localhost${path}`, { headers }));

  test('/ answers index.html, not cached', async () => {
    const app = await appWith(diskUiAssets(dist));
    const res = await get(app, '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
  });

  test('hashed assets are served with their type and cached as immutable', async () => {
    const app = await appWith(diskUiAssets(dist));
    const js = await get(app, '/assets/index-1a2b3c.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toStartWith('text/javascript');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await js.text()).toBe(JS);
    const css = await get(app, '/assets/index-4d5e6f.css');
    expect(css.headers.get('content-type')).toStartWith('text/css');
    const svg = await get(app, '/favicon.svg');
    expect(svg.headers.get('content-type')).toStartWith('image/svg+xml');
    expect(svg.headers.get('cache-control')).toBe('no-cache');
  });

  test('client routes fall back to index.html; missing files are 404s', async () => {
    const app = await appWith(diskUiAssets(dist));
    for (const path of ['/jobs/abc', '/assets-list', '/jobs/abc.def?x=1']) {
      const res = await get(app, path, { accept: 'text/html,application/xhtml+xml' });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(INDEX);
    }
    expect((await get(app, '/assets/gone-123.js', { accept: 'text/html' })).status).toBe(404);
    expect((await get(app, '/robots.txt', { accept: '*/*' })).status).toBe(404);
  });

  test('API routes win over the UI, and unknown API routes stay JSON 404s', async () => {
    const app = await appWith(diskUiAssets(dist));
    expect((await get(app, '/api/system/status')).headers.get('content-type')).toStartWith('application/json');
    for (const path of ['/api/nope', '/api']) {
      const res = await get(app, path, { accept: 'text/html' });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no such route' } });
    }
  });

  test('paths cannot leave the UI folder', async () => {
    expect(cleanUiPath('/a/../../etc/passwd')).toBeNull();
    expect(cleanUiPath('/%2e%2e/etc/passwd')).toBeNull();
    expect(cleanUiPath('/a%5cb')).toBeNull();
    expect(cleanUiPath('/a%00')).toBeNull();
    expect(cleanUiPath('/%E0%A4%A')).toBeNull();
    expect(cleanUiPath('//assets/./x.js')).toBe('assets/x.js');
    const app = await appWith(diskUiAssets(dist));
    // The URL parser already folds `%2e%2e`: this is a client route, answered with index.html.
    const res = await get(app, '/%2e%2e/%2e%2e/etc/passwd');
    expect(await res.text()).toBe(INDEX);
  });

  test('without a built UI, / explains how to build it', async () => {
    const app = await appWith(diskUiAssets(join(dist, 'nothing-here')));
    const res = await get(app, '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toStartWith('text/html');
    const body = await res.text();
    expect(body).toContain('not built');
    expect(body).toContain('bun scripts/build.ts');
  });

  test('embedded files: the folder of the shallowest index.html is the UI root', () => {
    const files = [
      new File([INDEX], 'dist/index.html', { type: 'text/html;charset=utf-8' }),
      new File([JS], 'dist/assets/index-1a2b3c.js', { type: 'text/javascript;charset=utf-8' }),
      new File(['x'], 'dist/assets/nested/index.html', { type: 'text/html;charset=utf-8' }),
      new File(['y'], 'other.txt'),
    ];
    const ui = embeddedUiAssets(files);
    expect(ui).not.toBeNull();
    expect(ui!.get('index.html')?.size).toBe(INDEX.length);
    expect(ui!.get('assets/index-1a2b3c.js')?.type).toStartWith('text/javascript');
    expect(ui!.get('other.txt')).toBeNull();
    expect(embeddedUiAssets([])).toBeNull();
  });
});
