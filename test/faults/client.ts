/**
 * The fault suite's HTTP client of a running MPR (over real loopback HTTP,
 * as the UI and the CLI call it): logs in as the cluster's admin and logs in
 * again when a token stops working (a restarted or replaced node), puts
 * corpus clips into the input store and scans them, submits hls-abr jobs,
 * and waits until every job is terminal, riding out a node or Redis that is
 * down for a while. Free of bun:test.
 */
import { basename } from 'node:path';
import type { Storage } from '../../src/storage/index.ts';
import { corpusFile } from '../corpus.ts';
import { FAULT_ADMIN } from './cluster.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Answer {
  status: number;
  json: Json;
}

export interface ApiClient {
  /** One call; throws only when nothing answered (connection refused, reset). */
  call(method: string, path: string, body?: unknown): Promise<Answer>;
  /** A call that must answer `expect` (default 2xx); throws a sentence with the answer otherwise. */
  must(method: string, path: string, body?: unknown, expect?: number): Promise<Json>;
}

/** `base()` is asked per call: a scenario that starts another API node swaps the URL. */
export const apiClient = (base: () => string): ApiClient => {
  let token: string | null = null;
  const login = async () => {
    const r = await fetch(`${base()}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(FAULT_ADMIN),
    });
    if (!r.ok) throw new Error(`login as ${FAULT_ADMIN.email} answered ${r.status}: ${await r.text()}`);
    token = ((await r.json()) as { accessToken: string }).accessToken;
  };
  const once = async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${base()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let json: Json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { raw: text };
    }
    return { status: r.status, json };
  };
  const call = async (method: string, path: string, body?: unknown) => {
    if (token === null) await login();
    const a = await once(method, path, body);
    if (a.status !== 401) return a;
    await login();
    return once(method, path, body);
  };
  return {
    call,
    async must(method, path, body, expect) {
      const a = await call(method, path, body);
      const ok = expect === undefined ? a.status >= 200 && a.status < 300 : a.status === expect;
      if (!ok) throw new Error(`${method} ${path} answered ${a.status}: ${JSON.stringify(a.json)}`);
      return a.json;
    },
  };
};

/** A corpus clip and the part of it a job encodes (short ranges keep 10 jobs well under a minute on 2 cores). */
export interface Clip {
  file: string;
  range: { start: number; end: number } | null;
}

/**
 * Short clips of different shapes (sizes, codecs, containers), trimmed to
 * 1.5 s: each job is one video chunk (every rung) and one audio chunk.
 */
export const SHORT_CLIPS: readonly Clip[] = [
  { file: 'video/mdn_flower.mp4', range: { start: 0, end: 1.5 } },
  { file: 'video/mdn_friday.mp4', range: { start: 1, end: 2.5 } },
  { file: 'video/androidx_internal_emulator_transformer_output.mp4', range: { start: 0, end: 1.5 } },
  { file: 'video/androidx_sample_with_increasing_timestamps_360p.mp4', range: { start: 3, end: 4.5 } },
  { file: 'video/androidx_sample.avi', range: { start: 0, end: 1.5 } },
];

/** A 1080p clip trimmed to 8 s: one video chunk whose ffmpeg runs for seconds (long enough to outlive a kill -9 of its parent). */
export const LONG_CLIP: Clip = { file: 'video/androidx_long_1080p_lowbitrate.mp4', range: { start: 0, end: 8 } };

/** `n` jobs cycling over `clips`. */
export const jobsOver = (clips: readonly Clip[], n: number): Clip[] => Array.from({ length: n }, (_, i) => clips[i % clips.length]!);

/** Puts the clips' files into the input store under their base names, scans, and waits until each is a ready asset; returns key → asset id. */
export const addAssets = async (api: ApiClient, input: Storage, clips: readonly Clip[], timeoutMs = 60_000): Promise<Map<string, string>> => {
  const keys = [...new Set(clips.map((c) => basename(c.file)))];
  for (const c of clips) {
    const key = basename(c.file);
    if (!(await input.stat(key))) await input.putFile(key, corpusFile(c.file));
  }
  await api.must('POST', '/api/assets/scan', {});
  const ids = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const items = (await api.must('GET', '/api/assets?limit=500')).items as Json[];
    for (const a of items) if (keys.includes(a.key) && a.status === 'ready') ids.set(a.key, a.id);
    if (ids.size === keys.length) return ids;
    if (Date.now() > deadline) {
      const seen = items.map((a) => `${a.key}: ${a.status}${a.reason ? ` (${a.reason})` : ''}`);
      throw new Error(`assets not ready after ${timeoutMs / 1000} s: ${seen.join('; ')}`);
    }
    await Bun.sleep(200);
  }
};

/** Submits an hls-abr job per clip (POST /api/jobs); returns the job ids in order. */
export const submitJobs = async (api: ApiClient, assets: Map<string, string>, clips: readonly Clip[]): Promise<string[]> => {
  const ids: string[] = [];
  for (const c of clips) {
    const assetId = assets.get(basename(c.file));
    if (!assetId) throw new Error(`no asset for ${c.file}: call addAssets with it first`);
    const job = await api.must('POST', '/api/jobs', { assetId, presetId: 'hls-abr', ...(c.range ? { range: c.range } : {}) }, 201);
    ids.push(job.id as string);
  }
  return ids;
};

export const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED'];

/**
 * Polls GET /api/jobs/:id for each job until all are terminal; returns their
 * DTOs. A call that fails (a node or Redis down) is tried again at the next
 * poll: only the deadline ends the wait, with every job's last status.
 */
export const waitTerminal = async (api: ApiClient, ids: readonly string[], timeoutMs: number, everyMs = 500): Promise<Json[]> => {
  const last = new Map<string, Json>();
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    for (const id of ids) {
      if (TERMINAL.includes(last.get(id)?.status)) continue;
      const a = await api.call('GET', `/api/jobs/${id}`).catch((e: Error) => ({ status: 0, json: { error: e.message } }));
      if (a.status === 200) last.set(id, a.json);
      else lastError = `GET /api/jobs/${id} answered ${a.status}: ${JSON.stringify(a.json)}`;
    }
    if (ids.every((id) => TERMINAL.includes(last.get(id)?.status))) return ids.map((id) => last.get(id));
    if (Date.now() > deadline) {
      const states = ids.map((id) => `${id}: ${last.get(id)?.status ?? 'unknown'} ${last.get(id)?.chunksDone ?? '?'}/${last.get(id)?.chunksTotal ?? '?'}`);
      throw new Error(`jobs not terminal after ${Math.round(timeoutMs / 1000)} s: ${states.join(', ')}${lastError ? `; last error: ${lastError}` : ''}`);
    }
    await Bun.sleep(everyMs);
  }
};
