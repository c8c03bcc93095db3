/**
 * Where extractFrames gets its frames from: ffmpeg's stdout, as whole RGB24
 * frames of `frameBytes` (converted from I420 on the way when ffmpeg sends
 * that, `i420`: yuv.ts), with the same promise either way (a frame source):
 * frames in order, at most a few read ahead of the consumer, so a slow
 * consumer leaves ffmpeg blocked on a full pipe.
 *
 * - pipeSource (Linux with glibc): ffmpeg writes into a pipe we make with
 *   pipe2 (bun:ffi), enlarged to 1 MiB (F_SETPIPE_SZ; fewer, larger
 *   reads), and a Worker (extract-worker.ts) reads it with blocking reads
 *   into buffers it transfers here. Bun's own subprocess stream costs
 *   10-20 % of ffmpeg's speed at 720p (a copy per chunk, the event loop woken
 *   per chunk); this keeps within a few percent. Buffers come back for reuse
 *   through `release`. Readers are kept (two at most) for later extractions.
 * - streamSource, everywhere else or when asked: Bun's stdout stream on the
 *   main thread, each frame copied into a fresh buffer.
 */
import { dlopen, FFIType, type Pointer, ptr } from 'bun:ffi';
import { AppError, errorMessage } from '../errors.ts';
import { type FromReader, type I420Input, PROGRESS_BYTES, TICKS, type ToReader, WAITING } from './extract-pump.ts';
import { createI420Converter } from './yuv.ts';

export interface FrameSource {
  /** The next whole frame, null at the end of the output (a trailing partial frame is dropped). */
  next(): Promise<Uint8Array | null>;
  /** Gives a frame's buffer back for reuse; the bytes are gone from `data` after. A no-op when it cannot be reused. */
  release(data: Uint8Array): void;
  /** How long the source has waited for bytes from ffmpeg and got none (0 while it is not waiting: the consumer holds it back). */
  silentMs(now: number): number;
  /** Stops reading and frees the pipe; call once ffmpeg has exited. */
  close(): Promise<void>;
}

/** Frames read ahead of the consumer: with the one it holds, 3 frames plus the pipe's 1 MiB written by ffmpeg at most. */
const AHEAD = 2;
const O_CLOEXEC = 0o2000000;
const F_SETPIPE_SZ = 1031;
const PIPE_BYTES = 1 << 20;

