/**
 * The worker side of the pool: a worker module declares its tasks with
 * `serveTasks({ name: (input) => output, ... })` at top level, and this file
 * answers the pool's requests with them.
 *
 * - A task returns its result (or a promise of it). To move buffers back
 *   instead of copying them, it returns `withTransfer(value, [buffers])`; the
 *   caller receives `value`. Plain values are copied (structured clone).
 * - A task that throws rejects the caller's run with the same message; an
 *   error's string `code` (an AppError's code, or a Node code like ENOENT)
 *   crosses with it, so the failure policy can tell `unrecoverable` apart.
 * - An uncaught error or unhandled rejection outside a task (a stray timer)
 *   is reported to the pool and ends the worker: its state can no longer be
 *   trusted, and Bun ends a worker on one anyway. The pool replaces it.
 *
 * Several modules may each call serveTasks in one worker (a module can
 * import another's tasks); the names must differ. On the main thread
 * serveTasks declares nothing, so a task module can also be imported for its
 * types, its entry URL, or to call its functions in-process.
 */
import { AppError, errorMessage } from '../../errors.ts';
import type { TaskFn, TaskMap, Transferring } from './index.ts';

/** Pool → worker. */
export interface TaskRequest {
  id: number;
  task: string;
  input: unknown;
}

/** An error as it crosses the thread boundary (Error instances do not clone with their class). */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** Worker → pool: a task's outcome, or the reason the worker is about to end. */
export type WorkerMessage = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError } | { fatal: WireError };

// Results made by withTransfer; a WeakSet rather than a field, so no result shape is reserved.
const transferring = new WeakSet<object>();

/** A task's result whose buffers move back to the caller instead of being copied. */
export const withTransfer = <T>(value: T, transfer: Bun.Transferable[]): Transferring<T> => {
  const t = { value, transfer };
  transferring.add(t);
  return t as unknown as Transferring<T>;
};

export const toWireError = (e: unknown): WireError => {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}), ...(e.stack ? { stack: e.stack } : {}) };
};

interface WorkerScope {
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  postMessage(message: WorkerMessage, transfer?: Bun.Transferable[]): void;
}

const registry = new Map<string, TaskFn>();
let listening = false;

const isRequest = (d: unknown): d is TaskRequest =>
  typeof d === 'object' && d !== null && typeof (d as TaskRequest).id === 'number' && typeof (d as TaskRequest).task === 'string';

const listen = (scope: WorkerScope): void => {
  const fatal = (e: unknown) => {
    try {
      scope.postMessage({ fatal: toWireError(e) });
    } finally {
      process.exit(1);
    }
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);

  const answer = async ({ id, task, input }: TaskRequest): Promise<void> => {
    let reply: WorkerMessage;
    let transfer: Bun.Transferable[] = [];
    try {
      const fn = registry.get(task);
      if (!fn) throw new AppError('unrecoverable', `this worker has no task "${task}" (it has ${[...registry.keys()].join(', ') || 'none'})`);
      const out = await fn(input);
      if (typeof out === 'object' && out !== null && transferring.has(out)) {
        const t = out as unknown as Transferring<unknown>;
        reply = { id, ok: true, value: t.value };
        transfer = t.transfer;
      } else {
        reply = { id, ok: true, value: out };
      }
    } catch (e) {
      reply = { id, ok: false, error: toWireError(e) };
    }
    try {
      scope.postMessage(reply, transfer);
    } catch (e) {
      // A result holding a function or a class with native state cannot be cloned.
      const why = new AppError('unrecoverable', `task ${task} returned a result that cannot be sent back: ${errorMessage(e)}`);
      scope.postMessage({ id, ok: false, error: toWireError(why) });
    }
  };

  scope.addEventListener('message', (ev) => {
    if (isRequest(ev.data)) void answer(ev.data);
  });
};

/** Declares this worker module's tasks; returns them unchanged, so `typeof` the result types the pool. */
export const serveTasks = <M extends TaskMap>(tasks: M): M => {
  if (Bun.isMainThread) return tasks;
  for (const [name, fn] of Object.entries(tasks)) {
    if (registry.has(name)) throw new Error(`worker task "${name}" is declared twice`);
    registry.set(name, fn);
  }
  if (!listening) {
    listening = true;
    listen(globalThis as unknown as WorkerScope);
  }
  return tasks;
};
