/**
 * Opens the data folder (MPR_DATA) and its SQLite file. SQLite alone only
 * says "unable to open database file"; in a container with a bind-mounted
 * /data that the image's user cannot write, that sentence names neither the
 * folder nor the user nor the fix, so a failure here says all three.
 */
import type { Database } from 'bun:sqlite';
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, errorMessage } from './errors.ts';
import { openDatabase } from './events/log/sqlite.ts';

export interface DataFolderProblem {
  dataDir: string;
  /** The process's user and group (process.getuid/getgid), null where the platform has none. */
  uid: number | null;
  gid: number | null;
  /** The path is there but is a file (or other non-folder), not a folder. */
  notFolder: boolean;
  /** The folder is missing and could not be made (its parent is not writable). */
  missing?: boolean;
  /** What the system said (EACCES, SQLiteError: unable to open database file, ...). */
  cause: string;
}

/** Pure: the sentence a person reads when the data folder cannot be used. */
export const dataFolderMessage = (p: DataFolderProblem): string => {
  const who = p.uid === null ? 'this user' : `uid ${p.uid}${p.gid === null ? '' : `, gid ${p.gid}`}`;
  const owner = p.uid === null ? '' : `${p.uid}${p.gid === null ? '' : `:${p.gid}`}`;
  if (p.notFolder) {
    return (
      `MPR cannot use its data folder ${p.dataDir}: it is a file, not a folder (${p.cause}). ` +
      `Point MPR_DATA at a folder (it is made when missing), or move that file away.`
    );
  }
  const chown = owner ? `, e.g. ${p.missing ? `mkdir -p ${p.dataDir} && ` : ''}chown -R ${owner} ${p.dataDir}` : '';
  return (
    `MPR cannot ${p.missing ? 'create' : 'write'} its data folder ${p.dataDir} (${p.cause}). ` +
    `MPR runs as ${who} and must create and write files there (mpr.db with its -wal and -shm files, media/, work/). ` +
    `Fix: give that user write access${chown}; ` +
    `for a Docker bind mount (-v /host/folder:${p.dataDir}) run the chown on the host folder; ` +
    `or set MPR_DATA to a folder this user can write.`
  );
};

/** SQLite's errors carry their class in the name only ("SQLiteError"); keep it, it is what people search for. */
const causeOf = (e: unknown): string =>
  e instanceof Error && e.name !== 'Error' && !e.message.startsWith(e.name) ? `${e.name}: ${e.message}` : errorMessage(e);

const ids = () => ({ uid: process.getuid?.() ?? null, gid: process.getgid?.() ?? null });

/**
 * Makes the data folder when missing and opens `mpr.db` in it; throws
 * AppError('unavailable') with dataFolderMessage when either fails.
 */
export const openDataFolder = (dataDir: string, synchronous: 'NORMAL' | 'FULL' = 'NORMAL'): Database => {
  const file = join(dataDir, 'mpr.db');
  const fail = (e: unknown, how: { notFolder?: boolean; missing?: boolean; what?: string } = {}): never => {
    const cause = (how.what ?? '') + causeOf(e);
    throw new AppError('unavailable', dataFolderMessage({ dataDir, ...ids(), notFolder: !!how.notFolder, missing: how.missing, cause }), { cause: e });
  };
  const existed = existsSync(dataDir);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    fail(e, code === 'EEXIST' || code === 'ENOTDIR' ? { notFolder: true } : { missing: !existed });
  }
  if (!statSync(dataDir).isDirectory()) fail(new Error('not a directory'), { notFolder: true });
  try {
    // root passes these whatever the mode; for anyone else they catch a
    // read-only folder or file before SQLite opens it read-only and fails later.
    accessSync(dataDir, constants.W_OK | constants.X_OK);
    if (existsSync(file)) accessSync(file, constants.R_OK | constants.W_OK);
  } catch (e) {
    fail(e);
  }
  try {
    return openDatabase(file, synchronous);
  } catch (e) {
    return fail(e, { what: `opening ${file}: ` });
  }
};
