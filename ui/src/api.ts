/**
 * The only module that talks to the server: every fetch and EventSource in
 * the UI goes through here. Stores receive this object (or a fake in tests).
 */
import type { ForkSummary as ForkPreview, JobStateAt, Page, SystemStatus, TimeRange } from '../../src/types/api.ts';
import type { Asset, Chunk, Job, LiveState, Preset, ScanResult, StoredEvent, Telemetry } from './types.ts';

/** An API error: `message` is the server's sentence, `field` the path it starts with (400s). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
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

const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server could not be reached. Is MPR running?');
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // A proxy's HTML error page, for instance: fall through to the status line.
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http', err?.message ?? `The server answered ${res.status} ${res.statusText}.`);
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

export interface LiveHandlers {
  onLog?: (e: StoredEvent) => void;
  onTelemetry?: (t: Telemetry) => void;
  onState?: (s: LiveState) => void;
}

export interface LiveOptions {
  /** Start after this log position; absent: from now. */
  after?: number;
  job?: string;
  /** The highest position seen, asked again on each manual reconnect. */
  resumeFrom?: () => number | undefined;
}

/**
 * An EventSource on `/api/events` that survives server restarts. The browser
 * reconnects on its own (sending Last-Event-ID) after a dropped connection,
 * but gives up for good when a reconnect gets a non-200 answer — e.g. the dev
 * proxy's 502 while MPR restarts — so a CLOSED source is reopened here with
 * `after=` the last position seen, backing off up to 10 s.
 */
export const openLive = (opts: LiveOptions, h: LiveHandlers): (() => void) => {
  let es: EventSource | null = null;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = 500;
  const connect = (after: number | undefined) => {
    h.onState?.('connecting');
    es = new EventSource(`/api/events${qs({ after, job: opts.job })}`);
    es.onopen = () => {
      delay = 500;
      h.onState?.('open');
    };
    es.addEventListener('log', (m) => {
      try {
        h.onLog?.(JSON.parse((m as MessageEvent<string>).data) as StoredEvent);
      } catch {
        // A frame that is not JSON is not ours to show.
      }
    });
    es.addEventListener('telemetry', (m) => {
      try {
        h.onTelemetry?.(JSON.parse((m as MessageEvent<string>).data) as Telemetry);
      } catch {
        // as above
      }
    });
    es.onerror = () => {
      if (stopped) return;
      h.onState?.('reconnecting');
      if (es?.readyState === EventSource.CLOSED) {
        es.close();
        timer = setTimeout(() => connect(opts.resumeFrom?.() ?? opts.after), delay);
        delay = Math.min(delay * 2, 10_000);
      }
    };
  };
  connect(opts.after);
  return () => {
    stopped = true;
    clearTimeout(timer);
    es?.close();
  };
};

export const api = {
  listAssets: (q: AssetQuery = {}) => request<Page<Asset>>('GET', `/assets${qs({ ...q })}`),
  scanAssets: () => request<ScanResult>('POST', '/assets/scan'),
  updateAsset: (id: string, patch: { comment: string }) => request<Asset>('PATCH', `/assets/${encodeURIComponent(id)}`, patch),
  deleteAsset: (id: string, deleteOutputs: boolean) => request<unknown>('DELETE', `/assets/${encodeURIComponent(id)}${qs({ deleteOutputs })}`),

  listPresets: () => request<Page<Preset>>('GET', '/presets'),
  createPreset: (p: Omit<Preset, 'builtin'>) => request<Preset>('POST', '/presets', p),
  updatePreset: (id: string, p: Omit<Preset, 'builtin'>) => request<Preset>('PUT', `/presets/${encodeURIComponent(id)}`, p),
  deletePreset: (id: string) => request<unknown>('DELETE', `/presets/${encodeURIComponent(id)}`),

  listJobs: (q: JobQuery = {}) => request<Page<Job>>('GET', `/jobs${qs({ ...q })}`),
  getJob: (id: string) => request<Job>('GET', `/jobs/${encodeURIComponent(id)}`),
  /** A range trims the transcode to { start, end } seconds of the source; none: the whole of it. */
  createJob: (assetId: string, presetId: string, range?: TimeRange | null) =>
    request<Job>('POST', '/jobs', range ? { assetId, presetId, range } : { assetId, presetId }),
  cancelJob: (id: string) => request<Job>('POST', `/jobs/${encodeURIComponent(id)}/cancel`),
  retryJob: (id: string) => request<Job>('POST', `/jobs/${encodeURIComponent(id)}/retry`),
  jobEvents: (id: string) => request<{ items: StoredEvent[] }>('GET', `/jobs/${encodeURIComponent(id)}/events`),
  jobStateAt: (id: string, at: number) => request<JobStateAt>('GET', `/jobs/${encodeURIComponent(id)}/state${qs({ at })}`),
  forkJob: (id: string, body: { fromPosition: number; overrides?: unknown; dryRun?: boolean }) =>
    request<Job | ForkPreview>('POST', `/jobs/${encodeURIComponent(id)}/fork`, body),
  /** One attempt's chunks; no attempt: the job's current one. */
  jobChunks: (id: string, attempt?: number) => request<{ items: Chunk[] }>('GET', `/jobs/${encodeURIComponent(id)}/chunks${qs({ attempt })}`),

  systemStatus: () => request<SystemStatus>('GET', '/system/status'),

  /** Output text files (the thumbnails VTT). */
  text: async (url: string) => {
    const res = await fetch(url);
    if (!res.ok) throw new ApiError(res.status, 'http', `Could not load ${url} (${res.status}).`);
    return res.text();
  },

  live: openLive,
};

export type Api = typeof api;
