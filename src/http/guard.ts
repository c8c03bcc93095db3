/**
 * The guard every request passes, once, before any route is matched (so a
 * route added later is closed by default): the Host allow-list (DNS
 * rebinding), the content-type rule for changes (CSRF: a form on another
 * site cannot send JSON), the Origin check for the calls a cookie
 * authenticates, authentication and the scope the call needs, signed output
 * URLs, and the per-caller rate limit. It answers a refusal itself, or
 * remembers the caller for the route (`principalOf`) and lets it through.
 */
import { allowed, type Auth, needOf, type Principal, tooMany } from '../auth/index.ts';
import { AppError } from '../errors.ts';
import { toErrorResponse } from './errors.ts';
import { checkSourceGrant, SOURCES_PATH, sourceKeyOf } from './source-files.ts';
import { PART_PATH } from './upload-paths.ts';

export interface GuardSettings {
  /** Host names (no port) this server answers to. */
  allowedHosts: readonly string[];
  /** Requests per minute per user or key, and the burst allowed above the pace. */
  apiRatePerMinute: number;
  apiBurst: number;
}

const callers = new WeakMap<Request, Principal>();

/** The caller of a guarded route (the guard put it there); throws for a route the guard left open. */
export const principalOf = (request: Request): Principal => {
  const p = callers.get(request);
  if (!p) throw new AppError('unauthorized', 'log in, or send an API key');
  return p;
};

/** Routes whose caller is known by the refresh cookie: they must come from this site. */
const COOKIE_ROUTES = new Set(['/api/auth/refresh', '/api/auth/logout']);
const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** No route reads a JSON body anywhere near this; upload parts, the only big bodies, are not JSON. */
const MAX_JSON_BODY_BYTES = 1024 * 1024;
/**
 * A brand's reference image is posted as its own bytes (image/png, …). A
 * form on another site cannot send an image/* type without a CORS
 * preflight, which this server does not grant, so CSRF stays shut; the
 * route checks the type, the size and that the bytes are an image.
 */
const IMAGE_BODY_PATH = /^\/api\/detect\/brands\/[^/]+\/images$/;

const hostName = (host: string): string => {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.split(':')[0]!;
};

/** Whether a request carries a body (a declared type counts: a form post always declares one). */
const hasBody = (req: Request) => {
  const len = req.headers.get('content-length');
  return req.body !== null || req.headers.has('content-type') || (len !== null && len !== '0') || req.headers.has('transfer-encoding');
};

const refuse = (e: AppError, extra: Record<string, string> = {}) => {
  const { status, body } = toErrorResponse(e);
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...extra } });
};

