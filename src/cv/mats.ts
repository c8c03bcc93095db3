/**
 * What the computer-vision stages need of OpenCV.js, without loading it:
 * the module handed around as `{ cv }`, and the helpers every stage uses to
 * get frames in and Mats freed. Loading is the caller's: the server
 * require()s the package (opencv.ts), the browser's fast path imports it in
 * a Web Worker (ui/src/cv/fast-stage.worker.ts); both hand the stages the
 * same `OpenCv`, so field.ts and edges.ts run unchanged in either place.
 *
 * Mats live in the WebAssembly heap, outside the garbage collector: every
 * Mat (and MatVector, and each Mat a MatVector's `get` returns) must be
 * `delete()`d. Stages create them through a MatScope and free the scope in
 * `finally`.
 */
import type { CV, Mat } from '@techstark/opencv-js';
import { AppError } from '../errors.ts';
import type { RgbFrame } from './frame.ts';

/**
 * The ready module, wrapped: the module object has a `then` method
 * (Emscripten's), so awaiting it, resolving a promise with it or returning
 * it from an async function waits on a thenable that never settles.
 */
export interface OpenCv {
  cv: CV;
}

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
