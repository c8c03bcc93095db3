/**
 * What every fault scenario asserts after its jobs end (issue 13, "The fault
 * suite"): every job COMPLETED exactly once (or FAILED for a reason the
 * scenario expects), each chunk's result recorded once, no gap in any
 * stream's versions, every rendition plays (`ffmpeg -v error` decodes it and
 * prints nothing), no duplicate renditions, and read models that a rebuild
 * from the log reproduces exactly. Each check returns the problems it found
 * as sentences (empty: all well), so a test asserts `toEqual([])` and sees
 * every problem at once, and a benchmark can use the same checks. The pure
 * ones take the log's events; the rest read stores, files and ffmpeg.
 * Free of bun:test.
 */
import { Database } from 'bun:sqlite';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { EventLog } from '../../src/events/log/index.ts';
import type { StoredEvent } from '../../src/events/types.ts';
import { allProjections } from '../../src/projections/index.ts';
import type { Storage } from '../../src/storage/index.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The whole log, in position order. */
export const readWholeLog = async (log: EventLog): Promise<StoredEvent[]> => {
  const out: StoredEvent[] = [];
  for (let after = 0; ; ) {
    const page = await log.readAll(after, 1000);
    if (page.length === 0) return out;
    out.push(...page);
    after = page.at(-1)!.position;
  }
};

/** Pure: events grouped by stream, each group in position order. */
export const byStream = (events: readonly StoredEvent[]): Map<string, StoredEvent[]> => {
  const m = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const list = m.get(e.stream) ?? [];
    list.push(e);
    m.set(e.stream, list);
  }
  return m;
};

/** Pure: global positions 1..N without a hole, and every stream's versions 1..n in position order. */
export const gapProblems = (events: readonly StoredEvent[]): string[] => {
  const problems: string[] = [];
  events.forEach((e, i) => {
    if (e.position !== i + 1) problems.push(`position ${i + 1} expected, found ${e.position} (${e.stream} v${e.version} ${e.type}): a hole in the global log`);
  });
  for (const [stream, list] of byStream(events)) {
    const bad = list.findIndex((e, i) => e.version !== i + 1);
    if (bad >= 0) problems.push(`${stream}: versions ${list.map((e) => e.version).join(',')}: expected 1..${list.length}`);
  }
  return problems.slice(0, 20);
};

/** Each stream read on its own (the Redis log keeps one per actor) holds exactly what the global log says it does. */
export const streamAgreementProblems = async (log: EventLog, events: readonly StoredEvent[]): Promise<string[]> => {
  const problems: string[] = [];
  for (const [stream, list] of byStream(events)) {
    const own = await log.readStream(stream);
    const a = own.map((e) => `${e.version}:${e.position}:${e.type}`).join(' ');
    const b = list.map((e) => `${e.version}:${e.position}:${e.type}`).join(' ');
    if (a !== b) problems.push(`${stream}: its own stream holds [${a}] but the global log [${b}]`);
  }
  return problems.slice(0, 20);
};

/** A FAILED job whose reason the scenario expects; anything else must COMPLETE. */
export type ExpectedFailure = (jobId: string, reason: string) => boolean;

/**
 * Pure: each job's stream ends COMPLETED with exactly one JobCompleted (or
 * FAILED for an expected reason), and the API's view agrees; each chunk of the
 * attempt that completed succeeded exactly once, and no chunk stream of any
 * attempt recorded two results.
 */
export const jobOutcomeProblems = (events: readonly StoredEvent[], jobs: readonly Json[], expectedFailure: ExpectedFailure = () => false): string[] => {
  const streams = byStream(events);
  const problems: string[] = [];
  for (const job of jobs) {
    const id = job.id as string;
    const own = streams.get(`job:${id}`) ?? [];
    const completed = own.filter((e) => e.type === 'JobCompleted').length;
    const failed = own.filter((e) => e.type === 'JobFailed');
    const attempt = 1 + own.filter((e) => e.type === 'JobRetried').length;
    if (failed.length > 0) {
      const reason = String((failed.at(-1)!.data as Json).reason);
      if (!expectedFailure(id, reason)) problems.push(`job ${id} (${job.sourceKey}) FAILED: ${reason}`);
      if (completed > 0) problems.push(`job ${id} both completed and failed`);
    } else if (completed !== 1) {
      problems.push(`job ${id} (${job.sourceKey}) has ${completed} JobCompleted events in its stream (expected exactly 1); API status ${job.status}`);
    }
    const logStatus = completed === 1 ? 'COMPLETED' : failed.length > 0 ? 'FAILED' : 'unfinished';
    if (job.status !== logStatus) problems.push(`job ${id}: the API says ${job.status}, its stream says ${logStatus}`);
    const suffix = attempt > 1 ? `:r${attempt}` : '';
    for (const [stream, list] of streams) {
      if (!stream.startsWith(`chunk:${id}:`)) continue;
      const results = list.filter((e) => e.type === 'ChunkSucceeded').length;
      const current = /^chunk:[^:]+:\d+(:r\d+)?$/.exec(stream)?.[1] ?? '';
      if (results > 1) problems.push(`${stream} recorded ${results} results (ChunkSucceeded): a chunk ran to a result twice`);
      if (completed === 1 && current === suffix && results !== 1) problems.push(`${stream} of the completed attempt has ${results} ChunkSucceeded`);
    }
  }
  return problems;
};

