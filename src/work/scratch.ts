/**
 * Scratch folders of running work: `<workDir>/<job>/a<attempt>/<name>.<run>`,
 * one per run of a chunk (`c3.<run>`) or step (`package.<run>`). Each run
 * gets a folder of its own, never cleared and reused by a rerun: an ffmpeg
 * that a killed process left running (until the next start-up kills it)
 * writes only into its own run's folder, never into the rerun's. The run id
 * names the process that made the folder (host, pid, start time) and a
 * random part.
 *
 * A finished run removes its folder and every parent it leaves empty, so a
 * day of jobs leaves no husks behind. Start-up sweeps what a crash left:
 * whole attempts that are over, and, inside an attempt still live, the run
 * folders of processes that are gone (the killed run's, which its rerun
 * left alone). Sibling chunks of one attempt make and remove their folders
 * at the same moment, so making one retries when a sibling pruned a parent
 * from under it (see folders.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { AppError } from '../errors.ts';
import { processAlive, processStartTime } from '../media/children.ts';
import { makeFolder, pruneEmptyFolders } from '../storage/folders.ts';

/** The scratch root inside a data folder. */
export const workDirOf = (dataDir: string): string => join(dataDir, 'work');

const ATTEMPT = /^a([1-9]\d*)$/;

/** One plain folder name: a job id, `c<n>`, `package`; never a path that could leave the scratch root. */
const checkName = (what: string, name: string): string => {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new AppError('validation', `scratch ${what} ${JSON.stringify(name)} must be a plain folder name`);
  }
  return name;
};

/** The folder every run of `name` in an attempt shares as a prefix: `<workDir>/<job>/a<attempt>/<name>`. */
export const scratchDir = (workDir: string, jobId: string, attempt: number, name: string): string => {
  if (!Number.isInteger(attempt) || attempt < 1) throw new AppError('validation', `scratch attempt must be a whole number from 1, got ${attempt}`);
  return join(workDir, checkName('job id', jobId), `a${attempt}`, checkName('folder', name));
};

/** The process that made a run folder: its host (a short hash of the host name), pid and start time (0 where unknown). */
export interface RunOwner {
  host: string;
  pid: number;
  start: number;
}

let me: RunOwner | null = null;
/** This process, as run ids name it. */
export const thisRunOwner = (): RunOwner =>
  (me ??= { host: createHash('sha1').update(hostname()).digest('hex').slice(0, 6), pid: process.pid, start: processStartTime('self') ?? 0 });

/** Pure: a run id, `<host>-<pid>-<start>-<random hex>`. */
export const runIdOf = (o: RunOwner, random: string): string => `${o.host}-${o.pid}-${o.start}-${random}`;

const RUN = /\.([0-9a-f]{6})-(\d+)-(\d+)-[0-9a-f]+$/;

/** Pure: who made a run folder, from its name (`c3.<run id>`); null for any other name. */
export const runOwnerOf = (folder: string): RunOwner | null => {
  const m = RUN.exec(folder);
  return m ? { host: m[1]!, pid: Number(m[2]), start: Number(m[3]) } : null;
};

/**
 * Pure: whether a run folder's maker may still be running, given this
 * process and what the system says about the maker's pid now: its start
 * time (null: not running), or, where start times are unknown (no /proc),
 * only whether some process has that pid. Another host's folders (a shared
 * data folder) and folders of a pid that cannot be told apart from a live
 * process are kept.
 */
export const ownerMayRun = (o: RunOwner, self: RunOwner, now: { start: number | null; exists: boolean }): boolean => {
  if (o.host !== self.host) return true;
  if (o.pid === self.pid && o.start === self.start) return true;
  if (self.start === 0) return now.exists;
  return now.start !== null && now.start === o.start;
};

/**
 * A new, empty scratch folder for one run of `name`: `<name>.<run id>`.
 * Returns its path, which removeScratch takes. Earlier runs' folders are
 * left alone: one may still be in use (the same chunk delivered twice); the
 * attempt's removal or the start-up sweep takes the rest.
 */
