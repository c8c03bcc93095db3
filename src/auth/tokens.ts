/**
 * Access tokens: compact JWTs (RFC 7519) signed with HMAC-SHA256, the
 * signing secret named by `kid` so secrets can rotate while tokens issued
 * under the previous one stay valid until they expire. Pure apart from the
 * HMAC: the clock arrives as an argument.
 *
 * Only HS256 is accepted, whatever the header says (the classic `alg: none`
 * and algorithm-confusion attacks fail at the first check).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Role, Scope } from '../events/user.ts';
import type { SigningSecret } from './store/index.ts';

export interface AccessClaims {
  /** The user. */
  sub: string;
  role: Role;
  /** The session (refresh family) it was issued for: closing the session voids it. */
  sid: string;
  scopes: Scope[];
  /** Issued at and expiry, seconds since the epoch (JWT's NumericDate). */
  iat: number;
  exp: number;
  /** Issued on a generated password: only the password change is open (see policy.ts). */
  mustChangePassword?: boolean;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const fromB64url = (s: string) => Buffer.from(s, 'base64url');

const hmac = (secret: string, data: string) => createHmac('sha256', fromB64url(secret)).update(data).digest();

export const signAccessToken = (claims: AccessClaims, key: SigningSecret): string => {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', kid: key.kid }));
  const body = b64url(JSON.stringify(claims));
  return `${head}.${body}.${b64url(hmac(key.secret, `${head}.${body}`))}`;
};

export type Verified = { ok: true; claims: AccessClaims } | { ok: false; why: string };

const isClaims = (x: unknown): x is AccessClaims => {
  if (!x || typeof x !== 'object') return false;
  const c = x as Record<string, unknown>;
  return (
    typeof c.sub === 'string' &&
    typeof c.sid === 'string' &&
    (c.role === 'admin' || c.role === 'member') &&
    Array.isArray(c.scopes) &&
    c.scopes.every((s) => s === 'read' || s === 'write' || s === 'admin') &&
    Number.isInteger(c.iat) &&
    Number.isInteger(c.exp)
  );
};

/** Checks shape, algorithm, signature (by `kid`, in constant time) and expiry. */
export const verifyAccessToken = (token: string, keys: readonly SigningSecret[], nowMs: number): Verified => {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => p === '' || !/^[A-Za-z0-9_-]+$/.test(p))) return { ok: false, why: 'not a token' };
  const [head, body, sig] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let claims: unknown;
  try {
    header = JSON.parse(fromB64url(head).toString('utf8'));
    claims = JSON.parse(fromB64url(body).toString('utf8'));
  } catch {
    return { ok: false, why: 'not a token' };
  }
  if (header.alg !== 'HS256') return { ok: false, why: 'unsupported algorithm' };
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) return { ok: false, why: 'signed with an unknown key' };
  const expected = hmac(key.secret, `${head}.${body}`);
  const given = fromB64url(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'bad signature' };
  if (!isClaims(claims)) return { ok: false, why: 'malformed claims' };
  if (claims.exp * 1000 <= nowMs) return { ok: false, why: 'expired' };
  return { ok: true, claims };
};

/** Random URL-safe text with `bytes` of entropy (ids of sessions, JTIs, tickets, key secrets). */
export const randomToken = (bytes: number): string => b64url(Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))));

/** A fresh signing secret: 32 random bytes, named by 6 more. */
export const newSigningSecret = (nowMs: number): SigningSecret => ({ kid: randomToken(6), secret: randomToken(32), createdAtMs: nowMs });
