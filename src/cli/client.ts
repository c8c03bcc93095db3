/**
 * The CLI's HTTP client for an MPR server: a base URL and a bearer (an API
 * key, or during `mpr login` an access token), JSON in and out. Every
 * failure becomes an AppError carrying the server's own sentence, so the
 * CLI prints it and exits 2 like any other refusal.
 */
import { AppError, type ErrorCode, errorMessage } from '../errors.ts';

export interface ClientOptions {
  /** The server, without a trailing slash (normalizeUrl). */
  url: string;
  /** Sent as `Authorization: Bearer …`; null for the open routes (login). */
  bearer: string | null;
  /** The sentence for a 401 to a request that carried the bearer, given the server's reason. */
  refused?: (why: string) => string;
  timeoutMs?: number;
  fetch?: (input: Request) => Promise<Response>;
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface SendOptions {
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Client {
  readonly url: string;
  send<T>(method: string, path: string, opts?: SendOptions): Promise<Answer<T>>;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  del(path: string): Promise<void>;
}

/** The codes the server answers that mean the same to the CLI; anything else is the server failing. */
const SERVER_CODES: readonly ErrorCode[] = [
  'validation',
  'not_found',
  'invalid_state',
  'conflict',
  'too_large',
  'unauthorized',
  'forbidden',
  'rate_limited',
  'unsupported_media_type',
  'unavailable',
  'insufficient_storage',
];

const serverError = (text: string): { code?: string; message?: string } => {
  try {
    const v = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return { code: typeof v.error?.code === 'string' ? v.error.code : undefined, message: typeof v.error?.message === 'string' ? v.error.message : undefined };
  } catch {
    return {};
  }
};

export const createClient = (o: ClientOptions): Client => {
  const doFetch = o.fetch ?? ((r: Request) => fetch(r));
  const timeoutMs = o.timeoutMs ?? 30_000;
  const refused = o.refused ?? ((why: string) => `the stored key was refused (${why}): run mpr login ${o.url} again`);

  const send = async <T>(method: string, path: string, opts: SendOptions = {}): Promise<Answer<T>> => {
    const target = `${o.url}${path}`;
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(
        new Request(target, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual', // a redirect would carry the key elsewhere
        }),
      );
      text = await res.text();
    } catch (e) {
      const why = (e as Error)?.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : errorMessage(e);
      throw new AppError('unavailable', `cannot reach ${o.url} (${method} ${path}): ${why}`, { cause: e });
    }
    if (!res.ok) {
      const err = serverError(text);
      const why = err.message ?? `${res.status} ${res.statusText}`.trim();
      if (res.status === 401 && o.bearer) throw new AppError('unauthorized', refused(why));
      if (res.status === 429) {
        const after = res.headers.get('retry-after');
        throw new AppError('rate_limited', `${o.url}: ${why}${after ? ` (try again in ${after} s)` : ''}`);
      }
      if (res.status >= 300 && res.status < 400)
        throw new AppError('unavailable', `${target} redirects to ${res.headers.get('location') ?? '?'}: log in to that URL`);
      const code = SERVER_CODES.find((c) => c === err.code);
      if (code && err.message) throw new AppError(code, err.message);
      throw new AppError('unavailable', `${target} answered ${res.status}${err.message ? `: ${err.message}` : ' (is it an MPR server?)'}`);
    }
    if (text === '') return { status: res.status, body: undefined as T, headers: res.headers };
    try {
      return { status: res.status, body: JSON.parse(text) as T, headers: res.headers };
    } catch {
      throw new AppError('unavailable', `${target} answered ${res.status} but not with JSON: is ${o.url} an MPR server?`);
    }
  };

  return {
    url: o.url,
    send,
    get: async <T>(path: string) => (await send<T>('GET', path)).body,
    post: async <T>(path: string, body: unknown) => (await send<T>('POST', path, { body })).body,
    patch: async <T>(path: string, body: unknown) => (await send<T>('PATCH', path, { body })).body,
    del: async (path: string) => void (await send('DELETE', path)),
  };
};
