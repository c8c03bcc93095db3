/**
 * The state files that make a re-run of `mpr upload` resume: one per file on
 * its way (server, absolute path, size, mtime, target folder → upload id),
 * in `uploads/` beside credentials.json, removed once the upload completes.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, errorMessage } from '../errors.ts';
import { type CliEnv, configDir } from './credentials.ts';

export interface SavedUpload {
  uploadId: string;
  server: string;
  path: string;
  size: number;
  mtimeMs: number;
  folder: string;
  savedAt: string;
}

/** Where the CLI keeps its unfinished uploads: `uploads/` beside credentials.json. */
export const uploadStateDir = (env: CliEnv): string => join(configDir(env), 'uploads');

export const stateFileOf = (env: CliEnv, s: Omit<SavedUpload, 'uploadId' | 'savedAt'>): string => {
  const id = createHash('sha256')
    .update(JSON.stringify([s.server, s.path, s.size, s.mtimeMs, s.folder]))
    .digest('hex')
    .slice(0, 32);
  return join(uploadStateDir(env), `${id}.json`);
};

export const readState = (file: string): SavedUpload | null => {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as Partial<SavedUpload>;
    return typeof v.uploadId === 'string' && v.uploadId ? (v as SavedUpload) : null;
  } catch {
    return null; // none, or half-written: start the upload afresh
  }
};

/** Written like the credentials: folder 0700, file 0600, a temp file renamed over. */
export const writeState = (file: string, s: SavedUpload) => {
  const dir = join(file, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new AppError('validation', `cannot save the upload's state in ${file}: ${errorMessage(e)}`);
  }
};
