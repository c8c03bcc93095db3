/**
 * The Worker pool: at most `size` Bun Workers running one worker module,
 * one task per worker at a time, the rest queued first in, first out.
 *
 * - Workers start lazily, with the first task that finds no idle one, and an
 *   idle worker ends after `idleMs`, so an idle MPR holds no threads. Idle
 *   workers are unref'd (they never keep the process alive); a busy one is
 *   ref'd, so a CLI awaiting a result does not exit under it.
 * - Cancelling a running task terminates its worker: CPU-bound code cannot
 *   be interrupted any other way. A fresh worker takes its place at once.
 * - A worker that dies (a stray uncaught error, `process.exit`, a failed
 *   module load) rejects its task with "the worker died: ..." and code
 *   'unavailable' (a retry may well succeed). It is replaced lazily, when
 *   work is waiting: replacing it eagerly would spin forever on a module
 *   that dies while loading. Caveat: JavaScriptCore has no per-worker heap
 *   limit, so a worker that runs out of memory may take the process with it.
 *
 * Entry points: pass a URL made from import.meta.url. `bun build --compile`
 * embeds a worker module only when it is listed as an extra entrypoint.
 */
import { AppError, type ErrorCode, errorMessage } from '../../errors.ts';
import type { PoolStats, RunOptions, TaskMap, TaskOutput, WorkerPool } from './index.ts';
import type { TaskRequest, WireError, WorkerMessage } from './worker-entry.ts';

export interface WorkerPoolOptions {
  /** Most workers at once: MPR_WORKERS, passed by the caller. 0 makes every run refuse. */
  size: number;
  /** The worker module, which declares its tasks with serveTasks. */
  entry: string | URL;
  /** Names the pool in errors and the workers' thread names. */
  name?: string;
  /** An idle worker ends after this long (default 30 s; Infinity keeps it). */
  idleMs?: number;
}

interface Job {
  id: number;
  task: string;
  input: unknown;
  transfer: Bun.Transferable[];
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
  slot: Slot | null;
  done: boolean;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  idle: ReturnType<typeof setTimeout> | null;
  /** Set once the pool stops caring about this worker (terminated, or seen dead). */
  retired: boolean;
  /** Why it is dying, as the worker or Bun reported it. */
  reason: string | null;
  exited: Promise<void>;
}

// Every ErrorCode, so a code from the worker becomes an AppError only when it is one of ours.
const CODES: Record<ErrorCode, true> = {
  validation: true,
  not_found: true,
  invalid_state: true,
  conflict: true,
  too_large: true,
  unauthorized: true,
  forbidden: true,
  rate_limited: true,
  unsupported_media_type: true,
  corrupt: true,
  unavailable: true,
  insufficient_storage: true,
  unrecoverable: true,
};

const isErrorCode = (c: string): c is ErrorCode => Object.hasOwn(CODES, c);

/** The caller's error for a task that threw in the worker. */
const fromWire = (w: WireError): Error => {
  let e: Error;
  if (w.code !== undefined && isErrorCode(w.code)) {
    e = new AppError(w.code, w.message);
  } else {
    e = Object.assign(new Error(w.message), w.code !== undefined ? { code: w.code } : {});
    e.name = w.name;
  }
  // The worker's stack says where the task failed; the pool's own frames would say nothing.
  if (w.stack) e.stack = w.stack;
  return e;
};

