/**
 * Signed output URLs: `?scope=jobs/<id>/&exp=<seconds>&kid=…&sig=…`, an
 * HMAC-SHA256 over the scope and the expiry, so one signature opens every
 * file under one job's prefix until it expires, for anyone holding the URL
 * (an HLS player on another page, an <img> of a sprite sheet). Playlists are
 * rewritten as they are served so each relative URI they list carries the
 * same signature: players resolve segments against the playlist's URL but
 * drop its query string.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SigningSecret } from './store/index.ts';

export interface OutputGrant {
  /** A key prefix ending in '/', e.g. `jobs/abc/`. */
  scope: string;
  expSeconds: number;
}

const mac = (secret: string, g: OutputGrant) =>
  createHmac('sha256', Buffer.from(secret, 'base64url')).update(`mpr-output\n${g.scope}\n${g.expSeconds}`).digest();

/** The query string (without '?') that grants `g`. */
export const signGrant = (g: OutputGrant, key: SigningSecret): string => {
  const q = new URLSearchParams({ scope: g.scope, exp: String(g.expSeconds), kid: key.kid, sig: mac(key.secret, g).toString('base64url') });
  return q.toString();
};

export type GrantCheck = { ok: true; grant: OutputGrant } | { ok: false; why: string };

/** Whether the query grants reading `key` now. */
export const checkGrant = (query: URLSearchParams, key: string, keys: readonly SigningSecret[], nowMs: number): GrantCheck => {
  const scope = query.get('scope');
  const exp = query.get('exp');
  const sig = query.get('sig');
  const kid = query.get('kid');
  if (!scope || !exp || !sig || !kid) return { ok: false, why: 'not a signed URL' };
  if (!/^\d{1,12}$/.test(exp)) return { ok: false, why: 'malformed expiry' };
  const grant = { scope, expSeconds: Number(exp) };
  const secret = keys.find((k) => k.kid === kid);
  if (!secret) return { ok: false, why: 'signed with an unknown key' };
  const given = Buffer.from(sig, 'base64url');
  const expected = mac(secret.secret, grant);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'bad signature' };
  if (grant.expSeconds * 1000 <= nowMs) return { ok: false, why: 'expired' };
  if (!scope.endsWith('/') || !key.startsWith(scope)) return { ok: false, why: 'the URL was signed for other files' };
  return { ok: true, grant };
};

const isRelative = (uri: string) => !/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('/') && !uri.startsWith('#');

const withQuery = (uri: string, query: string) => {
  if (!isRelative(uri)) return uri;
  const hash = uri.indexOf('#');
  const [path, frag] = hash >= 0 ? [uri.slice(0, hash), uri.slice(hash)] : [uri, ''];
  return `${path}${path.includes('?') ? '&' : '?'}${query}${frag}`;
};

/** An HLS playlist with `query` added to every relative URI: URI lines and `URI="…"` attributes. */
export const signPlaylist = (text: string, query: string): string =>
  text
    .split('\n')
    .map((line) => {
      const t = line.trim();
      if (t === '') return line;
      if (t.startsWith('#')) return line.replace(/URI="([^"]*)"/g, (_m, uri: string) => `URI="${withQuery(uri, query)}"`);
      return withQuery(t, query);
    })
    .join('\n');

/** A thumbnails WebVTT with `query` added to every image reference (`sprite-0.jpg#xywh=…`); cue text of subtitles is left alone. */
export const signThumbnailVtt = (text: string, query: string): string =>
  text
    .split('\n')
    .map((line) => (/^[^\s#]+\.(jpe?g|png|webp)(#xywh=[\d,]+)?$/i.test(line.trim()) ? withQuery(line.trim(), query) : line))
    .join('\n');

/** A signed part URL of an upload (folders mode): whoever holds it may PUT that one part until it expires. */
export interface PartGrant {
  uploadId: string;
  number: number;
  expSeconds: number;
}

const partMac = (secret: string, g: PartGrant) =>
  createHmac('sha256', Buffer.from(secret, 'base64url')).update(`mpr-upload-part\n${g.uploadId}\n${g.number}\n${g.expSeconds}`).digest();

/** The query string (without '?') that lets its holder PUT one part. */
export const signPart = (g: PartGrant, key: SigningSecret): string =>
  new URLSearchParams({ exp: String(g.expSeconds), kid: key.kid, sig: partMac(key.secret, g).toString('base64url') }).toString();

/** Whether the query lets its holder PUT part `number` of `uploadId` now. */
export const checkPart = (
  query: URLSearchParams,
  part: { uploadId: string; number: number },
  keys: readonly SigningSecret[],
  nowMs: number,
): { ok: true } | { ok: false; why: string } => {
  const exp = query.get('exp');
  const sig = query.get('sig');
  const kid = query.get('kid');
  if (!exp || !sig || !kid) return { ok: false, why: 'not a signed part URL' };
  if (!/^\d{1,12}$/.test(exp)) return { ok: false, why: 'malformed expiry' };
  const secret = keys.find((k) => k.kid === kid);
  if (!secret) return { ok: false, why: 'signed with an unknown key' };
  const given = Buffer.from(sig, 'base64url');
  const expected = partMac(secret.secret, { ...part, expSeconds: Number(exp) });
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'bad signature (a URL for another part or upload?)' };
  if (Number(exp) * 1000 <= nowMs) return { ok: false, why: 'expired' };
  return { ok: true };
};
