import { lstatSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isMediaKey } from '../actors/scan.ts';
import { AppError, type ErrorCode, errorMessage, isAppError } from '../errors.ts';
import type { AssetDto } from '../types/api.ts';
import type { CompletedUpload, CreatedUpload, UploadPartSlot, UploadProgress } from '../types/uploads.ts';
import { createClient } from './client.ts';
import { type CliEnv, resolveCredentials } from './credentials.ts';
import { progressSink, uploadLine } from './upload-progress.ts';
import { readState, type SavedUpload, stateFileOf, writeState } from './upload-state.ts';

export interface UploadDeps {
  env: CliEnv;
  /** Results (stdout): one `uploaded …` line per file. */
  out: (s: string) => void;
  /** Progress and per-file failures (stderr). */
  progress: Pick<NodeJS.WriteStream, 'isTTY' | 'columns' | 'write'>;
  fetch?: (r: Request) => Promise<Response>;
  /** Parts in flight per file (default 4). */
  parallel?: number;
  /** The first wait before a part is tried again; it doubles each time (default 500 ms). */
  retryDelayMs?: number;
  now?: () => number;
}

export interface UploadFlags {
  to?: string;
}

/** A file to send and the folder of the input store it goes in. */
export interface UploadTarget {
  path: string;
  /** As the person gave it (or under the folder they gave): how lines name it. */
  shown: string;
  folder: string;
}

/** Tries of a part after its first failure. */
export const PART_RETRIES = 3;
const PARALLEL = 4;
/** Completing joins and probes the file: far longer than an ordinary call may take on a big file. */
const COMPLETE_TIMEOUT_MS = 30 * 60_000;
/** A part's PUT gives up when it runs slower than this many bytes a millisecond (50 KB/s), and never sooner than 2 minutes. */
const MIN_PART_RATE = 50;

const joinFolder = (...parts: string[]): string =>
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/**
 * The files the arguments name: a file as it is, a folder's media files
 * (hidden ones and folders left out, symlinked folders not followed) under
 * `to/<folder's name>/<its sub-folders>`. A missing path fails before
 * anything is sent.
 */
export const collectTargets = (args: readonly string[], to: string): UploadTarget[] => {
  const targets: UploadTarget[] = [];
  for (const arg of args) {
    const path = resolve(arg);
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw new AppError('not_found', `no such file: ${arg}`);
    if (st.isFile()) {
      targets.push({ path, shown: arg, folder: joinFolder(to) });
      continue;
    }
    if (!st.isDirectory()) throw new AppError('validation', `${arg} is neither a file nor a folder`);
    const found: UploadTarget[] = [];
    const walk = (dir: string, shownDir: string, rel: string[]) => {
      const names = readdirSync(dir).sort();
      for (const name of names) {
        if (name.startsWith('.')) continue;
        const full = join(dir, name);
        const link = lstatSync(full, { throwIfNoEntry: false });
        if (!link) continue;
        if (link.isDirectory()) walk(full, join(shownDir, name), [...rel, name]);
        else if (isMediaKey(name) && statSync(full, { throwIfNoEntry: false })?.isFile()) {
          found.push({ path: full, shown: join(shownDir, name), folder: joinFolder(to, basename(path), ...rel) });
        }
      }
    };
    walk(path, arg, []);
    if (found.length === 0) throw new AppError('validation', `${arg} holds no video or audio files`);
    targets.push(...found);
  }
  return targets;
};

// --- sending ---

/** What an upload still needs: the parts the server has (number → etag) and the URLs of the rest. */
interface Remaining {
  id: string;
  key: string;
  partSize: number;
  partCount: number;
  have: Map<number, string>;
  missing: UploadPartSlot[];
}

const PERMANENT = new Set([401, 403, 404, 409, 413]);
const CODE_OF: Record<number, ErrorCode> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'invalid_state',
  413: 'too_large',
};

/** The sentence in an error answer: MPR's JSON, S3's XML, or the status line. */
const refusal = (res: Response, text: string): string => {
  try {
    const m = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof m === 'string') return m;
  } catch {
    // not JSON
  }
  const xml = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  return xml ?? `${res.status} ${res.statusText}`.trim();
};

class PartRefused extends AppError {}

