/**
 * Folder storage: a key is a path under the root. Writes go to a hidden temp
 * file in the target folder and are renamed into place, so a reader sees the
 * old object or the whole new one, never half of it. Symlinks are followed
 * only while they stay inside the root: a link to /etc never makes
 * `get('link/passwd')` work.
 */
import { mkdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { readdir, realpath, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AppError, errorMessage } from '../errors.ts';
import type { Body, Storage, StoredObject } from './index.ts';
import { makeFolder } from './folders.ts';
import { createFsMultipart } from './fs-multipart.ts';
import { errnoOf, fsError, TEMP_FILE, writeFileAtomic } from './fs-write.ts';
import { compareKeys, validateKey, validatePrefix, validateRange } from './keys.ts';

const toObject = (key: string, s: Stats): StoredObject => ({ key, size: s.size, modifiedAt: s.mtime.toISOString() });

const isInside = (real: string, realRoot: string): boolean => real === realRoot || real.startsWith(realRoot.endsWith(sep) ? realRoot : realRoot + sep);

export const createFsStorage = (root: string): Storage => {
  const given = resolve(root);
  let realRoot: string;
  try {
    mkdirSync(given, { recursive: true });
    realRoot = realpathSync(given);
    if (!statSync(realRoot).isDirectory()) throw new Error('not a folder');
  } catch (e) {
    throw new AppError('unavailable', `storage folder ${given} cannot be used: ${errorMessage(e)}`, { cause: e });
  }
  const describe = given;
  const pathOf = (key: string): string => join(realRoot, ...key.split('/'));
  const leadsOutside = (key: string): AppError =>
    new AppError('validation', `storage key ${JSON.stringify(key)} leads outside the folder ${given} through a symlink`);

  /** The root vanished (unmounted volume, deleted folder): say so instead of "not found". */
  const rootGone = async (): Promise<AppError | null> => {
    const s = await stat(realRoot).catch(() => null);
    return s?.isDirectory() ? null : new AppError('unavailable', `storage folder ${given} does not exist any more (removed or unmounted?)`);
  };

  /** Real path of an existing key (checked inside the root), or null when absent. */
  const resolveExisting = async (key: string): Promise<string | null> => {
    let real: string;
    try {
      real = await realpath(pathOf(key));
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        const gone = await rootGone();
        if (gone) throw gone;
        return null;
      }
      throw fsError(e, `reading ${JSON.stringify(key)} in ${given}`);
    }
    if (!isInside(real, realRoot)) throw leadsOutside(key);
    return real;
  };

  /**
   * Checks that the nearest existing one of `from` and its ancestors is
   * inside the root: `from` is the key's own path for reads, its folder for
   * writes and deletes (which replace or remove a link, never follow it).
   */
  const checkAncestors = async (key: string, from: string): Promise<void> => {
    for (let dir = from; ; dir = dirname(dir)) {
      const real = await realpath(dir).catch(() => null);
      if (real !== null) {
        if (!isInside(real, realRoot)) throw leadsOutside(key);
        return;
      }
      if (dir === realRoot || dir === dirname(dir)) {
        throw (await rootGone()) ?? new AppError('unavailable', `storage folder ${given} cannot be read`);
      }
    }
  };

  const checkAncestorsSync = (key: string): void => {
    for (let dir = pathOf(key); ; dir = dirname(dir)) {
      let real: string | null = null;
      try {
        real = realpathSync(dir);
      } catch {
        // keep walking up to the nearest existing ancestor
      }
      if (real !== null) {
        if (!isInside(real, realRoot)) throw leadsOutside(key);
        return;
      }
      if (dir === realRoot || dir === dirname(dir)) return;
    }
  };

  const statFile = async (key: string): Promise<{ real: string; stats: Stats } | null> => {
    const real = await resolveExisting(key);
    if (real === null) return null;
    const stats = await stat(real).catch((e) => {
      if (errnoOf(e) === 'ENOENT') return null;
      throw fsError(e, `reading ${JSON.stringify(key)} in ${given}`);
    });
    // A folder is not an object, as on S3 where "a/" only exists through its keys.
    return stats?.isFile() ? { real, stats } : null;
  };

  const requireFile = async (key: string) => {
    const found = await statFile(key);
    if (!found) throw new AppError('not_found', `no object ${JSON.stringify(key)} in ${given}`);
    return found;
  };

  /** Removes empty folders from `dir` up to (not including) the root, so deleted trees leave no husks. */
  const pruneEmpty = async (dir: string): Promise<void> => {
    for (let d = dir; d !== realRoot && isInside(d, realRoot); d = dirname(d)) {
      const removed = await rmdir(d).then(
        () => true,
        () => false, // not empty, already gone or a concurrent put just made it: stop
      );
      if (!removed) return;
    }
  };

  const writeKey = async (key: string, body: Body): Promise<StoredObject> => {
    const where = `writing ${JSON.stringify(key)} in ${given}`;
    const dest = pathOf(key);
    // Throws when the root vanished, so mkdir -p never recreates it on a bare mount point.
    await checkAncestors(key, dirname(dest));
    await makeFolder(dirname(dest)).catch((e) => Promise.reject(fsError(e, where)));
    try {
      await writeFileAtomic(dest, body, where);
    } catch (e) {
      await pruneEmpty(dirname(dest)); // drop the folders made for a write that did not happen
      throw e;
    }
    return toObject(key, await stat(dest).catch((e) => Promise.reject(fsError(e, where))));
  };

  const walk = async (prefix: string): Promise<StoredObject[]> => {
    const found: StoredObject[] = [];
    const visited = new Set<string>();
    const start = prefix.slice(0, prefix.lastIndexOf('/') + 1); // folder part, '' or ends with '/'
    const startReal =
      start === ''
        ? realRoot
        : await resolveExisting(start.slice(0, -1)).catch((e) => {
            if (e instanceof AppError && e.code === 'validation') return null; // escaping link: nothing to list
            throw e;
          });
    if (startReal === null) return found;
    const visit = async (dirReal: string, dirKey: string): Promise<void> => {
      if (visited.has(dirReal)) return; // symlink cycle
      visited.add(dirReal);
      const entries = await readdir(dirReal, { withFileTypes: true }).catch((e) => {
        if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') return [];
        throw fsError(e, `listing ${JSON.stringify(dirKey)} in ${given}`);
      });
      await Promise.all(
        entries.map(async (entry) => {
          if (TEMP_FILE.test(entry.name)) return;
          const key = dirKey + entry.name;
          try {
            validateKey(key);
          } catch {
            return; // a name no key can reach (control characters, backslash): not an object
          }
          let real = join(dirReal, entry.name);
          if (entry.isSymbolicLink()) {
            const target = await realpath(real).catch(() => null);
            if (target === null || !isInside(target, realRoot)) return; // dangling or escaping
            real = target;
          }
          const s = await stat(real).catch(() => null); // vanished while listing
          if (s?.isDirectory()) {
            const sub = `${key}/`;
            if (sub.startsWith(prefix) || prefix.startsWith(sub)) await visit(real, sub);
          } else if (s?.isFile() && key.startsWith(prefix)) {
            found.push(toObject(key, s));
          }
        }),
      );
    };
    await visit(startReal, start);
    return found;
  };

  const list = async (prefix = ''): Promise<StoredObject[]> => {
    validatePrefix(prefix);
    const gone = await rootGone();
    if (gone) throw gone;
    return (await walk(prefix)).sort((a, b) => compareKeys(a.key, b.key));
  };

  const self: Storage = {
    backend: 'fs',
    describe,
    list,

    async stat(key) {
      validateKey(key);
      const found = await statFile(key);
      return found ? toObject(key, found.stats) : null;
    },

    async get(key, range) {
      validateKey(key);
      validateRange(key, range);
      const { real, stats } = await requireFile(key);
      const file = Bun.file(real);
      if (!range) return file.stream();
      const start = Math.min(range.start, stats.size);
      const end = Math.min(range.end ?? stats.size, stats.size);
      return file.slice(start, end).stream();
    },

    async put(key, body) {
      // contentType only matters to S3; a folder has no metadata to keep it in.
      validateKey(key);
      return writeKey(key, body);
    },

    async putFile(key, localPath) {
      validateKey(key);
      const s = await stat(localPath).catch(() => null);
      if (!s?.isFile()) throw new AppError('not_found', `local file ${localPath} does not exist (uploading to ${JSON.stringify(key)})`);
      // Bun.write(dest, Bun.file(src)) copies in the kernel (copy_file_range) where it can.
      return writeKey(key, Bun.file(localPath));
    },

    async getToFile(key, localPath) {
      validateKey(key);
      const { real } = await requireFile(key);
      const dest = resolve(localPath);
      const where = `downloading ${JSON.stringify(key)} to ${dest}`;
      await makeFolder(dirname(dest)).catch((e) => Promise.reject(fsError(e, where)));
      await writeFileAtomic(dest, Bun.file(real), where);
    },

    async delete(key) {
      validateKey(key);
      const path = pathOf(key);
      await checkAncestors(key, dirname(path));
      try {
        await unlink(path);
      } catch (e) {
        const code = errnoOf(e);
        // Absent, or a folder (EISDIR on Linux, EPERM on macOS): no object by that key.
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return;
        if (code === 'EPERM' && (await stat(path).catch(() => null))?.isDirectory()) return;
        throw fsError(e, `deleting ${JSON.stringify(key)} in ${given}`);
      }
      await pruneEmpty(dirname(path));
    },

    async deletePrefix(prefix) {
      validatePrefix(prefix);
      if (prefix === '') throw new AppError('validation', 'deletePrefix needs a non-empty prefix; refusing to empty the whole storage');
      const objects = await list(prefix);
      let deleted = 0;
      const dirs = new Set<string>();
      // Bounded batches: a prefix can hold many thousands of files.
      for (let i = 0; i < objects.length; i += 256) {
        await Promise.all(
          objects.slice(i, i + 256).map(async ({ key }) => {
            const path = pathOf(key);
            try {
              await unlink(path);
              deleted++;
              dirs.add(dirname(path));
            } catch (e) {
              if (errnoOf(e) !== 'ENOENT') throw fsError(e, `deleting ${JSON.stringify(key)} in ${given}`);
            }
          }),
        );
      }
      // Deepest first, so a parent is empty by the time we reach it.
      for (const dir of [...dirs].sort((a, b) => b.length - a.length)) await pruneEmpty(dir);
      return deleted;
    },

    async url(key) {
      validateKey(key);
      await checkAncestors(key, pathOf(key));
      return pathToFileURL(pathOf(key)).href;
    },

    localPath(key) {
      validateKey(key);
      checkAncestorsSync(key);
      return pathOf(key);
    },

    multipart: (stagingDir) => createFsMultipart(self, stagingDir),
  };
  return self;
};
