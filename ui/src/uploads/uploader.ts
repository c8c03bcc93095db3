/**
 * One file as a multipart upload (the flow is in src/types/uploads.ts):
 * create it, or pick up one a reload left behind (GET says which parts the
 * server has and hands out fresh URLs for the rest), send the parts a few
 * at a time (a failed part is tried again), then complete it into an asset.
 * No DOM and no fetch of its own: the API calls come in, so tests drive it
 * with a fake server. Also here: the limit on files sent at once, and the
 * speed meter the rows show.
 */
import type { CompletedUpload, UploadDto, UploadPartSlot } from '../../../src/types/uploads.ts';
import { ApiError, type Api } from '../api.ts';

export type UploadsApi = Pick<Api, 'createUpload' | 'getUpload' | 'completeUpload' | 'abortUpload' | 'putPart'>;

/** What the uploader reads of a file: a `File` is one. */
export interface Source {
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly lastModified: number;
  slice(start?: number, end?: number): Blob;
}

export interface SendProgress {
  /** Bytes the server holds, plus what the parts in flight have sent so far. */
  sent: number;
  size: number;
  partsDone: number;
  partCount: number;
  inFlight: number;
}

export interface SendOptions {
  file: Source;
  /** A folder of the input store ('' for the top). */
  folder: string;
  /** The upload an earlier page started for this file: resumed when the server still takes it. */
  uploadId?: string | null;
  signal: AbortSignal;
  /** Parts in flight (4). */
  parallel?: number;
  /** Tries of a part after its first failure (3). */
  retries?: number;
  /** The first wait before a part is tried again; it doubles each time (1 s). */
  retryDelayMs?: number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The upload the parts go to, once known: keep its id to resume after a reload. */
  onUpload?: (u: UploadDto) => void;
  /** The upload asked to resume is gone (expired, aborted, unknown): a new one starts. */
  onStale?: (uploadId: string) => void;
  onProgress?: (p: SendProgress) => void;
}

/** An upload completed by an earlier page, whose answer never arrived: its asset, with no verdict known here. */
export const COMPLETED_EARLIER = 'completed';

/** Statuses that end an upload's part at once: the URL or the upload is done for; trying again cannot help. */
const FINAL = new Set([401, 403, 404, 409, 413]);

const isAbort = (e: unknown) => (e as { name?: string } | null)?.name === 'AbortError';

const abortError = () => new DOMException('The upload was stopped.', 'AbortError');

const sleepFor = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(t);
      reject(abortError());
    };
    signal.addEventListener('abort', stop, { once: true });
  });

/** Pure: a media type for the file: the browser's, or one from its extension (browsers know no type for .mkv and others), else octet-stream. */
export const contentTypeOf = (f: Pick<Source, 'name' | 'type'>): string => {
  const own = f.type.split(';')[0]!.trim();
  if (/^[\w.+-]+\/[\w.+-]+$/.test(own)) return own;
  const ext = f.name.slice(f.name.lastIndexOf('.') + 1).toLowerCase();
  const byExt: Record<string, string> = {
    mkv: 'video/x-matroska',
    ts: 'video/mp2t',
    m4v: 'video/x-m4v',
    flv: 'video/x-flv',
    wmv: 'video/x-ms-wmv',
    '3gp': 'video/3gpp',
    avi: 'video/x-msvideo',
    mov: 'video/quicktime',
    opus: 'audio/opus',
    m4a: 'audio/mp4',
    m4b: 'audio/mp4',
    flac: 'audio/flac',
  };
  return byExt[ext] ?? 'application/octet-stream';
};

interface Plan {
  upload: UploadDto;
  have: Map<number, string>;
  missing: UploadPartSlot[];
}

