/**
 * The web UI at `/`: its files, and `index.html` for every other GET outside
 * `/api` (an SPA: the client router owns `/jobs/123`). Registered after the
 * `/api` group; Elysia's router prefers the static and prefixed routes, so
 * this wildcard only sees what nothing else matched.
 *
 * Caching: Vite puts a content hash in every name under `assets/`, so those
 * are immutable for a year; `index.html` (which names the current hashes) and
 * the other unhashed files are `no-cache` (always revalidated), so a new
 * build shows up on the next reload.
 */
import { Elysia } from 'elysia';
import { AppError } from '../errors.ts';
import { cleanUiPath, type UiAssets } from './ui-assets.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>MPR</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5">
<h1>MPR is running; the web UI is not built</h1>
<p>The API answers under <a href="/api/system/status"><code>/api</code></a> (OpenAPI: <a href="/api/openapi"><code>/api/openapi</code></a>).</p>
<p>To get the UI, build it from the checkout and reload this page:</p>
<pre>bunx --bun vite build --config ui/vite.config.ts</pre>
<p>or build the single binary with the UI inside: <code>bun scripts/build.ts</code> → <code>dist/mpr</code>.</p>
</body></html>
`;

const fileResponse = (blob: Blob, cacheControl: string): Response =>
  new Response(blob, {
    headers: { 'content-type': blob.type || 'application/octet-stream', 'cache-control': cacheControl },
  });

const hasExtension = (path: string): boolean => /\.[A-Za-z0-9]+$/.test(path.slice(path.lastIndexOf('/') + 1));

/** Answers one UI request; exported for tests. */
export const serveUi = (ui: UiAssets, request: Request): Response => {
  const { pathname } = new URL(request.url);
  // Unknown API routes stay JSON errors, never the SPA.
  if (pathname === '/api' || pathname.startsWith('/api/')) throw new AppError('not_found', 'no such route');
  const path = cleanUiPath(pathname);
  if (path === null) throw new AppError('not_found', 'no such file');
  if (path !== '' && path !== 'index.html') {
    const file = ui.get(path);
    if (file) return fileResponse(file, path.startsWith('assets/') ? IMMUTABLE : 'no-cache');
    // A missing script or image must be a 404, not HTML the browser would try to run;
    // page navigations (Accept: text/html) to client routes fall through to index.html.
    const wantsHtml = (request.headers.get('accept') ?? '').includes('text/html');
    if (path.startsWith('assets/') || (hasExtension(path) && !wantsHtml)) throw new AppError('not_found', `no such file: /${path}`);
  }
  const index = ui.get('index.html');
  if (index) return fileResponse(index, 'no-cache');
  return new Response(NOT_BUILT, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' } });
};

export const uiRoutes = (ui: UiAssets) =>
  new Elysia({ detail: { hide: true } }).get('/', ({ request }) => serveUi(ui, request)).get('/*', ({ request }) => serveUi(ui, request));
