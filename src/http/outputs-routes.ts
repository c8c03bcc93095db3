/**
 * `GET /api/outputs/<key>`: output files from the output store (folders or
 * S3), streamed, with single byte ranges for players that seek in MP4s.
 * Playlists use relative URIs, so a master played from here finds its
 * rungs and segments here too, whichever store holds them.
 *
 * Opened by the caller's token or key, or by a signed URL (the guard checks
 * it): a playlist or a thumbnails index fetched through a signed URL is
 * answered with every relative URI in it signed the same way, because a
 * player resolves segments against the playlist's URL but drops its query.
 * Pages of the origins in MPR_CORS_ORIGINS may fetch outputs (CORS).
 *
 * A file of a job whose outputs were deleted with its asset answers 410 Gone
 * with a sentence saying so, not a bare 404: its job still names it.
 */
import { Elysia } from 'elysia';
import { signPlaylist, signThumbnailVtt } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { contentTypeFor } from '../storage/keys.ts';
import type { System } from '../system.ts';
import { ref, responses } from './openapi-responses.ts';

/** What the outputs routes read: the output store, and which other sites may fetch from it. */
export type OutputsRoutesDeps = Pick<System, 'storage'> & {
  corsOrigins: readonly string[];
  /**
   * When the job's outputs were deleted with its asset (the jobs read model's
   * outputs_deleted_at), else null. Without it a missing file is a 404.
   */
  outputsDeletedAt?: (jobId: string) => string | null;
};

/** Pure: the job whose folder (`jobs/<jobId>/…`, where jobs write their outputs) holds a key, or null. */
const jobOfOutputKey = (key: string): string | null => /^jobs\/([^/]+)\/./.exec(key)?.[1] ?? null;

/** Pure: what a file of a job whose outputs were deleted answers, in words. */
const outputsGoneMessage = (jobId: string, at: string): string =>
  `the outputs of job ${jobId} were deleted with its asset on ${at.slice(0, 16).replace('T', ' ')} UTC; run it again to make them anew`;

const GRANT_PARAMS = ['scope', 'exp', 'kid', 'sig'] as const;

/** The signed-URL part of a query, to pass on to the URIs a playlist lists; null when the URL is not signed. */
const grantOf = (url: URL): string | null => {
  if (!url.searchParams.has('sig')) return null;
  const q = new URLSearchParams();
  for (const k of GRANT_PARAMS) q.set(k, url.searchParams.get(k) ?? '');
  return q.toString();
};

const corsHeaders = (s: OutputsRoutesDeps, request: Request): Record<string, string> => {
  const origin = request.headers.get('origin');
  if (!origin || !s.corsOrigins.includes(origin)) return {};
  return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': 'content-length, content-range, accept-ranges' };
};

/** 410 Gone in the API's error shape: no ErrorCode maps to it, as only this route answers it. */
const gone = (s: OutputsRoutesDeps, request: Request, message: string, head: boolean) =>
  new Response(head ? null : JSON.stringify({ error: { code: 'gone', message } }), {
    status: 410,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache', ...corsHeaders(s, request) },
  });

/** Pure: a single `bytes=` range against a size → [start, end) or 'unsatisfiable'; null when there is none to honour. */
export const parseRange = (header: string | null, size: number): { start: number; end: number } | 'unsatisfiable' | null => {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  return start >= size || end <= start ? 'unsatisfiable' : { start, end };
};

const cacheFor = (key: string) => (/\.(m3u8|vtt|json)$/i.test(key) ? 'no-cache' : 'public, max-age=86400, immutable');

const keyOf = (url: string): string => {
  const path = new URL(url).pathname;
  const raw = path.slice(path.indexOf('/outputs/') + '/outputs/'.length);
  try {
    return raw.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new AppError('validation', 'the output key is not valid percent-encoding');
  }
};

