/**
 * Scratch folders of running work: `<workDir>/<job>/a<attempt>/<name>`, one
 * per chunk (`c3`) or step (`package`). A finished piece of work removes its
 * own folder and every parent it leaves empty, so a day of jobs leaves no
 * husks behind; start-up sweeps what a crash left. Sibling chunks of one
 * attempt make and remove their folders at the same moment, so making one
 * retries when a sibling pruned a parent from under it (see folders.ts).
 */
import { readdir, rm, rmdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../errors.ts';
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

export const scratchDir = (workDir: string, jobId: string, attempt: number, name: string): string => {
  if (!Number.isInteger(attempt) || attempt < 1) throw new AppError('validation', `scratch attempt must be a whole number from 1, got ${attempt}`);
  return join(workDir, checkName('job id', jobId), `a${attempt}`, checkName('folder', name));
};

/** A fresh, empty scratch folder (leftovers of an earlier run of the same work removed); returns its path. */
export const makeScratch = async (workDir: string, jobId: string, attempt: number, name: string): Promise<string> => {
  const dir = scratchDir(workDir, jobId, attempt, name);
  await rm(dir, { recursive: true, force: true });
  await makeFolder(dir);
  return dir;
};

/** Removes a scratch folder and its attempt's and job's folders when nothing else is left in them. */
export const removeScratch = async (workDir: string, jobId: string, attempt: number, name: string): Promise<void> => {
  const dir = scratchDir(workDir, jobId, attempt, name);
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
  /** Attempt folders (and stray entries) removed. */
  removed: number;
  /** Attempt folders kept because their attempt may still be running somewhere. */
  kept: number;
}

const entriesOf = async (dir: string) => readdir(dir, { withFileTypes: true }).catch(() => []);

/**
 * Start-up: removes what crashed or killed work left under `workDir`.
 * `keep(jobId, attempt)` says whether an attempt may still be running (a
 * live attempt's chunks are re-delivered and clean up after themselves);
 * everything else goes, and so does every folder left empty.
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
        continue;
      }
      await rm(join(jobDir, entry.name), { recursive: true, force: true });
      result.removed++;
    }
    await rmdir(jobDir).catch(() => {}); // not empty: a kept attempt, or work that started just now
  }
  return result;
};
