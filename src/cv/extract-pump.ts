/**
 * The frame reader's loop, as the Worker runs it (extract-worker.ts), kept
 * apart from the thread and the file descriptor so it tests without either:
 * whole frames read with blocking reads into buffers that are handed on
 * (transferred) one per frame, as many as the main thread has granted
 * credits for, and buffers given back kept for the next frames.
 *
 * Credits are the backpressure: the main thread grants a few at the start
 * and one for each frame its consumer takes, so at most that many frames are
 * read ahead; with none left the loop stops reading, the pipe fills and
 * ffmpeg blocks on its write.
 *
 * With `i420` the pipe carries I420 frames (ffmpeg's `-pix_fmt yuv420p`):
 * each is read into the converter's memory and converted into the RGB24
 * buffer that is handed on (yuv.ts), here on the reader's thread.
 *
 * `progress` (shared with the main thread, which runs the stall watchdog):
 * slot WAITING is 1 while the loop wants bytes (it holds credits and reads),
 * slot TICKS counts every read that returned bytes and every change of
 * WAITING, so "WAITING is 1 and TICKS has not moved for stallMs" means
 * ffmpeg sent nothing for that long though we were ready to take it.
 */
import { createI420Converter, type I420Converter, type YuvMatrix } from './yuv.ts';

/** What the pipe carries when it is not RGB24 already: I420 frames of this size and matrix. */
export interface I420Input {
  width: number;
  height: number;
  matrix: YuvMatrix;
}

/** Messages to the reader. `frameBytes` is the RGB24 frame handed on. `buffer` gives a frame's buffer back for reuse (transferred). */
export type ToReader =
  | { type: 'start'; fd: number; frameBytes: number; credit: number; progress: SharedArrayBuffer; i420?: I420Input }
  | { type: 'credit'; n: number }
  | { type: 'buffer'; buf: ArrayBuffer }
  | { type: 'stop' };

/**
 * Messages from the reader. `end`: the pipe reached end of file, `partial`
 * bytes of an unfinished frame thrown away; `stopped` answers `stop`, after
 * which the reader no longer touches the descriptor.
 */
export type FromReader =
  | { type: 'frame'; buf: ArrayBuffer; reused: boolean }
  | { type: 'end'; partial: number }
  | { type: 'error'; message: string }
  | { type: 'stopped' };

export const WAITING = 0;
export const TICKS = 1;
/** Bytes of the shared progress block (two Int32 slots). */
export const PROGRESS_BYTES = 8;

export interface PumpIo {
  /** A blocking read of up to `length` bytes into `into` at `offset`: the count read, 0 at end of file. */
  read(fd: number, into: Uint8Array, offset: number, length: number): number;
  post(msg: FromReader, transfer?: ArrayBuffer[]): void;
}

interface Run {
  fd: number;
  frameBytes: number;
  /** Where each frame is read: the RGB buffer itself, or the converter's input. */
  converter: I420Converter | null;
  credit: number;
  progress: Int32Array;
  done: boolean;
}

/**
 * The reader's state machine: `handle` each message in order. `keep` bounds
 * the buffers kept for reuse (more given back are dropped to the GC), and a
 * run with another frame size drops those kept.
 */
export const createFramePump = (io: PumpIo, keep = 4) => {
  let run: Run | null = null;
  let frameBytes = 0;
  const free: ArrayBuffer[] = [];
  let converter: I420Converter | null = null;
  let converts = '';
  /** The converter for this input, kept while runs keep its size and matrix. */
  const converterFor = (i: I420Input): I420Converter => {
    const key = `${i.width}x${i.height}/${i.matrix}`;
    if (!converter || converts !== key) {
      converter = createI420Converter(i.width, i.height, i.matrix);
      converts = key;
    }
    return converter;
  };

  const setWaiting = (p: Int32Array, v: 0 | 1) => {
    Atomics.store(p, WAITING, v);
    Atomics.add(p, TICKS, 1);
  };

  const pump = (r: Run) => {
    if (r.done || r.credit <= 0) return;
    setWaiting(r.progress, 1);
    try {
      while (r.credit > 0) {
        const reused = free.length > 0;
        const buf = free.pop() ?? new ArrayBuffer(r.frameBytes);
        const bytes = r.converter ? r.converter.input : new Uint8Array(buf);
        let filled = 0;
        while (filled < bytes.byteLength) {
          const n = io.read(r.fd, bytes, filled, bytes.byteLength - filled);
          if (n === 0) break;
          filled += n;
          Atomics.add(r.progress, TICKS, 1);
        }
        if (filled < bytes.byteLength) {
          r.done = true;
          free.push(buf);
          io.post({ type: 'end', partial: filled });
          return;
        }
        r.converter?.toRgb(new Uint8Array(buf));
        r.credit--;
        io.post({ type: 'frame', buf, reused }, [buf]);
      }
    } catch (e) {
      r.done = true;
      io.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      setWaiting(r.progress, 0);
    }
  };

  return {
    handle(msg: ToReader): void {
      switch (msg.type) {
        case 'start':
          if (msg.frameBytes !== frameBytes) free.length = 0;
          frameBytes = msg.frameBytes;
          run = { fd: msg.fd, frameBytes, converter: null, credit: msg.credit, progress: new Int32Array(msg.progress), done: false };
          try {
            run.converter = msg.i420 ? converterFor(msg.i420) : null;
          } catch (e) {
            run.done = true;
            io.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
            return;
          }
          pump(run);
          return;
        case 'credit':
          if (!run) return;
          run.credit += msg.n;
          pump(run);
          return;
        case 'buffer':
          if (msg.buf.byteLength === frameBytes && free.length < keep) free.push(msg.buf);
          return;
        case 'stop':
          run = null;
          io.post({ type: 'stopped' });
          return;
        default: {
          const _exhaustive: never = msg;
          throw new Error(`unknown message ${JSON.stringify(_exhaustive)}`);
        }
      }
    },
    /** Buffers kept for reuse (tests). */
    kept: (): number => free.length,
  };
};