/** A playlist or thumbnails index read through a signed URL, answered with its URIs signed too. */
const serveSigned = async (s: OutputsRoutesDeps, request: Request, key: string, grant: string, head: boolean) => {
  const stream = await s.storage.output.get(key);
  const text = await new Response(stream).text();
  const body = key.endsWith('.m3u8') ? signPlaylist(text, grant) : signThumbnailVtt(text, grant);
  const bytes = new TextEncoder().encode(body);
  const headers: Record<string, string> = {
    'content-type': contentTypeFor(key),
    'accept-ranges': 'bytes',
    'cache-control': 'no-cache',
    ...corsHeaders(s, request),
  };
  // Ranges count in the answer as rewritten, the only bytes the client sees.
  const range = parseRange(request.headers.get('range'), bytes.length);
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${bytes.length}` } });
  const part = range ? bytes.subarray(range.start, range.end) : bytes;
  headers['content-length'] = String(part.length);
  if (range) headers['content-range'] = `bytes ${range.start}-${range.end - 1}/${bytes.length}`;
  return new Response(head ? null : part, { status: range ? 206 : 200, headers });
};

const serve = async (s: OutputsRoutesDeps, request: Request, head: boolean) => {
  const key = keyOf(request.url);
  const o = await s.storage.output.stat(key);
  if (!o) {
    // Only a file that is not there is told apart: one a job still has is served as ever.
    const jobId = jobOfOutputKey(key);
    const deletedAt = jobId && s.outputsDeletedAt ? s.outputsDeletedAt(jobId) : null;
    if (jobId && deletedAt) return gone(s, request, outputsGoneMessage(jobId, deletedAt), head);
    throw new AppError('not_found', `no output ${key}`);
  }
  const grant = grantOf(new URL(request.url));
  if (grant && /\.(m3u8|vtt)$/i.test(key) && o.size <= 4 * 1024 * 1024) return serveSigned(s, request, key, grant, head);
  const headers: Record<string, string> = {
    'content-type': contentTypeFor(key),
    'accept-ranges': 'bytes',
    'cache-control': cacheFor(key),
    ...corsHeaders(s, request),
  };
  const range = parseRange(request.headers.get('range'), o.size);
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${o.size}` } });
  const [start, end] = range ? [range.start, range.end] : [0, o.size];
  headers['content-length'] = String(end - start);
  if (range) headers['content-range'] = `bytes ${start}-${end - 1}/${o.size}`;
  const body = head ? null : await s.storage.output.get(key, range ? { start, end } : undefined);
  return new Response(body, { status: range ? 206 : 200, headers });
};

// The routes are a wildcard (a key has slashes), which OpenAPI cannot
// template: they are hidden from the generated document and described here
// as /api/outputs/{key} instead (a client escapes the slashes as %2F, which
// this route decodes segment by segment, or sends them as they are).
const keyParam = {
  name: 'key',
  in: 'path' as const,
  required: true,
  description: 'The output key, e.g. jobs/<job>/a1/hls/master.m3u8 (as in a job’s outputs)',
  schema: { type: 'string' as const },
};
const rangeHeader = {
  name: 'range',
  in: 'header' as const,
  required: false,
  description: 'One byte range, e.g. bytes=0-1023',
  schema: { type: 'string' as const },
};
const fileHeaders = {
  'content-length': { description: 'bytes in this answer', schema: { type: 'integer' } },
  'content-range': { description: 'with 206: bytes start-end/size', schema: { type: 'string' } },
  'accept-ranges': { description: 'bytes', schema: { type: 'string' } },
} as const;
const file = (description: string, body: boolean) => ({
  description,
  headers: fileHeaders,
  ...(body ? { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } as const } } } : {}),
});
const operation = (summary: string, body: boolean) => ({
  tags: ['outputs'],
  summary,
  operationId: body ? 'getOutput' : 'headOutput',
  parameters: [keyParam, rangeHeader],
  responses: {
    ...responses({ 200: file('The whole file (content type from its extension)', body), 206: file('The range asked for', body) }, 400, 404, 416, 503),
    410: {
      description: 'The job’s outputs were deleted with its asset: the message says when; run the job again',
      content: { 'application/json': { schema: ref('Error') } },
    },
    // No body with 416: the size is in content-range (bytes */size).
    416: { description: 'The range is outside the file', headers: { 'content-range': { description: 'bytes */size', schema: { type: 'string' as const } } } },
  },
});

/** The outputs routes as OpenAPI paths, merged into the document by app.ts. */
export const outputsPaths = {
  '/api/outputs/{key}': {
    get: operation('An output file (playlists, segments, sprites, MP4), with byte ranges', true),
    head: operation('An output file’s headers', false),
    options: {
      tags: ['outputs'],
      summary: 'CORS preflight: 204 for an origin in MPR_CORS_ORIGINS, 403 otherwise',
      operationId: 'outputPreflight',
      parameters: [keyParam],
      responses: { ...responses({ 204: { description: 'Allowed: the access-control headers' } }, 403) },
    },
  },
};

export const outputsRoutes = (s: OutputsRoutesDeps) =>
  new Elysia({ prefix: '/outputs', detail: { tags: ['outputs'] } })
    .get('/*', ({ request }) => serve(s, request, false), { detail: { hide: true, summary: 'An output file (see outputsPaths)' } })
    .head('/*', ({ request }) => serve(s, request, true), { detail: { hide: true, summary: 'An output file’s headers (see outputsPaths)' } })
    // A CORS preflight (a player on an allowed site asking for a range): answered by the allow-list alone.
    .options(
      '/*',
      ({ request }) => {
        const cors = corsHeaders(s, request);
        if (!cors['access-control-allow-origin']) return new Response(null, { status: 403 });
        return new Response(null, {
          status: 204,
          headers: { ...cors, 'access-control-allow-methods': 'GET, HEAD', 'access-control-allow-headers': 'range', 'access-control-max-age': '600' },
        });
      },
      { detail: { hide: true } },
    );