/** The upload to send to: the one asked for while the server still takes its parts, else a new one. */
const planOf = async (api: UploadsApi, o: SendOptions): Promise<Plan | CompletedUpload> => {
  if (o.uploadId) {
    try {
      const p = await api.getUpload(o.uploadId);
      if (p.status === 'completed' && p.assetId) return { uploadId: p.id, assetId: p.assetId, key: p.key, status: COMPLETED_EARLIER, reason: null };
      const whole = p.received.length + p.missing.length === p.partCount;
      if (p.status === 'open' && whole && p.size === o.file.size && Date.parse(p.expiresAt) > Date.now()) {
        return { upload: p, have: new Map(p.received.map((r) => [r.number, r.etag])), missing: p.missing };
      }
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    o.onStale?.(o.uploadId);
  }
  const made = await api.createUpload({
    filename: o.file.name.normalize('NFC'),
    size: o.file.size,
    contentType: contentTypeOf(o.file),
    ...(o.folder ? { folder: o.folder } : {}),
  });
  const { parts, ...upload } = made;
  return { upload, have: new Map(), missing: parts };
};

/** Sends the file and completes the upload; rejects with an AbortError when `signal` stops it (the upload stays open to resume). */
export const sendFile = async (api: UploadsApi, o: SendOptions): Promise<CompletedUpload> => {
  const plan = await planOf(api, o);
  if ('assetId' in plan) return plan;
  const { upload, have, missing } = plan;
  o.onUpload?.(upload);
  // Stopped while the upload was being made: the caller knows its id now (onUpload) to abort it.
  if (o.signal.aborted) throw abortError();
  const parallel = Math.max(1, o.parallel ?? 4);
  const retries = o.retries ?? 3;
  const delay = o.retryDelayMs ?? 1000;
  const sleep = o.sleep ?? sleepFor;
  const slotSize = (n: number) => (n < upload.partCount ? upload.partSize : upload.size - upload.partSize * (upload.partCount - 1));

  let done = [...have.keys()].reduce((sum, n) => sum + slotSize(n), 0);
  const flying = new Map<number, number>();
  const report = () =>
    o.onProgress?.({
      sent: done + [...flying.values()].reduce((a, b) => a + b, 0),
      size: upload.size,
      partsDone: have.size,
      partCount: upload.partCount,
      inFlight: flying.size,
    });
  report();

  // Stops the parts in flight when one fails for good, or when the caller stops.
  const inner = new AbortController();
  const stop = () => inner.abort();
  o.signal.addEventListener('abort', stop, { once: true });

  const sendPart = async (slot: UploadPartSlot) => {
    const start = (slot.number - 1) * upload.partSize;
    for (let attempt = 0; ; attempt++) {
      flying.set(slot.number, 0);
      report();
      try {
        const etag = await api.putPart(slot.url, o.file.slice(start, start + slot.size), {
          signal: inner.signal,
          onProgress: (sent) => {
            if (!flying.has(slot.number)) return;
            flying.set(slot.number, Math.min(sent, slot.size));
            report();
          },
        });
        flying.delete(slot.number);
        have.set(slot.number, etag);
        done += slot.size;
        report();
        return;
      } catch (e) {
        flying.delete(slot.number);
        report();
        if (inner.signal.aborted || isAbort(e)) throw abortError();
        if ((e instanceof ApiError && FINAL.has(e.status)) || attempt >= retries) throw e;
        await sleep(delay * 2 ** attempt, inner.signal);
      }
    }
  };

  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (failure === null && !inner.signal.aborted && next < missing.length) {
      const slot = missing[next++]!;
      try {
        await sendPart(slot);
      } catch (e) {
        // The first failure is the one to tell: the parts it stops fail after it.
        if (failure === null) failure = e;
        inner.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(parallel, missing.length) }, worker));
  } finally {
    o.signal.removeEventListener('abort', stop);
  }
  if (o.signal.aborted) throw abortError();
  if (failure !== null) throw failure;
  const parts = [...have].sort(([a], [b]) => a - b).map(([number, etag]) => ({ number, etag }));
  return api.completeUpload(upload.id, { parts });
};

/** At most `limit` tasks at once; the rest wait their turn, first come first served. */
export const createLimiter = (limit: number) => {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((r) => waiting.push(r));
    else active++;
    try {
      return await task();
    } finally {
      // The slot goes straight to the next in line, so a newcomer cannot slip in between.
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
};

/** Bytes a second over the last few seconds, from readings of bytes sent so far. */
export const createSpeedMeter = (windowMs = 3000) => {
  const samples: { at: number; sent: number }[] = [];
  return {
    add(at: number, sent: number): number | null {
      samples.push({ at, sent });
      // Keep the last reading before the window too: a part may take longer than the window to report.
      while (samples.length > 2 && samples[1]!.at <= at - windowMs) samples.shift();
      const first = samples[0]!;
      const secs = (at - first.at) / 1000;
      return secs >= 0.25 ? Math.max(0, (sent - first.sent) / secs) : null;
    },
    reset() {
      samples.length = 0;
    },
  };
};
