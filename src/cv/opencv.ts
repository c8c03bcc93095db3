/**
 * OpenCV.js, loaded once per process, and the helpers every stage uses to
 * get frames in and Mats freed.
 *
 * The module object has a `then` method (Emscripten's), so awaiting it,
 * resolving a promise with it or returning it from an async function waits
 * on a thenable that never settles: it is `require()`d, never `import()`ed,
 * and handed around wrapped as `{ cv }`. It is usable once
 * onRuntimeInitialized has fired (170–220 ms on these machines).
 *
 * Mats live in the WebAssembly heap, outside the garbage collector: every
 * Mat (and MatVector, and each Mat a MatVector's `get` returns) must be
 * `delete()`d. Stages create them through a MatScope and free the scope in
 * `finally`.
 */
import type { CV, Mat } from '@techstark/opencv-js';
import { AppError, errorMessage } from '../errors.ts';
import type { RgbFrame } from './frame.ts';

export interface OpenCv {
  cv: CV;
}

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

interface Deletable {
  delete(): void;
  isDeleted?(): boolean;
}

/** Collects Mats (anything with `delete`) so one `free()` in a `finally` releases them all. */
export interface MatScope {
  track<T extends Deletable>(m: T): T;
  free(): void;
}

export const matScope = (): MatScope => {
  const held: Deletable[] = [];
  return {
    track(m) {
      held.push(m);
      return m;
    },
    free() {
      // Newest first; one failing delete must not leave the rest allocated.
      for (let i = held.length - 1; i >= 0; i--) {
        const m = held[i]!;
        try {
          if (!m.isDeleted?.()) m.delete();
        } catch {
          // already freed
        }
      }
      held.length = 0;
    },
  };
};

/** A CV_8UC3 Mat holding a copy of the frame's RGB bytes (tracked by the scope). */
export const rgbMat = ({ cv }: OpenCv, frame: RgbFrame, scope: MatScope): Mat => {
  if (!(frame.width > 0 && frame.height > 0) || frame.data.length !== frame.width * frame.height * 3)
    throw new AppError('validation', `frame data holds ${frame.data.length} bytes, not ${frame.width}x${frame.height}x3`);
  const m = scope.track(new cv.Mat(frame.height, frame.width, cv.CV_8UC3));
  m.data.set(frame.data);
  return m;
};

export interface WorkImage {
  /** RGB at the working size. */
  mat: Mat;
  /** Working pixels per full-resolution pixel (≤ 1). */
  scale: number;
}

/**
 * The frame as an RGB Mat at most `workWidth` wide (area-averaged), for
 * stages that find things at a reduced size and scale their boxes back.
 */
export const workImage = (ocv: OpenCv, frame: RgbFrame, workWidth: number, scope: MatScope): WorkImage => {
  const { cv } = ocv;
  const full = rgbMat(ocv, frame, scope);
  if (frame.width <= workWidth) return { mat: full, scale: 1 };
  const scale = workWidth / frame.width;
  const small = scope.track(new cv.Mat());
  cv.resize(full, small, new cv.Size(workWidth, Math.max(1, Math.round(frame.height * scale))), 0, 0, cv.INTER_AREA);
  return { mat: small, scale };
};

/**
 * Where the next large allocation in OpenCV's heap would start, and the
 * heap's size: both stay put across calls that free what they allocate.
 * For leak tests.
 */
export const heapMark = ({ cv }: OpenCv): { top: number; size: number } => {
  const m = cv as unknown as { _malloc(n: number): number; _free(p: number): void; HEAP8: Int8Array };
  const p = m._malloc(32 << 20);
  m._free(p);
  return { top: p, size: m.HEAP8.length };
};

/**
 * OpenCV.js throws its C++ exceptions as bare heap pointers (numbers): this
 * turns one into an AppError carrying OpenCV's message ('unrecoverable': the
 * same call fails the same way again); anything else passes through.
 */
export const cvError = ({ cv }: OpenCv, e: unknown): unknown => {
  if (typeof e !== 'number') return e;
  let msg = `exception ${e}`;
  try {
    msg = (cv as unknown as { exceptionFromPtr(p: number): { msg: string } }).exceptionFromPtr(e).msg.trim();
  } catch {
    // not an exception pointer after all
  }
  return new AppError('unrecoverable', `OpenCV: ${msg}`);
};
