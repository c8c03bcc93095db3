/**
 * Loading a native addon inside the compiled binary. Only the modules that
 * scripts/build.ts puts in place of sharp's and onnxruntime-node's own
 * loaders call this (bundle.ts writes them); from a checkout nothing imports
 * it, and the packages load their addons from node_modules as usual.
 *
 * Why the order: an addon names its library by soname (DT_NEEDED
 * `libvips-cpp.so.8.18.7`, `libonnxruntime.so.1`) and looks for it beside
 * itself ($ORIGIN) or in node_modules, neither of which exists here. The
 * dynamic linker does, however, reuse any library already loaded under that
 * soname, so each library is opened first, from the cache folder, with
 * bun:ffi's dlopen (which insists on resolving at least one symbol), and
 * the addon after it. Runs once per thread: each OCR Worker loads its own
 * addon instance, as it does from a checkout.
 */
import { dlopen, FFIType, type Library } from 'bun:ffi';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, errorMessage } from '../errors.ts';
import { cacheRoots, type EmbeddedFile, ensureSet, setFolderName } from './cache.ts';

export interface NativeSet {
  name: string;
  hash: string;
  /** Opened in order before the addon. `symbol`: any symbol the library exports (never called). */
  libs: (EmbeddedFile & { symbol: string })[];
  addon: EmbeddedFile;
}

// Kept for the thread's life: closing a handle would unload a library an addon is using.
const held: Library<Record<string, { args: []; returns: typeof FFIType.ptr }>>[] = [];
const loaded = new Map<string, unknown>();

/**
 * The set's addon (what `require` of its `.node` file would return), its
 * files written to the cache folder first if needed. The environment is read
 * here, not through config.ts: this runs while sharp or onnxruntime-node is
 * being imported, before any configuration exists.
 */
export const loadNativeAddon = (set: NativeSet, env: Record<string, string | undefined> = Bun.env): unknown => {
  const done = loaded.get(set.name);
  if (done) return done;
  try {
    const uid = process.getuid?.() ?? 0;
    const roots = cacheRoots(env, { tmpdir: tmpdir(), uid, cwd: process.cwd() });
    const dir = ensureSet(roots, setFolderName(set.name, set.hash), [...set.libs, set.addon], uid);
    for (const lib of set.libs) held.push(dlopen(join(dir, lib.name), { [lib.symbol]: { args: [], returns: FFIType.ptr } }));
    const mod = { exports: {} as unknown };
    process.dlopen(mod, join(dir, set.addon.name));
    loaded.set(set.name, mod.exports);
    return mod.exports;
  } catch (e) {
    throw new AppError('unavailable', `cannot load ${set.name}'s native libraries: ${errorMessage(e)}`, { cause: e });
  }
};