/** Pure: a completed job's renditions are distinct, and the store holds exactly its playlists (no second copy of a rung). */
export const renditionProblems = (job: Json, storedKeys: readonly string[]): string[] => {
  const problems: string[] = [];
  const renditions = (job.renditions ?? []) as Json[];
  const names = renditions.map((r) => r.name as string);
  const keys = renditions.map((r) => r.key as string);
  const dup = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
  if (renditions.length === 0) problems.push(`job ${job.id} completed with no renditions`);
  if (dup(names).length) problems.push(`job ${job.id}: duplicate renditions ${dup(names).join(', ')}`);
  if (dup(keys).length) problems.push(`job ${job.id}: two renditions at ${dup(keys).join(', ')}`);
  const declared = new Set<string>([...(job.outputs?.playlists ?? []), ...(job.outputs?.master ? [job.outputs.master] : [])]);
  const stored = storedKeys.filter((k) => k.endsWith('.m3u8'));
  const extra = stored.filter((k) => !declared.has(k));
  const missing = [...declared].filter((k) => !stored.includes(k));
  if (extra.length) problems.push(`job ${job.id}: playlists in the store that its result does not name: ${extra.join(', ')}`);
  if (missing.length) problems.push(`job ${job.id}: playlists its result names that the store lacks: ${missing.join(', ')}`);
  return problems;
};

/** Runs ffmpeg on a playlist: exit 0 and not a line printed at -v error, or the problem. */
const decodeProblem = async (label: string, file: string): Promise<string | null> => {
  const p = Bun.spawn(['ffmpeg', '-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-'], { stdin: 'ignore', stdout: 'pipe', stderr: 'pipe' });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  const said = `${out}${err}`.trim();
  return code === 0 && said === '' ? null : `${label} does not decode cleanly (exit ${code}): ${said.slice(0, 400)}`;
};

/**
 * Every completed job's outputs: renditionProblems, then every playlist it
 * names (each rung and the audio) decoded by ffmpeg. A store without local
 * paths (S3) is first copied under `scratch`.
 */
export const outputProblems = async (output: Storage, jobs: readonly Json[], scratch: string): Promise<string[]> => {
  const problems: string[] = [];
  const decodes: { label: string; file: string }[] = [];
  for (const job of jobs) {
    if (job.status !== 'COMPLETED') continue;
    const stored = (await output.list(`jobs/${job.id}/`)).map((o) => o.key);
    problems.push(...renditionProblems(job, stored));
    const local = (key: string) => output.localPath(key) ?? join(scratch, key);
    if (output.localPath(stored[0] ?? 'x') === null) {
      // Only what the decoder reads: the playlists and their segments (not the thumbnails).
      const media = stored.filter((k) => k.includes('/hls/'));
      for (let i = 0; i < media.length; i += 8) {
        await Promise.all(
          media.slice(i, i + 8).map(async (key) => {
            mkdirSync(dirname(join(scratch, key)), { recursive: true });
            await output.getToFile(key, join(scratch, key));
          }),
        );
      }
    }
    for (const key of (job.outputs?.playlists ?? []) as string[]) decodes.push({ label: `job ${job.id} (${job.sourceKey}) ${key}`, file: local(key) });
  }
  // Two decoders at a time: the machine has two cores.
  const queue = [...decodes];
  await Promise.all(
    [0, 1].map(async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const p = await decodeProblem(d.label, d.file);
        if (p) problems.push(p);
      }
    }),
  );
  return problems;
};

export type ReadModelDump = Record<string, unknown[]>;

/** Every read-model table of a data folder, in key order, and the projections' positions. No server may write it meanwhile. */
export const dumpReadModels = (dataDir: string): ReadModelDump => {
  const db = new Database(join(dataDir, 'mpr.db'));
  try {
    const dump: ReadModelDump = {};
    for (const p of allProjections()) dump[p.table.spec.name] = p.table.dump(db);
    dump.projection_state = db.query('SELECT name, version, position, errors, last_error FROM projection_state ORDER BY name').all();
    return dump;
  } finally {
    db.close();
  }
};

/** Pure: how two dumps differ, table by table (the first differing row of each, and the counts). */
export const dumpDifferences = (live: ReadModelDump, rebuilt: ReadModelDump): string[] => {
  const problems: string[] = [];
  for (const table of new Set([...Object.keys(live), ...Object.keys(rebuilt)])) {
    const a = live[table] ?? [];
    const b = rebuilt[table] ?? [];
    const i = Array.from({ length: Math.max(a.length, b.length) }, (_, k) => k).find((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
    if (i === undefined) continue;
    problems.push(
      `${table}: live ${a.length} rows, rebuilt ${b.length}; first difference at row ${i}: live ${JSON.stringify(a[i] ?? null).slice(0, 300)} / rebuilt ${JSON.stringify(b[i] ?? null).slice(0, 300)}`,
    );
  }
  return problems;
};

/**
 * The one place that reads how GET /api/system/status reports a replaced
 * log (the log-epoch detection): `log.replaced` is null, or what was found
 * (`{ at, reason, previous, current }`); `true` with `log.reason` is read too.
 * Adjust here if the field moves.
 */
export const logReplacement = (status: Json): { replaced: boolean; reason: string | null } => {
  const r = status?.log?.replaced;
  const reason = typeof r?.reason === 'string' ? r.reason : typeof status?.log?.reason === 'string' ? status.log.reason : null;
  return { replaced: r === true || (typeof r === 'object' && r !== null), reason };
};
