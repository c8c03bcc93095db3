/** The CLI's commands, each a function of parsed arguments and a system factory. */
import { statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { forkJob, planFork, stateAt } from '../actors/replay.ts';
import { checkForkFits, prepareFork, submitJob } from '../actors/submit.ts';
import { openDataFolder } from '../data-folder.ts';
import { AppError } from '../errors.ts';
import { createFsStorage, type Storage } from '../storage/index.ts';
import type { System } from '../system.ts';
import { holdDataLock } from './data-lock.ts';
import { formatEvent } from './format.ts';
import { followJob, terminalLine } from './run-job.ts';

export type Boot = () => Promise<System>;
type Out = (s: string) => void;

export const eventsCommand = async (boot: Boot, out: Out, a: { stream?: string; follow: boolean; from: number; json: boolean }) => {
  const s = await boot();
  const color = process.stdout.isTTY && !a.json;
  const print = (e: Parameters<typeof formatEvent>[0]) => out(a.json ? JSON.stringify(e) : formatEvent(e, { color, width: process.stdout.columns ?? 160 }));
  const matches = (stream: string) => !a.stream || a.stream === 'all' || stream === a.stream || stream.startsWith(`${a.stream}:`);
  try {
    if (a.stream && a.stream !== 'all' && !a.follow) {
      for (const e of await s.log.readStream(a.stream)) if (e.position > a.from) print(e);
      return;
    }
    if (a.follow) {
      const ctl = new AbortController();
      process.once('SIGINT', () => ctl.abort());
      for await (const e of s.log.subscribe(a.from, ctl.signal)) if (matches(e.stream)) print(e);
      return;
    }
    for (let after = a.from; ; ) {
      const page = await s.log.readAll(after, 1000);
      if (page.length === 0) break;
      for (const e of page) if (matches(e.stream)) print(e);
      after = page.at(-1)!.position;
    }
  } finally {
    await s.close();
  }
};

export const replayCommand = async (boot: Boot, out: Out, a: { jobId: string; from: number; dryRun: boolean; overrides: Record<string, unknown> }) => {
  const s = await boot();
  try {
    if (a.dryRun) {
      const req = await prepareFork(s, { jobId: a.jobId, fromPosition: a.from, overrides: a.overrides });
      const plan = await planFork(s.log, req);
      await checkForkFits(s, plan);
      out(`job ${a.jobId} as of position ${a.from} (stream version ${plan.at.version}, last event ${plan.at.last?.type ?? 'none'}):`);
      for (const c of plan.chunks)
        out(
          `  chunk ${c.n} (${c.type}): ${[c.reused.length ? `reuse ${c.reused.join(', ')}` : '', c.rerun.length ? `run ${c.rerun.join(', ')} again` : ''].filter(Boolean).join('; ')}${c.why ? ` (${c.why})` : ''}`,
        );
      out(
        `a fork would reuse ${plan.reused} finished chunk(s) and ${plan.rerun === null ? 'plan the job again' : `run ${plan.rerun} chunk(s) again`}` +
          (Object.keys(a.overrides).length ? ` with overrides ${JSON.stringify(a.overrides)}` : ''),
      );
      return;
    }
    await s.start();
    const req = await prepareFork(s, { jobId: a.jobId, fromPosition: a.from, overrides: a.overrides });
    await checkForkFits(s, await planFork(s.log, req));
    const child = await forkJob(s.runtime, { ...req, at: s.now() });
    out(`forked ${a.jobId} at position ${a.from} into job ${child}`);
    const job = await followJob(s, child, terminalLine());
    out(JSON.stringify({ id: job.id, source: job.source_name, preset: job.preset_name, status: job.status, error: job.error, result: job.result }, null, 2));
    if (job.status !== 'COMPLETED') process.exitCode = 1;
  } finally {
    await s.close();
  }
};

export const stateCommand = async (boot: Boot, out: Out, a: { stream: string; at: number | null }) => {
  const s = await boot();
  try {
    const head = await s.log.head();
    if (a.at !== null && a.at > head) throw new AppError('validation', `position ${a.at} is past the end of the log (its last event is at ${head})`);
    // An actor that never existed has no state to travel through: say so rather than print an empty one.
    if ((await s.log.version(a.stream)) === 0) {
      throw new AppError(
        'not_found',
        `no events in stream ${a.stream}: nothing by that name was ever recorded (streams look like job:<id> or asset:<id>; mpr events lists them)`,
      );
    }
    out(JSON.stringify(await stateAt(s.log, a.stream, a.at ?? head), null, 2));
  } finally {
    await s.close();
  }
};

export const rebuildCommand = async (boot: Boot, out: Out, a: { dataDir: string }) => {
  // Its own connection, taken before the system boots (which touches the read models).
  const lockDb = openDataFolder(a.dataDir);
  const lock = (() => {
    try {
      return holdDataLock(lockDb, 'rebuild', { dataDir: a.dataDir });
    } catch (e) {
      lockDb.close();
      throw e;
    }
  })();
  const s = await boot().catch((e) => {
    lock.release();
    lockDb.close();
    throw e;
  });
  try {
    const t0 = performance.now();
    const n = await s.projections.rebuild();
    const secs = (performance.now() - t0) / 1000;
    out(`rebuilt ${s.projections.status().length} read models from ${n} events in ${secs.toFixed(2)} s (${Math.round(n / Math.max(secs, 1e-6))} events/s)`);
  } finally {
    await s.close();
    lock.release();
    lockDb.close();
  }
};

/**
 * Pure: the input-store key that names `file` (absolute) when it lies in the
 * input folder, else null. Keys use "/" whatever the platform.
 */
export const keyInFolder = (file: string, folder: string | null): string | null => {
  if (folder === null) return null;
  const rel = relative(resolve(folder), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : null;
};

/**
 * Hashes a local file as a checksum job. A job reads through the input
 * store, so a file inside the input folder is named by its key there (its
 * forks find it again); any other file is read through a folder store
 * rooted at the file's own folder, for this run.
 */
export const checksumCommand = async (
  boot: (input?: Storage) => Promise<System>,
  out: Out,
  a: { file: string; chunkBytes?: number; inputFolder: string | null },
) => {
  const file = resolve(a.file);
  if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw new AppError('validation', `no such file: ${a.file}`);
  const inInput = keyInFolder(file, a.inputFolder);
  const s = await (inInput === null ? boot(createFsStorage(dirname(file))) : boot());
  try {
    await s.start();
    const inputKey = inInput ?? basename(file);
    const { jobId } = await submitJob(s, { kind: 'checksum', params: { inputKey, ...(a.chunkBytes ? { chunkBytes: a.chunkBytes } : {}) }, actor: 'cli' });
    const job = await followJob(s, jobId, terminalLine());
    if (job.status !== 'COMPLETED') {
      process.exitCode = 1;
      out(`job ${jobId} ${job.status}: ${job.error}`);
      return;
    }
    out(JSON.stringify({ job: jobId, ...(job.result as object) }));
  } finally {
    await s.close();
  }
};
