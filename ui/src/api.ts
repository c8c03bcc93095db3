/**
 * The only module that talks to the server: every fetch and EventSource in
 * the UI goes through here. Stores receive this object (or a fake in tests).
 * Every call carries the session's access token (session.ts keeps it, in
 * memory only); the refresh token is an HTTP-only cookie scoped to
 * /api/auth that this code never sees. session.ts and live-source.ts hold
 * the logic and are handed the fetch and EventSource made here.
 */
import type { DeadItem, DeadItemResolved, WorkersDto } from '../../src/types/workers.ts';
import type { ForkSummary as ForkPreview, JobStateAt, Page, SystemStatus, TimeRange } from '../../src/types/api.ts';
import type {
  AccessGrant,
  ApiKeyList,
  CreatedKey,
  CreatedUser,
  CreateKeyRequest,
  CreateUserRequest,
  TicketGrant,
  UpdateUserRequest,
  UserDto,
  UserList,
} from '../../src/types/accounts.ts';
import type { CompletedUpload, CompleteUploadRequest, CreatedUpload, CreateUploadRequest, UploadProgress } from '../../src/types/uploads.ts';
import { createDetectApi } from './detect-api.ts';
import { type LiveHandlers, type LiveOptions, openLiveSource } from './live-source.ts';
import { createSession, type EndReason, type SessionDeps } from './session.ts';
import type { Asset, Chunk, Job, Preset, ScanResult, StoredEvent } from './types.ts';

/** An API error: `message` is the server's sentence; `retryAfter` the seconds a 429 asks to wait, when it says. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const qs = (q: Record<string, string | number | boolean | undefined | null>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
};

/** An answer's JSON body, or its error as an ApiError. */
const read = async <T>(res: Response): Promise<T> => {
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, for instance: fall through to the status line.
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    const wait = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
    throw new ApiError(
      res.status,
      err?.code ?? 'http',
      err?.message ?? `The server answered ${res.status} ${res.statusText}.`,
      Number.isFinite(wait) && wait >= 0 ? wait : null,
    );
  }
  return json as T;
};

export interface AssetQuery {
  status?: string;
  kind?: string;
  q?: string;
  sort?: string;
  limit?: number;
  offset?: number;
}

export interface JobQuery {
  status?: string;
  assetId?: string;
  limit?: number;
  offset?: number;
}

export type { LiveHandlers, LiveOptions } from './live-source.ts';

/** What a client reaches the outside through: the browser's own below, fakes in api.test.ts. */
export interface ClientDeps extends Pick<SessionDeps, 'locks' | 'setTimer' | 'clearTimer'> {
  fetch: (url: string, init?: RequestInit) => Promise<Response>;
  eventSource: (url: string) => EventSource;
  /** PUTs an upload's part reporting the bytes sent as they go (fetch reports none); without it, fetch sends it. */
  put?: (url: string, body: Blob, o: PartOptions) => Promise<Response>;
}

/** How a part goes: abortable, with the bytes sent so far reported when the transport can. */
export interface PartOptions {
  signal: AbortSignal;
  onProgress?: (sent: number) => void;
}

/**
 * A PUT through XMLHttpRequest, the one browser transport that reports an
 * upload's progress (fetch can stream a request body only over HTTP/2, and
 * reports nothing); its answer as a Response.
 */
const xhrPut = (url: string, body: Blob, o: PartOptions): Promise<Response> =>
  new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    const abort = () => x.abort();
    x.open('PUT', url);
    x.setRequestHeader('content-type', 'application/octet-stream');
    x.upload.onprogress = (e) => o.onProgress?.(e.loaded);
    x.onload = () => {
      o.signal.removeEventListener('abort', abort);
      const etag = x.getResponseHeader('etag');
      const bodyless = x.status === 204 || x.status === 304;
      resolve(new Response(bodyless ? null : x.responseText, { status: x.status, headers: etag ? { etag } : {} }));
    };
    x.onerror = () => reject(new TypeError('network error'));
    x.onabort = () => reject(new DOMException('The part was aborted.', 'AbortError'));
    if (o.signal.aborted) return reject(new DOMException('The part was aborted.', 'AbortError'));
    o.signal.addEventListener('abort', abort, { once: true });
    x.send(body);
  });

