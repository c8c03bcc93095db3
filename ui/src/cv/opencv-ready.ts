/**
 * The browser's side of loading OpenCV.js: the worker imports the package
 * (so the bundler puts its ~10 MB in the worker's chunk only) and hands the
 * module here, which waits for its WebAssembly runtime. The module object
 * has a `then` method (Emscripten's): it is never awaited nor resolved
 * with, only wrapped as `{ cv }` (the server's loader, src/cv/opencv.ts,
 * does the same).
 */
import type { CV } from '@techstark/opencv-js';
import type { OpenCv } from '../../../src/cv/mats.ts';

type Module = CV & { onRuntimeInitialized?: () => void };

export const OPENCV_TIMEOUT_MS = 30_000;

/** The module, once its runtime is up; refused in words when it does not come up within `timeoutMs`. */
export const openCvReady = (mod: unknown, timeoutMs = OPENCV_TIMEOUT_MS): Promise<OpenCv> =>
  new Promise<OpenCv>((resolve, reject) => {
    const m = mod as Module | null;
    if (!m || (typeof m !== 'object' && typeof m !== 'function')) {
      reject(new Error('OpenCV.js did not load (the package exported nothing)'));
      return;
    }
    if (typeof m.Mat === 'function') {
      resolve({ cv: m });
      return;
    }
    const timer = setTimeout(() => reject(new Error(`OpenCV.js did not initialise within ${timeoutMs / 1000} s`)), timeoutMs);
    // Chained: Emscripten's own `then` may have hooked it already.
    const before = m.onRuntimeInitialized;
    m.onRuntimeInitialized = () => {
      before?.();
      clearTimeout(timer);
      resolve({ cv: m });
    };
  });