// Bun's ErrorEvent message is a code frame followed by "error: <message>"; keep the sentence.
const reasonOf = (ev: ErrorEvent): string => {
  const text = ev.message || errorMessage(ev.error);
  const line = /^\s*(?:[A-Za-z]*Error|error): (.+)$/m.exec(text)?.[1];
  return (line ?? text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').trim();
};

const cancelled = () => new AppError('invalid_state', 'cancelled');

export const createWorkerPool = <M extends TaskMap>(opts: WorkerPoolOptions): WorkerPool<M> => {
  const { size } = opts;
  if (!Number.isInteger(size) || size < 0) throw new AppError('validation', `worker pool size must be a whole number from 0, got ${size}`);
  const idleMs = opts.idleMs ?? 30_000;
  if (typeof idleMs !== 'number' || Number.isNaN(idleMs) || idleMs < 0) throw new AppError('validation', `worker pool idleMs must be 0 or more, got ${idleMs}`);
  const name = opts.name ?? 'pool';
  const entry = typeof opts.entry === 'string' ? opts.entry : opts.entry.href;

  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let nextId = 1;
  let nextThread = 1;
  let closed = false;

  const settle = (job: Job, outcome: { value: unknown } | { error: Error }) => {
    if (job.done) return;
    job.done = true;
    job.slot = null;
    job.input = undefined;
    job.signal?.removeEventListener('abort', job.onAbort);
    if ('error' in outcome) job.reject(outcome.error);
    else job.resolve(outcome.value);
  };

  const retire = (slot: Slot) => {
    if (slot.retired) return;
    slot.retired = true;
    slots.delete(slot);
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
    slot.worker.terminate();
  };

  const onMessage = (slot: Slot, msg: WorkerMessage) => {
    if (slot.retired) return;
    if ('fatal' in msg) {
      slot.reason = msg.fatal.message; // the close event follows and does the rest
      return;
    }
    const job = slot.job;
    if (!job || job.id !== msg.id) return;
    slot.job = null;
    slot.worker.unref();
    settle(job, msg.ok ? { value: msg.value } : { error: fromWire(msg.error) });
    pump();
  };

  const onExit = (slot: Slot, code: number) => {
    if (slot.retired) return; // terminated by the pool: whoever did it settled the task
    const job = slot.job;
    slot.job = null;
    retire(slot);
    if (job) {
      const why = slot.reason ?? (code ? `it exited with code ${code}` : 'it exited');
      settle(job, { error: new AppError('unavailable', `the worker died: ${why} (pool ${name}, task ${job.task})`) });
    }
    pump();
  };

  const spawn = (): Slot => {
    const worker = new Worker(entry, { name: `${name}-${nextThread++}` });
    const slot: Slot = { worker, job: null, idle: null, retired: false, reason: null, exited: Promise.resolve() };
    slot.exited = new Promise((resolve) => worker.addEventListener('close', () => resolve(), { once: true }));
    worker.addEventListener('message', (ev) => onMessage(slot, ev.data as WorkerMessage));
    worker.addEventListener('error', (ev) => {
      slot.reason ??= reasonOf(ev);
      // Bun ends a worker after an uncaught error; terminating makes sure, and 'close' then reports it.
      worker.terminate();
    });
    worker.addEventListener('messageerror', () => {
      const job = slot.job;
      if (slot.retired || !job) return;
      slot.job = null;
      slot.worker.unref();
      settle(job, { error: new AppError('unrecoverable', `the result of task ${job.task} could not be received from the worker`) });
      pump();
    });
    worker.addEventListener('close', (ev) => onExit(slot, (ev as CloseEvent).code));
    worker.unref();
    slots.add(slot);
    return slot;
  };

  const start = (slot: Slot, job: Job) => {
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
    slot.job = job;
    job.slot = slot;
    slot.worker.ref();
    const req: TaskRequest = { id: job.id, task: job.task, input: job.input };
    try {
      slot.worker.postMessage(req, job.transfer);
    } catch (e) {
      // Nothing reached the worker (an input holding a function, say): it stays idle and usable.
      slot.job = null;
      slot.worker.unref();
      settle(job, { error: new AppError('validation', `the input of task ${job.task} cannot be sent to a worker: ${errorMessage(e)}`, { cause: e }) });
      return;
    }
    job.input = undefined; // the worker has its copy; do not hold a second one
  };

  const armIdle = (slot: Slot) => {
    if (slot.idle || slot.job || slot.retired || !Number.isFinite(idleMs)) return;
    slot.idle = setTimeout(() => {
      if (!slot.job) retire(slot);
    }, idleMs);
    slot.idle.unref?.();
  };

  const idleSlot = (): Slot | undefined => {
    for (const s of slots) if (!s.job) return s;
    return undefined;
  };

  /** Hands queued tasks to idle workers, starting workers up to `size`; idle ones left over start their idle clock. */
  const pump = () => {
    while (!closed && queue.length > 0) {
      let slot = idleSlot();
      if (!slot) {
        if (slots.size >= size) break;
        try {
          slot = spawn();
        } catch (e) {
          const job = queue.shift()!;
          settle(job, { error: new AppError('unavailable', `cannot start a worker of pool ${name} (${entry}): ${errorMessage(e)}`, { cause: e }) });
          continue;
        }
      }
      start(slot, queue.shift()!);
    }
    for (const s of slots) armIdle(s);
  };

  const abort = (job: Job) => {
    if (job.done) return;
    const slot = job.slot;
    if (!slot) {
      const at = queue.indexOf(job);
      if (at >= 0) queue.splice(at, 1);
      settle(job, { error: cancelled() });
      return;
    }
    slot.job = null;
    retire(slot);
    settle(job, { error: cancelled() });
    pump();
    if (!closed && slots.size < size) {
      try {
        armIdle(spawn()); // the fresh worker in the cancelled one's place
      } catch {
        // The next task that needs a worker will try again and report why.
      }
    }
  };

  const run = <K extends keyof M & string>(task: K, input: Parameters<M[K]>[0], o: RunOptions = {}): Promise<TaskOutput<M, K>> => {
    if (size === 0) {
      return Promise.reject(
        new AppError('unavailable', `the ${name} worker pool is off (MPR_WORKERS=0): set MPR_WORKERS to 1 or more to run ${task} in this process`),
      );
    }
    if (closed) return Promise.reject(new AppError('unavailable', `the ${name} worker pool is closed`));
    if (o.signal?.aborted) return Promise.reject(cancelled());
    return new Promise<TaskOutput<M, K>>((resolve, reject) => {
      const job: Job = {
        id: nextId++,
        task,
        input,
        transfer: o.transfer ?? [],
        resolve: resolve as (value: unknown) => void,
        reject,
        signal: o.signal,
        onAbort: () => abort(job),
        slot: null,
        done: false,
      };
      o.signal?.addEventListener('abort', job.onAbort, { once: true });
      queue.push(job);
      pump();
    });
  };

  const stats = (): PoolStats => {
    let busy = 0;
    for (const s of slots) if (s.job) busy++;
    return { size, busy, queued: queue.length, alive: slots.size };
  };

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const gone = new AppError('unavailable', `the ${name} worker pool closed`);
    const exits = [...slots].map((s) => s.exited);
    for (const s of [...slots]) {
      const job = s.job;
      s.job = null;
      retire(s);
      if (job) settle(job, { error: gone });
    }
    for (const job of queue.splice(0)) settle(job, { error: gone });
    // terminate() is fire-and-forget in Bun; wait a little for the threads to be gone, never forever.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 2000);
      timer.unref?.();
    });
    await Promise.race([Promise.all(exits), cap]);
    clearTimeout(timer);
  };

  return { name, run, stats, close };
};