/** How one call is sent: `bearer: false` leaves the token off; `retry: false` takes a 401 as the answer. */
interface SendOptions {
  bearer?: boolean;
  retry?: boolean;
}

const id = (s: string) => encodeURIComponent(s);

export const createClient = (d: ClientDeps) => {
  const setTimer = d.setTimer ?? ((f: () => void, ms: number) => setTimeout(f, ms));
  const clearTimer = d.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));

  const reach = async (path: string, init: RequestInit): Promise<Response> => {
    try {
      // same-origin: the refresh cookie goes with /api/auth calls (the default, said out loud).
      return await d.fetch(`/api${path}`, { credentials: 'same-origin', ...init });
    } catch {
      throw new ApiError(0, 'network', 'The server could not be reached. Is MPR running?');
    }
  };

  const session = createSession({
    refresh: async () => {
      const res = await reach('/auth/refresh', { method: 'POST', headers: { accept: 'application/json' } });
      return res.status === 401 ? null : read<AccessGrant>(res);
    },
    locks: d.locks,
    setTimer,
    clearTimer,
  });

  const send = (method: string, path: string, body: unknown, token: string | null) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    return reach(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  };

  /** Sends with the session's token. A 401 (the token ran out) refreshes once, shared with calls that failed alongside, and sends again. */
  const withToken = async (go: (token: string | null) => Promise<Response>): Promise<Response> => {
    const token = session.token();
    const res = await go(token);
    if (res.status !== 401) return res;
    const fresh = await session.renew(token);
    if (!fresh) throw new ApiError(401, 'unauthorized', 'Your session has ended. Log in again.');
    return go(fresh);
  };

  const request = async <T>(method: string, path: string, body?: unknown, o: SendOptions = {}): Promise<T> => {
    if (o.bearer === false || o.retry === false) return read<T>(await send(method, path, body, o.bearer === false ? null : session.token()));
    return read<T>(await withToken((token) => send(method, path, body, token)));
  };

  const bearer = (token: string | null): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

  /** A GET answered as bytes: images that need the token (an <img> cannot send it). */
  const requestBlob = async (path: string): Promise<Blob> => {
    const res = await withToken((token) => reach(path, { method: 'GET', headers: bearer(token) }));
    return res.ok ? res.blob() : read<never>(res);
  };

  /** A POST of raw bytes (an image), answered as JSON. */
  const uploadBytes = async <T>(path: string, body: Blob, contentType: string): Promise<T> =>
    read<T>(
      await withToken((token) => reach(path, { method: 'POST', body, headers: { accept: 'application/json', 'content-type': contentType, ...bearer(token) } })),
    );

  const ticket = () => request<TicketGrant>('POST', '/auth/ticket');
  const openLive = (opts: LiveOptions, h: LiveHandlers) =>
    openLiveSource(
      {
        // A 401 here means the refresh failed too: no session, and the login page is on its way.
        ticket: () =>
          ticket().then(
            (t) => t.ticket,
            (e) => (e instanceof ApiError && e.status === 401 ? null : Promise.reject(e)),
          ),
        eventSource: d.eventSource,
        setTimer,
        clearTimer,
      },
      opts,
      h,
    );

  const api = {
    /** On start-up: one refresh decides between the app (the user) and the login page (null). */
    startSession: async (): Promise<UserDto | null> => ((await session.refresh()) ? session.user() : null),
    login: async (email: string, password: string): Promise<UserDto> =>
      session.accept(await request<AccessGrant>('POST', '/auth/login', { email, password }, { bearer: false, retry: false })),
    /** Ends this session (the server clears the cookie); a 401 means it had ended already. */
    logout: async () => {
      try {
        await request<null>('POST', '/auth/logout', undefined, { retry: false });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) throw e;
      }
      session.end('logout');
    },
    logoutAll: async () => {
      await request<null>('POST', '/auth/logout-all');
      session.end('logout');
    },
    me: () => request<UserDto>('GET', '/auth/me'),
    /** A new password for the caller: a new grant, and every other session ends. */
    changePassword: async (currentPassword: string, newPassword: string): Promise<UserDto> =>
      session.accept(await request<AccessGrant>('POST', '/auth/password', { currentPassword, newPassword })),
    /** Hears when the session ends (refresh refused, or logged out); answers how to stop listening. */
    onSessionEnded: (f: (why: EndReason) => void): (() => void) => session.onEnded(f),
    ticket,

    listUsers: () => request<UserList>('GET', '/users'),
    createUser: (u: CreateUserRequest) => request<CreatedUser>('POST', '/users', u),
    updateUser: (userId: string, patch: UpdateUserRequest) => request<UserDto>('PATCH', `/users/${id(userId)}`, patch),
    deleteUser: (userId: string) => request<null>('DELETE', `/users/${id(userId)}`),

    listKeys: () => request<ApiKeyList>('GET', '/keys'),
    createKey: (k: CreateKeyRequest) => request<CreatedKey>('POST', '/keys', k),
    revokeKey: (keyId: string) => request<null>('DELETE', `/keys/${id(keyId)}`),

    listAssets: (q: AssetQuery = {}) => request<Page<Asset>>('GET', `/assets${qs({ ...q })}`),
    getAsset: (assetId: string) => request<Asset>('GET', `/assets/${id(assetId)}`),
    scanAssets: () => request<ScanResult>('POST', '/assets/scan'),
    updateAsset: (assetId: string, patch: { comment: string }) => request<Asset>('PATCH', `/assets/${id(assetId)}`, patch),
    deleteAsset: (assetId: string, deleteOutputs: boolean) => request<unknown>('DELETE', `/assets/${id(assetId)}${qs({ deleteOutputs })}`),

    listPresets: () => request<Page<Preset>>('GET', '/presets'),
    createPreset: (p: Omit<Preset, 'builtin'>) => request<Preset>('POST', '/presets', p),
    updatePreset: (presetId: string, p: Omit<Preset, 'builtin'>) => request<Preset>('PUT', `/presets/${id(presetId)}`, p),
    deletePreset: (presetId: string) => request<unknown>('DELETE', `/presets/${id(presetId)}`),

    listJobs: (q: JobQuery = {}) => request<Page<Job>>('GET', `/jobs${qs({ ...q })}`),
    getJob: (jobId: string) => request<Job>('GET', `/jobs/${id(jobId)}`),
    /** A range trims the transcode to { start, end } seconds of the source; none: the whole of it. */
    createJob: (assetId: string, presetId: string, range?: TimeRange | null) =>
      request<Job>('POST', '/jobs', range ? { assetId, presetId, range } : { assetId, presetId }),
    cancelJob: (jobId: string) => request<Job>('POST', `/jobs/${id(jobId)}/cancel`),
    retryJob: (jobId: string) => request<Job>('POST', `/jobs/${id(jobId)}/retry`),
    jobEvents: (jobId: string) => request<{ items: StoredEvent[] }>('GET', `/jobs/${id(jobId)}/events`),
    jobStateAt: (jobId: string, at: number) => request<JobStateAt>('GET', `/jobs/${id(jobId)}/state${qs({ at })}`),
    forkJob: (jobId: string, body: { fromPosition: number; overrides?: unknown; dryRun?: boolean }) =>
      request<Job | ForkPreview>('POST', `/jobs/${id(jobId)}/fork`, body),
    /** One attempt's chunks; no attempt: the job's current one. */
    jobChunks: (jobId: string, attempt?: number) => request<{ items: Chunk[] }>('GET', `/jobs/${id(jobId)}/chunks${qs({ attempt })}`),

    systemStatus: () => request<SystemStatus>('GET', '/system/status'),
    workers: () => request<WorkersDto>('GET', '/workers'),
    /** The dead-letter list: work items set aside as poison, newest first. */
    deadItems: (page: { limit?: number; offset?: number } = {}) =>
      request<{ items: DeadItem[]; total: number }>('GET', `/work/dead?limit=${page.limit ?? 50}&offset=${page.offset ?? 0}`),
    /** Admins: run the item's job again as its next attempt; the item leaves the list. */
    retryDeadItem: (itemId: string) => request<DeadItemResolved>('POST', `/work/dead/${encodeURIComponent(itemId)}/retry`),
    /** Admins: drop the item from the list; its job stays failed. */
    dropDeadItem: (itemId: string) => request<DeadItemResolved>('DELETE', `/work/dead/${encodeURIComponent(itemId)}`),

    createUpload: (req: CreateUploadRequest) => request<CreatedUpload>('POST', '/uploads', req),
    getUpload: (uploadId: string) => request<UploadProgress>('GET', `/uploads/${id(uploadId)}`),
    completeUpload: (uploadId: string, req: CompleteUploadRequest) => request<CompletedUpload>('POST', `/uploads/${id(uploadId)}/complete`, req),
    abortUpload: (uploadId: string) => request<null>('DELETE', `/uploads/${id(uploadId)}`),
    /**
     * One part's bytes to the URL the server handed out (a path on this server, or a presigned bucket URL),
     * with no token: the URL is the credential, and a bucket must never see the token. Answers the part's etag.
     */
    putPart: async (url: string, body: Blob, o: PartOptions): Promise<string> => {
      let res: Response;
      try {
        res = d.put
          ? await d.put(url, body, o)
          : await d.fetch(url, { method: 'PUT', body, signal: o.signal, headers: { 'content-type': 'application/octet-stream' }, credentials: 'omit' });
      } catch (e) {
        if (o.signal.aborted) throw e;
        throw new ApiError(0, 'network', 'The connection dropped while sending a part.');
      }
      if (!res.ok) return read<never>(res);
      const text = await res.text();
      const fromBody = (): string | null => {
        try {
          return (JSON.parse(text) as { etag?: string }).etag ?? null;
        } catch {
          return null;
        }
      };
      const etag = res.headers.get('etag') ?? fromBody();
      if (!etag) throw new ApiError(res.status, 'http', 'The part was stored, but its ETag could not be read (the bucket must expose the ETag header).');
      return etag;
    },

    /** Output text files (the thumbnails VTT): the URL is signed already, so it goes as given, with no token. */
    text: async (url: string) => {
      const res = await d.fetch(url);
      if (!res.ok) throw new ApiError(res.status, 'http', `Could not load ${url} (${res.status}).`);
      return res.text();
    },

    live: openLive,

    /** Brand detection: setup, runs, replays, checkpoints, overlays (detect-api.ts). */
    detect: createDetectApi({ request: (method, path, body) => request(method, path, body), blob: requestBlob, upload: uploadBytes }),
  };
  return api;
};

export type Api = ReturnType<typeof createClient>;

// The browser's client. Globals are reached lazily: importing this module (tests, no DOM) touches none of them.
export const api: Api = createClient({
  fetch: (url, init) => fetch(url, init),
  eventSource: (url) => new EventSource(url),
  locks: () => (typeof navigator === 'undefined' ? undefined : navigator.locks),
  put: xhrPut,
});

export const openLive = api.live;
export const {
  startSession,
  login,
  logout,
  logoutAll,
  me,
  changePassword,
  onSessionEnded,
  listUsers,
  createUser,
  updateUser,
  deleteUser,
  listKeys,
  createKey,
  revokeKey,
} = api;
