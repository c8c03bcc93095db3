/**
 * Detection's native parts (sharp, onnxruntime; OpenCV's WASM with them)
 * load on first use, through here: where they cannot load, what asked for
 * them fails with a reason a person can act on, and nothing else in MPR is
 * held back.
 */
import { AppError, errorMessage } from '../../errors.ts';

export const loadNative = <T>(load: () => Promise<T>): Promise<T> =>
  load().catch((e) => {
    throw new AppError('unavailable', `detection cannot run here: its native libraries (sharp, onnxruntime) did not load (${errorMessage(e)})`);
  });
