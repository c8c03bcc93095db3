/**
 * Writing files so readers never see half of one: a hidden temp file in the
 * target folder, then a rename; and the mapping of filesystem errors to
 * AppErrors that every folder-store module shares.
 */
import { open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError, errorMessage } from '../errors.ts';
import { makeFolder, PRUNE_RACE_TRIES } from './folders.ts';
import type { Body } from './index.ts';

/** Temp files this module writes; listing skips them. The name is key-free so it never exceeds NAME_MAX. */
export const TEMP_FILE = /^\.mpr-[0-9a-f]{16}\.part$/;
const tempName = (): string => `.mpr-${Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex')}.part`;

type Errno = Error & { code?: string };
export const errnoOf = (e: unknown): string | undefined => (e as Errno | null)?.code;

/**
 * Maps a filesystem error to an AppError. `where` is what was being done,
 * like `writing "a/b.mp4" in /data/out`.
 */
export const fsError = (e: unknown, where: string): Error => {
  if (e instanceof AppError) return e;
  const code = errnoOf(e);
  const detail = errorMessage(e);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return new AppError('insufficient_storage', `disk full: ${where} (${detail})`, { cause: e });
    // Not a permission the owner could grant: the filesystem is mounted read-only (or went read-only after errors).
    case 'EROFS':
      return new AppError('unavailable', `read-only file system: ${where} (${detail})`, { cause: e });
    case 'EACCES':
    case 'EPERM':
      return new AppError('unavailable', `permission denied ${where}: ${detail}`, { cause: e });
    case 'EISDIR':
    case 'ENOTDIR':
    case 'EEXIST':
      return new AppError('conflict', `a folder and a file share a name ${where}: ${detail}`, { cause: e });
    case 'ENAMETOOLONG':
      return new AppError('validation', `name too long for this filesystem ${where}`, { cause: e });
    default:
      return new AppError('unavailable', `filesystem error ${where}: ${detail}`, { cause: e });
  }
};

/**
 * Creates `path` with `create`, making its folder again each time a prune
 * beside us removed it between our mkdir and the create (ENOENT; EEXIST from
 * the folder Bun.write makes by itself).
 */
export const createInFolder = async <T>(path: string, create: () => Promise<T>): Promise<T> => {
  for (let tries = 1; ; tries++) {
    try {
      return await create();
    } catch (e) {
      const code = errnoOf(e);
      if (tries >= PRUNE_RACE_TRIES || (code !== 'ENOENT' && code !== 'EEXIST')) throw e;
      await makeFolder(dirname(path));
    }
  }
};

/**
 * Writes a body to `dest` through a temp file in the same folder and a
 * rename. Streams are written chunk by chunk with backpressure; an error from
 * the body (or the disk) removes the temp file and leaves `dest` untouched.
 * Errors from the body stream are rethrown as they are: they are the
 * caller's, not the disk's.
 */
export const writeFileAtomic = async (dest: string, body: Body, where: string): Promise<void> => {
  const tmp = join(dirname(dest), tempName());
  try {
    if (body instanceof ReadableStream) await writeStream(tmp, body, where);
    else await createInFolder(tmp, () => Bun.write(tmp, body)).catch((e) => Promise.reject(fsError(e, where)));
    await rename(tmp, dest).catch((e) => Promise.reject(fsError(e, where)));
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
};

/**
 * Opens the temp file, making its folder again while it is missing: a delete
 * beside us prunes folders it emptied, and may race a put into the same one.
 * Once the temp file exists the folder is not empty, so no prune can take it.
 */
const openTemp = (tmp: string) => createInFolder(tmp, () => open(tmp, 'wx'));

const writeStream = async (tmp: string, stream: ReadableStream<Uint8Array>, where: string): Promise<void> => {
  const reader = stream.getReader();
  const fh = await openTemp(tmp).catch((e) => {
    void reader.cancel(e).catch(() => {});
    return Promise.reject(fsError(e, where));
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      try {
        // fh.write may write less than asked; loop until the chunk is out.
        for (let off = 0; off < value.byteLength; ) {
          const { bytesWritten } = await fh.write(value, off, value.byteLength - off);
          off += bytesWritten;
        }
      } catch (e) {
        // Stop the producer: nobody will read the rest.
        await reader.cancel(e).catch(() => {});
        throw fsError(e, where);
      }
    }
  } finally {
    reader.releaseLock();
    await fh.close();
  }
};
