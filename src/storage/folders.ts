/**
 * Folder helpers that stay correct when another task prunes the same folders
 * at the same moment (a delete that emptied them, a finished chunk's scratch
 * folder going): mkdir -p loses that race with EEXIST (it found a folder,
 * then the prune removed it before mkdir checked it is one) or ENOENT (a
 * parent it had just made was removed), so it tries again.
 */
import { mkdir, rmdir, stat } from 'node:fs/promises';
import { dirname, relative, isAbsolute } from 'node:path';

type Errno = Error & { code?: string };
const errnoOf = (e: unknown): string | undefined => (e as Errno | null)?.code;

/**
 * How often mkdir -p tries again. Each try loses only to a prune that ran in
 * its own few microseconds, so a handful is plenty; the bound stops a loop on
 * a folder that something keeps removing.
 */
export const PRUNE_RACE_TRIES = 50;

/** mkdir -p that survives a prune racing it; a file where a folder should be is still an error (EEXIST, ENOTDIR). */
export const makeFolder = async (dir: string): Promise<void> => {
  for (let tries = 1; ; tries++) {
    try {
      await mkdir(dir, { recursive: true });
      return;
    } catch (e) {
      const code = errnoOf(e);
      if (tries >= PRUNE_RACE_TRIES || (code !== 'EEXIST' && code !== 'ENOENT')) throw e;
      if (code === 'EEXIST' && (await stat(dir).catch(() => null))?.isDirectory() === false) throw e;
    }
  }
};

/** Whether `dir` lies strictly below `root` (both absolute, resolved). */
const isBelow = (dir: string, root: string): boolean => {
  const rel = relative(root, dir);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};

/**
 * Removes `dir` and then each parent while it is empty, stopping below
 * `root` (never removed). A folder that is not empty, already gone, or that
 * a racing makeFolder just filled stops the walk: the racer keeps its folder
 * and makes any parent we removed again.
 */
export const pruneEmptyFolders = async (dir: string, root: string): Promise<void> => {
  for (let d = dir; isBelow(d, root); d = dirname(d)) {
    const removed = await rmdir(d).then(
      () => true,
      () => false,
    );
    if (!removed) return;
  }
};