export const uploadCommand = async (d: UploadDeps, files: readonly string[], f: UploadFlags): Promise<void> => {
  if (files.length === 0) throw new AppError('validation', 'usage: mpr upload FILE... [--to FOLDER]');
  const targets = collectTargets(files, f.to ?? '');
  const creds = resolveCredentials(d.env);
  const refused = creds.source.kind === 'env' ? (why: string) => `MPR_API_KEY was refused by ${creds.url} (${why})` : undefined;
  const client = createClient({ url: creds.url, bearer: creds.key, fetch: d.fetch, refused });
  const slow = createClient({ url: creds.url, bearer: creds.key, fetch: d.fetch, refused, timeoutMs: COMPLETE_TIMEOUT_MS });
  const doFetch = d.fetch ?? ((r: Request) => fetch(r));
  const now = d.now ?? Date.now;
  const parallel = Math.max(1, d.parallel ?? PARALLEL);
  const retryDelayMs = d.retryDelayMs ?? 500;
  const note = (s: string) => d.progress.write(`${s}\n`);

  /** Relay URLs are paths on the server (unless it has MPR_PUBLIC_URL): under the URL the CLI knows it by, path prefix included. */
  const partUrl = (url: string) => (url.startsWith('/') ? `${client.url}${url}` : url);

  /** One part, tried again on a dropped connection or a server error; a refusal (expired, aborted, too big) ends it at once. */
  const sendPart = async (path: string, r: Remaining, slot: UploadPartSlot, label: string): Promise<string> => {
    const start = (slot.number - 1) * r.partSize;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await doFetch(
          new Request(partUrl(slot.url), {
            method: 'PUT',
            // A fresh slice each try: a body is read once. No Authorization: the URL is the credential.
            body: Bun.file(path).slice(start, start + slot.size),
            headers: { 'content-type': 'application/octet-stream' },
            signal: AbortSignal.timeout(Math.max(120_000, slot.size / MIN_PART_RATE)),
            redirect: 'manual',
          }),
        );
        const text = await res.text();
        if (res.ok) {
          let etag = res.headers.get('etag');
          if (!etag) {
            try {
              etag = (JSON.parse(text) as { etag?: string }).etag ?? null;
            } catch {
              // no body to read it from
            }
          }
          if (!etag) throw new AppError('unavailable', `${res.status} without an ETag`);
          return etag;
        }
        const why = refusal(res, text);
        if (PERMANENT.has(res.status)) throw new PartRefused(CODE_OF[res.status] ?? 'validation', why);
        throw new AppError(res.status === 400 ? 'validation' : 'unavailable', why);
      } catch (e) {
        if (e instanceof PartRefused) throw new AppError(e.code, `${label}: part ${slot.number} was refused: ${e.message}`);
        if (attempt >= PART_RETRIES) {
          const why = (e as Error)?.name === 'TimeoutError' ? 'too slow, timed out' : errorMessage(e);
          throw new AppError(
            'unavailable',
            `${label}: part ${slot.number} of ${r.partCount} failed ${attempt + 1} times (${why}); run the same command again to send the parts still missing`,
          );
        }
        await Bun.sleep(retryDelayMs * 2 ** attempt);
      }
    }
  };

  /** The upload an earlier run left, if the server still takes its parts; null (and its state file gone) when it must start afresh. */
  const resumable = async (saved: SavedUpload, file: string, t: UploadTarget): Promise<Remaining | CompletedUpload | null> => {
    let p: UploadProgress;
    try {
      p = await client.get<UploadProgress>(`/api/uploads/${encodeURIComponent(saved.uploadId)}`);
    } catch (e) {
      if (!isAppError(e, 'not_found')) throw e;
      rmSync(file, { force: true });
      return null;
    }
    if (p.status === 'completed' && p.assetId) {
      // It was completed, but the answer never came back: say what it became.
      const a = await client.get<AssetDto>(`/api/assets/${encodeURIComponent(p.assetId)}`);
      return { uploadId: p.id, assetId: a.id, key: a.key, status: a.status, reason: a.reason };
    }
    const whole = p.received.length + p.missing.length === p.partCount;
    if (p.status !== 'open' || !whole || Date.parse(p.expiresAt) <= now()) {
      note(`${t.shown}: the earlier upload ${p.id} is ${p.status === 'open' ? 'past its time' : p.status}; starting again`);
      rmSync(file, { force: true });
      return null;
    }
    return { id: p.id, key: p.key, partSize: p.partSize, partCount: p.partCount, have: new Map(p.received.map((x) => [x.number, x.etag])), missing: p.missing };
  };

  const uploadOne = async (t: UploadTarget): Promise<CompletedUpload> => {
    const st = statSync(t.path, { throwIfNoEntry: false });
    if (!st?.isFile()) throw new AppError('not_found', `no such file: ${t.shown}`);
    if (st.size === 0) throw new AppError('validation', 'the file is empty');
    const ident = { server: creds.url, path: t.path, size: st.size, mtimeMs: st.mtimeMs, folder: t.folder };
    const file = stateFileOf(d.env, ident);
    const saved = readState(file);
    let r = saved ? await resumable(saved, file, t) : null;
    if (r && 'assetId' in r) {
      rmSync(file, { force: true });
      return r;
    }
    if (!r) {
      const type = Bun.file(t.path).type.split(';')[0]!.trim();
      const made = await client.post<CreatedUpload>('/api/uploads', {
        filename: basename(t.path).normalize('NFC'),
        size: st.size,
        contentType: /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream',
        ...(t.folder ? { folder: t.folder } : {}),
      });
      writeState(file, { uploadId: made.id, ...ident, savedAt: new Date(now()).toISOString() });
      r = { id: made.id, key: made.key, partSize: made.partSize, partCount: made.partCount, have: new Map(), missing: made.parts };
    }
    const remaining = r;

    const started = now();
    const already = [...remaining.have.keys()].reduce((sum, n) => sum + Math.min(remaining.partSize, st.size - (n - 1) * remaining.partSize), 0);
    let sent = already;
    let inFlight = 0;
    const draw = progressSink(d.progress, now);
    const line = () => ({
      percent: (sent / st.size) * 100,
      text: (width: number) => {
        const secs = (now() - started) / 1000;
        return uploadLine({ name: t.shown, sent, size: st.size, inFlight, bytesPerSecond: secs > 0.2 ? (sent - already) / secs : null }, width);
      },
    });

    let next = 0;
    let failed: unknown = null;
    const worker = async () => {
      while (failed === null && next < remaining.missing.length) {
        const slot = remaining.missing[next++]!;
        inFlight++;
        try {
          const etag = await sendPart(t.path, remaining, slot, t.shown);
          remaining.have.set(slot.number, etag);
          sent += slot.size;
        } catch (e) {
          failed ??= e;
        } finally {
          inFlight--;
          draw(line, false);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, remaining.missing.length) }, worker));
    if (failed !== null) {
      if (d.progress.isTTY) d.progress.write('\n');
      throw failed;
    }
    draw(line, true);
    const parts = [...remaining.have].sort(([a], [b]) => a - b).map(([number, etag]) => ({ number, etag }));
    const done = await slow.post<CompletedUpload>(`/api/uploads/${encodeURIComponent(remaining.id)}/complete`, { parts });
    rmSync(file, { force: true });
    return done;
  };

  const failures: { shown: string; error: unknown }[] = [];
  for (const t of targets) {
    try {
      const r = await uploadOne(t);
      d.out(`uploaded ${t.shown} → ${r.key} (asset ${r.assetId}, ${r.status === 'ready' ? 'ready' : `${r.status}: ${r.reason ?? 'no reason given'}`})`);
    } catch (e) {
      const message = errorMessage(e).startsWith(`${t.shown}: `) ? errorMessage(e) : `${t.shown}: ${errorMessage(e)}`;
      const code: ErrorCode = isAppError(e) ? e.code : 'unavailable';
      // One file, or a key the server no longer takes: nothing more to try.
      if (targets.length === 1 || code === 'unauthorized') throw new AppError(code, message, { cause: e });
      note(`mpr: ${message}`);
      failures.push({ shown: t.shown, error: e });
    }
  }
  if (failures.length > 0) {
    const first = failures[0]!.error;
    throw new AppError(
      isAppError(first) ? first.code : 'unavailable',
      `${failures.length} of ${targets.length} files were not uploaded: ${failures.map((x) => x.shown).join(', ')}`,
    );
  }
};
