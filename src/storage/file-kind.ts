/**
 * What a path holds when it is not a regular file. A folder store lists only
 * regular files, so a key whose file was replaced by a FIFO or a device is
 * "absent" to stat(); a worker names what is there instead of calling it gone.
 * (Opening a FIFO would block ffmpeg until a writer comes: it must not be run on one.)
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Pure: a phrase for an entry that is not a regular file ("a FIFO (named pipe)"); null for a regular file. */
export const nonFileKind = (s: Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string | null => {
  if (s.isFile()) return null;
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isDirectory()) return 'a folder';
  return 'not a regular file';
};

/** What is at `path` (symlinks followed) when it exists and is not a regular file; null when absent or a file. */
export const nonFileAt = async (path: string): Promise<string | null> => {
  const s = await stat(path).catch(() => null);
  return s ? nonFileKind(s) : null;
};