export const createGuard = (auth: Auth, settings: GuardSettings) => {
  const hosts = new Set(settings.allowedHosts.map((h) => h.toLowerCase()));
  const bucket = { capacity: settings.apiBurst, refillPerSecond: settings.apiRatePerMinute / 60 };

  /** A Response to answer instead of the route, or null to go on. */
  return async (request: Request): Promise<Response | null> => {
    const url = new URL(request.url);
    const host = request.headers.get('host') ?? url.host;
    if (!hosts.has(hostName(host))) {
      return refuse(new AppError('forbidden', `this server does not answer to the host "${hostName(host)}" (MPR_ALLOWED_HOSTS)`));
    }
    const path = url.pathname;
    const need = needOf(request.method, path);
    if (!need) return null;

    // A part of an upload to a folder store: its signed URL is its credential, its body any bytes.
    const part = request.method === 'PUT' ? PART_PATH.exec(path) : null;
    if (part && url.searchParams.has('sig')) {
      const g = await auth.uploadParts.check(url.searchParams, safeDecode(part[1]!), Number(part[2]));
      return g.ok ? null : refuse(new AppError('forbidden', `this link does not open part ${part[2]}: ${g.why}`));
    }

    if (!part && CHANGES.has(request.method.toUpperCase()) && hasBody(request)) {
      const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const image = request.method.toUpperCase() === 'POST' && type.startsWith('image/') && IMAGE_BODY_PATH.test(path);
      if (type !== 'application/json' && !image) {
        return refuse(new AppError('unsupported_media_type', `send the body as application/json (got ${type || 'no content type'})`));
      }
      const length = Number(request.headers.get('content-length') ?? '0');
      if (!image && length > MAX_JSON_BODY_BYTES) {
        return refuse(new AppError('too_large', `a JSON body may be at most ${MAX_JSON_BODY_BYTES} bytes (1 MiB); this one is ${length}`));
      }
    }
    if (COOKIE_ROUTES.has(path)) {
      const origin = request.headers.get('origin');
      // No Origin: not a cross-site browser request. Anything else must be this site (an opaque `null` or a malformed one is not).
      if (origin !== null && !hosts.has(hostName(originHost(origin)))) {
        return refuse(new AppError('forbidden', 'a request from another site cannot use this session'));
      }
    }
    if (need.open) return null;

    // A signed output URL opens its files to whoever holds it, with no account.
    const reading = request.method === 'GET' || request.method === 'HEAD';
    if (reading && path.startsWith('/api/outputs/') && url.searchParams.has('sig')) {
      const key = path.slice('/api/outputs/'.length).split('/').map(safeDecode).join('/');
      const g = await auth.outputs.check(url.searchParams, key);
      return g.ok ? null : refuse(new AppError('forbidden', `this link does not open ${key}: ${g.why}`));
    }
    // A signed source URL opens one file of the input store (a <video> cannot send a token).
    if (reading && path.startsWith(SOURCES_PATH) && url.searchParams.has('sig')) {
      const key = sourceKeyOf(path);
      if (key === null) return refuse(new AppError('validation', 'the source key is not valid percent-encoding'));
      const g = checkSourceGrant(url.searchParams, key, await auth.secrets.all(), auth.clock());
      return g.ok ? null : refuse(new AppError('forbidden', `this link does not open ${key}: ${g.why}`));
    }

    let principal: Principal | null;
    try {
      principal = await auth.authenticator.authenticate(request, url);
    } catch (e) {
      return refuse(e as AppError, { 'www-authenticate': 'Bearer' });
    }
    if (!principal) return refuse(new AppError('unauthorized', 'log in, or send an API key (Authorization: Bearer …)'), { 'www-authenticate': 'Bearer' });
    const ok = allowed(principal, request.method, path, need.scope);
    if (!ok.ok) return refuse(new AppError('forbidden', ok.why));

    const taken = await auth.store.take(`api:${principal.keyId ?? principal.userId}`, bucket, auth.clock());
    if (!taken.ok) {
      const e = tooMany(taken.retryAfterMs, 'too many requests');
      return refuse(e, { 'retry-after': String(Math.max(1, Math.ceil(taken.retryAfterMs / 1000))) });
    }
    callers.set(request, principal);
    return null;
  };
};

/** The host of an Origin header, or '' for `null` or one that is not a URL. */
const originHost = (origin: string): string => {
  try {
    return new URL(origin).host;
  } catch {
    return '';
  }
};

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * Headers every answer carries: no sniffing, no framing, no referrer beyond
 * this origin, scripts only from here. `uploadOrigins`: where the page may
 * also send data (an S3 input bucket's endpoint, which takes upload parts
 * straight from the browser).
 */
export const securityHeaders = (uploadOrigins: readonly string[] = []): Readonly<Record<string, string>> => ({
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: data:; connect-src ${["'self'", ...uploadOrigins].join(' ')}; worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`,
});

/** Pure: the origins a browser sends upload parts to when the input store is a bucket (its endpoint, or any AWS S3 host). */
export const uploadOriginsOf = (c: { s3BucketIn: string | null; s3EndpointUrl: string | null }): string[] =>
  c.s3BucketIn === null ? [] : [c.s3EndpointUrl ? new URL(c.s3EndpointUrl).origin : 'https://*.amazonaws.com'];
