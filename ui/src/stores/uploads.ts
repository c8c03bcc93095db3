/**
 * Uploads from the assets page: a row per file with its progress, 2 files
 * sent at a time (4 parts each, uploads/uploader.ts), cancel (the upload is
 * aborted on the server), retry (it resumes: only the missing parts go), and
 * the uploads a reload interrupted, listed from localStorage until the same
 * file is dropped again (or the server says they are gone).
 */
import { createSignal } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { CompletedUpload } from '../../../src/types/uploads.ts';
import { ApiError } from '../api.ts';
import { errorText } from '../format.ts';
import { joinFolder, type Picked } from '../uploads/dropped.ts';
import type { ResumeStore } from '../uploads/resume-store.ts';
import { COMPLETED_EARLIER, createLimiter, createSpeedMeter, type SendProgress, sendFile, type Source, type UploadsApi } from '../uploads/uploader.ts';

export type { UploadsApi } from '../uploads/uploader.ts';

/**
 * waiting: its turn has not come; sending / completing: on its way; done;
 * failed (retry resumes it); cancelled (aborted on the server); paused: left
 * by a reload, waiting for its file to be dropped again.
 */
export type UploadRowStatus = 'waiting' | 'sending' | 'completing' | 'done' | 'failed' | 'cancelled' | 'paused';

export interface UploadRow {
  id: string;
  name: string;
  folder: string;
  size: number;
  lastModified: number;
  uploadId: string | null;
  status: UploadRowStatus;
  sent: number;
  partsDone: number;
  partCount: number;
  inFlight: number;
  bytesPerSecond: number | null;
  result: CompletedUpload | null;
  error: string | null;
}

export interface UploadsStoreOptions {
  resume: ResumeStore;
  /** Files sent at once (2). */
  filesAtOnce?: number;
  /** Parts in flight per file (4). */
  partsAtOnce?: number;
  retryDelayMs?: number;
  now?: () => number;
}

const ACTIVE: readonly UploadRowStatus[] = ['waiting', 'sending', 'completing'];

/** Pure: what a row says of its file. */
export const rowText = (r: UploadRow): string => {
  const parts = `${r.partsDone} of ${r.partCount} ${r.partCount === 1 ? 'part' : 'parts'} sent`;
  switch (r.status) {
    case 'waiting':
      return r.uploadId ? 'Waiting to resume…' : 'Waiting…';
    case 'sending':
      return r.partCount ? parts : 'Starting…';
    case 'completing':
      return 'All parts sent; joining and probing the file…';
    case 'done': {
      const a = r.result;
      if (!a) return 'Uploaded.';
      if (a.status === 'ready') return `Ready: ${a.key}`;
      if (a.status === COMPLETED_EARLIER) return `Uploaded before the reload: ${a.key}`;
      return `${a.status === 'invalid' ? 'Invalid' : a.status}: ${a.reason ?? 'no reason given'}`;
    }
    case 'failed':
      return r.error ?? 'Failed.';
    case 'cancelled':
      return r.error ?? 'Cancelled.';
    case 'paused':
      return `${parts} — drop the same file to resume${r.error ? ` (${r.error})` : ''}`;
    default: {
      const never: never = r.status;
      return never;
    }
  }
};

