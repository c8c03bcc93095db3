/**
 * OpenCV.js, loaded once per process (the server's loader; the stages'
 * helpers are in mats.ts, re-exported here).
 *
 * The module object has a `then` method (Emscripten's), so awaiting it,
 * resolving a promise with it or returning it from an async function waits
 * on a thenable that never settles: it is `require()`d, never `import()`ed,
 * and handed around wrapped as `{ cv }`. It is usable once
 * onRuntimeInitialized has fired (170–220 ms on these machines).
 */
import type { CV } from '@techstark/opencv-js';
import { AppError, errorMessage } from '../errors.ts';
import type { OpenCv } from './mats.ts';

export { cvError, heapMark, type MatScope, matScope, type OpenCv, rgbMat, type WorkImage, workImage } from './mats.ts';

type Module = CV & { onRuntimeInitialized?: () => void; HEAP8?: Int8Array };

const LOAD_TIMEOUT_MS = 30_000;

let loading: Promise<OpenCv> | null = null;

const load = (): Promise<OpenCv> =>
  new Promise<OpenCv>((resolve, reject) => {
    let mod: Module;
    try {
      // A plain require, not createRequire(import.meta.url): the bundler sees it and embeds OpenCV.js in the compiled binary.
      mod = require('@techstark/opencv-js') as Module;
    } catch (e) {
      reject(new AppError('unavailable', `cannot load @techstark/opencv-js: ${errorMessage(e)}`, { cause: e }));
      return;
    }
    // Resolve with the wrapper only: resolving with `mod` would adopt its `then`.
    if (typeof mod.Mat === 'function') {
      resolve({ cv: mod });
      return;
    }
    const timer = setTimeout(() => reject(new AppError('unavailable', `OpenCV.js did not initialise within ${LOAD_TIMEOUT_MS / 1000} s`)), LOAD_TIMEOUT_MS);
    mod.onRuntimeInitialized = () => {
      clearTimeout(timer);
      resolve({ cv: mod });
    };
  });

/** The process's OpenCV.js, ready to use. A failed load is not remembered, so a later call tries again. */
export const loadOpenCv = (): Promise<OpenCv> => {
  if (!loading) {
    loading = load();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
};