export const makeScratch = async (workDir: string, jobId: string, attempt: number, name: string): Promise<string> => {
  const dir = `${scratchDir(workDir, jobId, attempt, name)}.${runIdOf(thisRunOwner(), randomBytes(4).toString('hex'))}`;
  await makeFolder(dir);
  return dir;
};

/** Removes a run's scratch folder (the path makeScratch returned) and its attempt's and job's folders when nothing else is left in them. */
export const removeScratch = async (workDir: string, dir: string): Promise<void> => {
  const parts = relative(workDir, dir).split(sep);
  if (parts.length !== 3 || parts.some((p) => p === '' || p === '..') || !ATTEMPT.test(parts[1]!)) {
    throw new AppError('validation', `${dir} is not a scratch folder of ${workDir}: removeScratch takes the path makeScratch returned`);
  }
  await rm(dir, { recursive: true, force: true });
  await pruneEmptyFolders(dirname(dir), workDir);
};

/** Removes an attempt's whole scratch folder (a failed or cancelled attempt), and its job's folder when that is left empty. */
export const removeAttemptScratch = async (workDir: string, jobId: string, attempt: number): Promise<void> => {
  const dir = dirname(scratchDir(workDir, jobId, attempt, 'x'));
  await rm(dir, { recursive: true, force: true });
  await pruneEmptyFolders(dirname(dir), workDir);
};

export interface SweepResult {
  /** Attempt folders (and stray entries) removed, and run folders of gone processes inside attempts kept. */
  removed: number;
  /** Attempt folders kept because their attempt may still be running somewhere. */
  kept: number;
}

const entriesOf = async (dir: string) => readdir(dir, { withFileTypes: true }).catch(() => []);

/** Inside a kept attempt: removes the run folders whose maker is gone; returns how many. */
const sweepRuns = async (attemptDir: string): Promise<number> => {
  const self = thisRunOwner();
  let removed = 0;
  for (const entry of await entriesOf(attemptDir)) {
    const owner = entry.isDirectory() ? runOwnerOf(entry.name) : null;
    if (!owner || ownerMayRun(owner, self, { start: processStartTime(owner.pid), exists: processAlive(owner.pid) })) continue;
    await rm(join(attemptDir, entry.name), { recursive: true, force: true });
    removed++;
  }
  return removed;
};

/**
 * Start-up, before this process starts any work: removes what crashed or
 * killed work left under `workDir`. `keep(jobId, attempt)` says whether an
 * attempt may still be running (a live attempt's chunks are re-delivered and
 * clean up after themselves); everything else goes, and so does every
 * folder left empty. Inside a kept attempt, the run folders of processes
 * that are gone go too: a killed run's rerun leaves its folder alone.
 */
export const sweepScratch = async (
  workDir: string,
  keep: (jobId: string, attempt: number) => boolean | Promise<boolean> = () => false,
): Promise<SweepResult> => {
  const result: SweepResult = { removed: 0, kept: 0 };
  for (const job of await entriesOf(workDir)) {
    const jobDir = join(workDir, job.name);
    if (!job.isDirectory()) {
      await rm(jobDir, { force: true });
      result.removed++;
      continue;
    }
    for (const entry of await entriesOf(jobDir)) {
      const m = ATTEMPT.exec(entry.name);
      if (m && entry.isDirectory() && (await keep(job.name, Number(m[1])))) {
        result.kept++;
        result.removed += await sweepRuns(join(jobDir, entry.name));
        await rmdir(join(jobDir, entry.name)).catch(() => {}); // left empty: its next run makes it again
        continue;
      }
      await rm(join(jobDir, entry.name), { recursive: true, force: true });
      result.removed++;
    }
    await rmdir(jobDir).catch(() => {}); // not empty: a kept attempt, or work that started just now
  }
  return result;
};