export const createUploadsStore = (api: UploadsApi, o: UploadsStoreOptions) => {
  const [rows, setRows] = createStore<UploadRow[]>([]);
  const [folder, setFolder] = createSignal('');
  const limit = createLimiter(o.filesAtOnce ?? 2);
  const now = o.now ?? Date.now;
  const files = new Map<string, Source>();
  const stops = new Map<string, AbortController>();
  const listeners = new Set<(r: CompletedUpload) => void>();
  let seq = 0;

  const row = (id: string) => rows.find((r) => r.id === id);
  const patch = (id: string, p: Partial<UploadRow>) => setRows((r) => r.id === id, p);

  const run = async (id: string) => {
    const stop = new AbortController();
    stops.set(id, stop);
    patch(id, { status: 'waiting', error: null, inFlight: 0, bytesPerSecond: null });
    const speed = createSpeedMeter();
    try {
      const result = await limit(async () => {
        const r = row(id);
        const file = files.get(id);
        if (!r || !file || stop.signal.aborted) throw new DOMException('stopped', 'AbortError');
        patch(id, { status: 'sending' });
        return sendFile(api, {
          file,
          folder: r.folder,
          uploadId: r.uploadId,
          signal: stop.signal,
          parallel: o.partsAtOnce,
          retryDelayMs: o.retryDelayMs,
          onStale: (uploadId) => o.resume.drop(uploadId),
          onUpload: (u) => {
            patch(id, { uploadId: u.id, partCount: u.partCount });
            // Cancelled while it was being made: abort it now that it has an id.
            if (stop.signal.aborted) return void api.abortUpload(u.id).catch(() => undefined);
            o.resume.save({
              uploadId: u.id,
              name: r.name,
              size: r.size,
              lastModified: r.lastModified,
              folder: r.folder,
              partCount: u.partCount,
              savedAt: new Date(now()).toISOString(),
            });
          },
          onProgress: (p: SendProgress) => {
            if (stop.signal.aborted) return;
            const all = p.partsDone === p.partCount;
            patch(id, {
              sent: p.sent,
              partsDone: p.partsDone,
              partCount: p.partCount,
              inFlight: p.inFlight,
              bytesPerSecond: speed.add(now(), p.sent),
              ...(all && p.inFlight === 0 ? { status: 'completing' as const } : {}),
            });
          },
        });
      });
      o.resume.drop(result.uploadId);
      files.delete(id);
      patch(id, { status: 'done', result, sent: row(id)?.size ?? 0, inFlight: 0, bytesPerSecond: null });
      for (const f of listeners) f(result);
    } catch (e) {
      if ((e as { name?: string } | null)?.name === 'AbortError') return; // cancel() says what became of it
      patch(id, { status: 'failed', error: errorText(e), inFlight: 0, bytesPerSecond: null });
    } finally {
      if (stops.get(id) === stop) stops.delete(id);
    }
  };

  /**
   * Files dropped or picked. One a reload left unfinished (same name, size
   * and time) resumes its upload, in the folder it was going to; one already
   * on its way is not sent twice.
   */
  const add = (picked: readonly Picked[]) => {
    for (const { file, folder: target } of picked) {
      const where = joinFolder(target);
      const same = (r: UploadRow) => r.name === file.name && r.size === file.size && r.lastModified === file.lastModified;
      if (rows.some((r) => same(r) && r.folder === where && ACTIVE.includes(r.status))) continue;
      const paused = rows.find((r) => same(r) && r.status === 'paused' && r.folder === where) ?? rows.find((r) => same(r) && r.status === 'paused');
      const saved = paused ? null : o.resume.find(file, where);
      const id = paused?.id ?? `up${++seq}`;
      files.set(id, file);
      if (!paused) {
        setRows((list) => [
          ...list,
          {
            id,
            name: file.name,
            folder: saved?.folder ?? where,
            size: file.size,
            lastModified: file.lastModified,
            uploadId: saved?.uploadId ?? null,
            status: 'waiting',
            sent: 0,
            partsDone: 0,
            partCount: saved?.partCount ?? 0,
            inFlight: 0,
            bytesPerSecond: null,
            result: null,
            error: null,
          },
        ]);
      }
      void run(id);
    }
  };

  /** Stops a file: its upload is aborted on the server (a waiting one never starts), and forgotten here. */
  const cancel = async (id: string) => {
    const r = row(id);
    if (!r || r.status === 'done' || r.status === 'cancelled') return;
    stops.get(id)?.abort();
    files.delete(id);
    patch(id, { status: 'cancelled', inFlight: 0, bytesPerSecond: null, error: null });
    // The id may not be known yet (create still on its way): then there is nothing to abort.
    const uploadId = row(id)?.uploadId;
    if (!uploadId) return;
    o.resume.drop(uploadId);
    try {
      await api.abortUpload(uploadId);
    } catch (e) {
      // Gone already (expired, completed elsewhere): nothing left to abort.
      if (!(e instanceof ApiError && (e.status === 404 || e.status === 409))) patch(id, { error: `The server did not abort it: ${errorText(e)}` });
    }
  };

  /** A failed file again: its upload resumes where it stopped. */
  const retry = (id: string) => {
    const r = row(id);
    if (r?.status === 'failed' && files.has(id)) void run(id);
  };

  /** Rows that ended (done, cancelled) leave the list. */
  const clearFinished = () => setRows((list) => list.filter((r) => r.status !== 'done' && r.status !== 'cancelled'));

  /**
   * After a reload: a paused row per upload localStorage remembers, with
   * what the server holds of it; one the server no longer takes (expired,
   * aborted, completed, unknown) is dropped.
   */
  const restore = async () => {
    const entries = o.resume.list().filter((e) => !rows.some((r) => r.uploadId === e.uploadId));
    if (entries.length === 0) return;
    setRows((list) => [
      ...list,
      ...entries.map(
        (e): UploadRow => ({
          id: `up${++seq}`,
          name: e.name,
          folder: e.folder,
          size: e.size,
          lastModified: e.lastModified,
          uploadId: e.uploadId,
          status: 'paused',
          sent: 0,
          partsDone: 0,
          partCount: e.partCount,
          inFlight: 0,
          bytesPerSecond: null,
          result: null,
          error: null,
        }),
      ),
    ]);
    await Promise.all(
      entries.map(async (e) => {
        const id = rows.find((r) => r.uploadId === e.uploadId)?.id;
        if (!id) return;
        try {
          const p = await api.getUpload(e.uploadId);
          if (row(id)?.status !== 'paused') return; // its file was dropped meanwhile
          if (p.status !== 'open' || Date.parse(p.expiresAt) <= now()) {
            o.resume.drop(e.uploadId);
            setRows((list) => list.filter((r) => r.id !== id));
            return;
          }
          patch(id, { partsDone: p.received.length, partCount: p.partCount, sent: p.received.reduce((a, x) => a + x.size, 0) });
        } catch (err) {
          if (err instanceof ApiError && err.status === 404) {
            o.resume.drop(e.uploadId);
            setRows((list) => list.filter((r) => r.id !== id));
          } else if (row(id)?.status === 'paused') patch(id, { error: errorText(err) });
        }
      }),
    );
  };

  return {
    rows,
    folder,
    setFolder,
    add,
    cancel,
    retry,
    clearFinished,
    restore,
    /** Hears each upload that became an asset; answers how to stop listening. */
    onUploaded: (f: (r: CompletedUpload) => void): (() => void) => {
      listeners.add(f);
      return () => listeners.delete(f);
    },
  };
};

export type UploadsStore = ReturnType<typeof createUploadsStore>;
