/**
 * `GET /api/sources/<key>?exp&kid&sig`: an asset's source file streamed
 * from the INPUT store, with single byte ranges, for a <video> that plays
 * and seeks it. A browser cannot put a token on a <video>'s requests, so it
 * comes with a short-lived signed URL (GET /api/detect/sources/{id}/media
 * makes one); a client that can send its token (read scope) needs none, as
 * with outputs.
 *
 * The signature is an HMAC over the one key and the expiry, under its own
 * label (`mpr-source`): it opens that file and no other, and neither an
 * output grant (`mpr-output`, a folder of the output store) nor an upload
 * part's opens a source. The guard checks it before authentication; the
 * store refuses a key that would leave it ('..', NUL, absolute paths).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Elysia } from 'elysia';
import type { SigningSecret } from '../auth/store/index.ts';
import { AppError } from '../errors.ts';
import { contentTypeFor } from '../storage/keys.ts';
import type { System } from '../system.ts';
import { responses } from './openapi-responses.ts';
import { parseRange } from './outputs-routes.ts';

/** How long a source URL opens its file. */
export const SOURCE_URL_TTL_SECONDS = 3600;
export const SOURCES_PATH = '/api/sources/';

const mac = (secret: string, key: string, expSeconds: number) =>
  createHmac('sha256', Buffer.from(secret, 'base64url')).update(`mpr-source\n${key}\n${expSeconds}`).digest();

/** Pure: the URL (path and query) that opens input-store `key` until `expSeconds` (epoch seconds). */
export const signSourceUrl = (key: string, expSeconds: number, secret: SigningSecret): string => {
  const q = new URLSearchParams({ exp: String(expSeconds), kid: secret.kid, sig: mac(secret.secret, key, expSeconds).toString('base64url') });
  return `${SOURCES_PATH}${key.split('/').map(encodeURIComponent).join('/')}?${q}`;
};

/** Pure: whether the query opens `key` now. */
export const checkSourceGrant = (
  query: URLSearchParams,
  key: string,
  secrets: readonly SigningSecret[],
  nowMs: number,
): { ok: true } | { ok: false; why: string } => {
  const exp = query.get('exp');
  const kid = query.get('kid');
  const sig = query.get('sig');
  if (!exp || !kid || !sig) return { ok: false, why: 'not a signed source URL' };
  if (!/^\d{1,12}$/.test(exp)) return { ok: false, why: 'malformed expiry' };
  const secret = secrets.find((s) => s.kid === kid);
  if (!secret) return { ok: false, why: 'signed with an unknown key' };
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(secret.secret, key, Number(exp));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'bad signature (a URL for another file?)' };
  if (Number(exp) * 1000 <= nowMs) return { ok: false, why: 'expired: ask GET /api/detect/sources/{id}/media for a new one' };
  return { ok: true };
};

/** Pure: the key a source path names, each segment decoded; null when the encoding is not valid. */
export const sourceKeyOf = (path: string): string | null => {
  try {
    return path.slice(SOURCES_PATH.length).split('/').map(decodeURIComponent).join('/');
  } catch {
    return null;
  }
};

/** Types a <video> or <audio> needs for the containers a scan registers (contentTypeFor knows the output ones). */
const MEDIA_TYPES: Record<string, string> = {
  avi: 'video/x-msvideo',
  flv: 'video/x-flv',
  wmv: 'video/x-ms-wmv',
  m4v: 'video/x-m4v',
  '3gp': 'video/3gpp',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  flac: 'audio/flac',
  aac: 'audio/aac',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  m4b: 'audio/mp4',
};

/** Pure: the content type a source file is served with. */
export const mediaTypeFor = (key: string): string => MEDIA_TYPES[key.slice(key.lastIndexOf('.') + 1).toLowerCase()] ?? contentTypeFor(key);

export type SourceFilesDeps = Pick<System, 'storage'>;

const serve = async (s: SourceFilesDeps, request: Request, head: boolean) => {
  // The guard checked the signature, or the caller's token when there is none.
  const url = new URL(request.url);
  const key = sourceKeyOf(url.pathname);
  if (key === null) throw new AppError('validation', 'the source key is not valid percent-encoding');
  const o = await s.storage.input.stat(key);
  if (!o) throw new AppError('not_found', `no source file ${key}`);
  const headers: Record<string, string> = {
    'content-type': mediaTypeFor(key),
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=3600',
  };
  const range = parseRange(request.headers.get('range'), o.size);
  if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { ...headers, 'content-range': `bytes */${o.size}` } });
  const [start, end] = range ? [range.start, range.end] : [0, o.size];
  headers['content-length'] = String(end - start);
  if (range) headers['content-range'] = `bytes ${start}-${end - 1}/${o.size}`;
  const body = head ? null : await s.storage.input.get(key, range ? { start, end } : undefined);
  return new Response(body, { status: range ? 206 : 200, headers });
};

const file = (description: string, body: boolean) => ({
  description,
  headers: {
    'content-length': { description: 'bytes in this answer', schema: { type: 'integer' } },
    'content-range': { description: 'with 206: bytes start-end/size', schema: { type: 'string' } },
    'accept-ranges': { description: 'bytes', schema: { type: 'string' } },
  },
  ...(body ? { content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } } : {}),
});

const operation = (summary: string, body: boolean) => ({
  summary,
  parameters: [
    { name: 'exp', in: 'query' as const, required: false, description: 'expiry (epoch seconds), signed', schema: { type: 'string' as const } },
    { name: 'kid', in: 'query' as const, required: false, description: 'the signing key', schema: { type: 'string' as const } },
    { name: 'sig', in: 'query' as const, required: false, description: 'the signature (none: send the token)', schema: { type: 'string' as const } },
    { name: 'range', in: 'header' as const, required: false, description: 'One byte range, e.g. bytes=0-1023', schema: { type: 'string' as const } },
  ],
  responses: {
    ...responses({ 200: file('The whole file', body), 206: file('The range asked for', body) }, 400, 401, 403, 404, 503),
    416: { description: 'The range is outside the file', headers: { 'content-range': { description: 'bytes */size', schema: { type: 'string' as const } } } },
  },
});

export const sourceFilesRoutes = (s: SourceFilesDeps) =>
  new Elysia({ prefix: '/sources', detail: { tags: ['detect'] } })
    .get('/*', ({ request }) => serve(s, request, false), {
      detail: operation(
        "An asset's source file from the input store, with byte ranges (a signed URL from GET /api/detect/sources/{id}/media, or the token)",
        true,
      ),
    })
    .head('/*', ({ request }) => serve(s, request, true), { detail: operation("A source file's headers (a signed URL, or the token)", false) });