type Libc = {
  pipe2(fds: Pointer, flags: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  close(fd: number): number;
};
let libc: Libc | null | undefined;
const loadLibc = (): Libc | null => {
  if (libc !== undefined) return libc;
  try {
    if (process.platform !== 'linux') throw new Error('not linux');
    const lib = dlopen('libc.so.6', {
      pipe2: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
      fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
      close: { args: [FFIType.i32], returns: FFIType.i32 },
    });
    libc = lib.symbols as unknown as Libc;
  } catch {
    libc = null; // musl, macOS, Windows: the stream reader
  }
  return libc;
};

export interface FramePipe {
  read: number;
  /** ffmpeg's stdout: pass it to Bun.spawn, then closeWrite() so the read end sees end of file when ffmpeg exits. */
  write: number;
  closeWrite(): void;
  /** Both ends (spawn failed). */
  close(): void;
}

/**
 * A pipe for ffmpeg's stdout, or null where it cannot be made here. Both
 * ends are close-on-exec, so no other child inherits the write end (which
 * would keep our reader from ever seeing end of file); Bun.spawn's dup onto
 * the child's fd 1 clears the flag there.
 */
export const openFramePipe = (): FramePipe | null => {
  const c = loadLibc();
  if (!c) return null;
  const fds = new Int32Array(2);
  if (c.pipe2(ptr(fds), O_CLOEXEC) !== 0) return null;
  const [read, write] = [fds[0]!, fds[1]!];
  c.fcntl(write, F_SETPIPE_SZ, PIPE_BYTES); // refused above /proc/sys/fs/pipe-max-size: the 64 KiB default still works
  // Each end closed once: a second close could hit a descriptor since reused elsewhere.
  let open = { read: true, write: true };
  const closeWrite = () => {
    if (open.write) c.close(write);
    open = { ...open, write: false };
  };
  const close = () => {
    closeWrite();
    if (open.read) c.close(read);
    open = { ...open, read: false };
  };
  return { read, write, closeWrite, close };
};

const idle: Worker[] = [];
const KEEP_IDLE = 2;
const readerEntry = new URL('./extract-worker.ts', import.meta.url);

/** Reads `pipe.read` in a Worker; ffmpeg must already hold the write end and `closeWrite` have been called. */
export const pipeSource = (pipe: FramePipe, frameBytes: number, i420?: I420Input): FrameSource => {
  const worker = idle.pop() ?? new Worker(readerEntry);
  worker.ref();
  const progress = new SharedArrayBuffer(PROGRESS_BYTES);
  const shared = new Int32Array(progress);
  const frames: Uint8Array[] = [];
  let ended = false;
  let failure: Error | null = null;
  let dead = false;
  let waiter: { resolve: (f: Uint8Array | null) => void; reject: (e: Error) => void } | null = null;
  let stopped: (() => void) | null = null;
  const send = (msg: ToReader, transfer?: ArrayBuffer[]) => {
    if (!dead) worker.postMessage(msg, transfer ?? []);
  };
  const settle = () => {
    if (!waiter) return;
    const w = waiter;
    if (frames.length > 0) {
      waiter = null;
      send({ type: 'credit', n: 1 });
      w.resolve(frames.shift()!);
    } else if (failure) {
      waiter = null;
      w.reject(failure);
    } else if (ended) {
      waiter = null;
      w.resolve(null);
    }
  };
  const onMessage = (ev: MessageEvent<FromReader>) => {
    const m = ev.data;
    if (m.type === 'frame') frames.push(Buffer.from(m.buf));
    else if (m.type === 'end') ended = true;
    else if (m.type === 'error') failure = new AppError('unavailable', `reading ffmpeg's frames failed: ${m.message}`);
    else if (m.type === 'stopped') stopped?.();
    settle();
  };
  const onError = (ev: ErrorEvent) => {
    dead = true;
    failure ??= new AppError('unavailable', `the frame reader stopped: ${ev.message || errorMessage(ev.error)}`);
    settle();
    stopped?.();
  };
  worker.addEventListener('message', onMessage);
  worker.addEventListener('error', onError);
  send({ type: 'start', fd: pipe.read, frameBytes, credit: AHEAD, progress, ...(i420 ? { i420 } : {}) });

  let ticks = -1;
  let lastChange = 0;
  return {
    next() {
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
        settle(); // at once when a frame, the end or a failure is already here
      });
    },
    release(data) {
      // Only a buffer of ours, whole and not moved elsewhere (the OCR pool transfers frames to its workers).
      if (dead || data.byteOffset !== 0 || data.byteLength !== frameBytes || data.buffer.byteLength !== frameBytes) return;
      if (!(data.buffer instanceof ArrayBuffer)) return;
      send({ type: 'buffer', buf: data.buffer }, [data.buffer]);
    },
    silentMs(now) {
      const t = Atomics.load(shared, TICKS);
      const waiting = Atomics.load(shared, WAITING) === 1;
      if (t !== ticks || !waiting) {
        ticks = t;
        lastChange = now;
      }
      return waiting ? now - lastChange : 0;
    },
    async close() {
      // The reader may be in a blocking read until ffmpeg's exit closes the pipe; it answers `stop` after.
      const acked = dead
        ? true
        : await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), 10_000);
            stopped = () => {
              clearTimeout(timer);
              resolve(true);
            };
            send({ type: 'stop' });
          });
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      if (!acked || dead || idle.length >= KEEP_IDLE) {
        dead = true;
        worker.terminate();
      } else {
        worker.unref();
        idle.push(worker);
      }
      pipe.close();
    },
  };
};

/** Bun's stdout stream, each frame assembled in a fresh buffer (the fallback); I420 frames are converted on this thread. */
export const streamSource = (stream: ReadableStream<Uint8Array>, frameBytes: number, i420?: I420Input): FrameSource => {
  const reader = stream.getReader();
  const converter = i420 ? createI420Converter(i420.width, i420.height, i420.matrix) : null;
  const inBytes = converter ? converter.input.byteLength : frameBytes;
  let chunk: Uint8Array = new Uint8Array(0);
  let at = 0;
  let pulling = false;
  let lastByte = 0;
  return {
    async next() {
      const out = Buffer.allocUnsafeSlow(frameBytes);
      const cur = converter ? converter.input : out;
      let filled = 0;
      for (;;) {
        const n = Math.min(inBytes - filled, chunk.byteLength - at);
        cur.set(chunk.subarray(at, at + n), filled);
        filled += n;
        at += n;
        if (filled === inBytes) {
          converter?.toRgb(out);
          return out;
        }
        pulling = true;
        lastByte = performance.now();
        const r = await reader.read().finally(() => {
          pulling = false;
          lastByte = performance.now();
        });
        if (r.done) return null;
        chunk = r.value;
        at = 0;
      }
    },
    release() {},
    silentMs(now) {
      return pulling ? Math.max(0, now - lastByte) : 0;
    },
    async close() {
      reader.releaseLock();
    },
  };
};
