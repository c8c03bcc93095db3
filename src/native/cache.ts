/**
 * The cache folder the compiled binary writes its native libraries to.
 *
 * A shared library cannot be dlopened from the binary's embedded file system
 * (`/$bunfs/...`): it has to be a real file. Each set (sharp, onnxruntime)
 * is written once to `<root>/<name>-<hash>/`, the hash being of the files'
 * contents as the build saw them, so a new binary never reuses an older
 * one's files and later starts only `stat` them.
 *
 * - Extraction goes to a temporary folder beside the final one and is
 *   renamed into place: a process that crashes halfway leaves no folder that
 *   looks complete, and two processes (the main thread and OCR workers,
 *   or two `mpr` commands) extracting at once both end with the same files.
 * - Roots are tried in order until one is writable, so a read-only HOME
 *   falls through to MPR_DATA or the temporary folder.
 * - The temporary-folder root is per user and must be owned by this user
 *   and closed to others: anyone able to write there could plant a library
 *   this process would load.
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { errorMessage } from '../errors.ts';

/** One file of a set: where the binary holds it, and the name it gets in the cache folder. */
export interface EmbeddedFile {
  /** A path the process can read: `/$bunfs/...` from a `with { type: 'file' }` import. */
  from: string;
  /** The file's name in the cache folder: for a library, its soname, which is what an addon's DT_NEEDED asks for. */
  name: string;
  /** Bytes, as the build saw them. */
  size: number;
}

export interface CacheRoot {
  dir: string;
  /** Shared with other users (the temporary folder): must be ours and closed to others. */
  shared: boolean;
}

/**
 * Pure: the cache roots to try, in order: $XDG_CACHE_HOME/mpr/native,
 * $HOME/.cache/mpr/native, $MPR_DATA/native (relative to `cwd`, as
 * config.ts reads it), then `<tmp>/mpr-native-<uid>`. Relative XDG and HOME
 * values are ignored, as the XDG spec says.
 */
export const cacheRoots = (env: Record<string, string | undefined>, sys: { tmpdir: string; uid: number; cwd: string }): CacheRoot[] => {
  const roots: CacheRoot[] = [];
  const add = (dir: string, shared = false) => {
    if (!roots.some((r) => r.dir === dir)) roots.push({ dir, shared });
  };
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) add(join(xdg, 'mpr/native'));
  const home = env.HOME;
  if (home && isAbsolute(home)) add(join(home, '.cache/mpr/native'));
  if (env.MPR_DATA) add(resolve(sys.cwd, env.MPR_DATA, 'native'));
  add(join(sys.tmpdir, `mpr-native-${sys.uid}`), true);
  return roots;
};

/** Pure: the folder name of a set in a root. Names and hashes come from the build: anything path-like is refused. */
export const setFolderName = (name: string, hash: string): string => {
  if (!/^[a-z0-9-]+$/.test(name) || !/^[0-9a-f]{8,64}$/.test(hash)) throw new Error(`bad native set name or hash: ${name} ${hash}`);
  return `${name}-${hash}`;
};

/** Whether `dir` holds every file of the set at its size. */
export const isComplete = (dir: string, files: readonly EmbeddedFile[]): boolean =>
  files.every((f) => {
    try {
      const s = statSync(join(dir, f.name));
      return s.isFile() && s.size === f.size;
    } catch {
      return false;
    }
  });

const checkPrivate = (root: CacheRoot, uid: number) => {
  if (!root.shared) return;
  const s = lstatSync(root.dir);
  if (!s.isDirectory() || s.uid !== uid || (s.mode & 0o022) !== 0) {
    throw new Error(`${root.dir} is not a folder of this user closed to others`);
  }
};

/** The set's folder in this root, written first if it is missing or incomplete. Throws when the root cannot be used. */
export const extractSet = (root: CacheRoot, folder: string, files: readonly EmbeddedFile[], uid: number): string => {
  const dir = join(root.dir, folder);
  if (isComplete(dir, files)) {
    checkPrivate(root, uid);
    return dir;
  }
  mkdirSync(root.dir, { recursive: true, mode: 0o700 });
  checkPrivate(root, uid);
  const tmp = mkdtempSync(join(root.dir, `.${folder}-`));
  try {
    for (const f of files) writeFileSync(join(tmp, f.name), readFileSync(f.from), { mode: 0o755 });
    if (!isComplete(tmp, files)) throw new Error(`the files written to ${tmp} do not have the sizes the build recorded`);
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process got there first: its folder is as good as ours.
      if (isComplete(dir, files)) return dir;
      // A folder left incomplete (files removed by hand): replace it.
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    }
    return dir;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
};

/** The first root in which the set is (or could be written) complete; throws with every root's reason when none works. */
export const ensureSet = (roots: readonly CacheRoot[], folder: string, files: readonly EmbeddedFile[], uid: number): string => {
  const why: string[] = [];
  for (const root of roots) {
    try {
      return extractSet(root, folder, files, uid);
    } catch (e) {
      why.push(`${root.dir}: ${errorMessage(e)}`);
    }
  }
  throw new Error(`no cache folder could take the native libraries (${why.join('; ')}); set XDG_CACHE_HOME to a writable folder`);
};
