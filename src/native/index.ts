/**
 * Native libraries in the compiled binary: sharp (libvips) and
 * onnxruntime-node are embedded by scripts/build.ts, written once to a cache
 * folder and loaded from there (load.ts, cache.ts); bundle.ts is the build's
 * half. Outside the binary nothing here runs.
 */
export {
  BUNFS_ROOT,
  type BuildSet,
  findNativeSets,
  findOcrModels,
  hashFiles,
  ocrModelsSource,
  patchOrtBinding,
  rewriteModuleUrls,
  setModuleSource,
  VIRTUAL_PREFIX,
} from './bundle.ts';
export { type CacheRoot, cacheRoots, type EmbeddedFile, ensureSet, extractSet, isComplete, setFolderName } from './cache.ts';
export { loadNativeAddon, type NativeSet } from './load.ts';
