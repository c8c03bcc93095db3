/**
 * The worker module pool.test.ts runs: tasks that behave well, badly and
 * slowly on purpose, plus the builtin tasks (imported, so one worker serves
 * both sets: a module may add to another's tasks).
 */
import { threadId } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../../errors.ts';
import './builtin-tasks.ts';
import { serveTasks, withTransfer } from './worker-entry.ts';

export interface Busy {
  start: number;
  end: number;
  threadId: number;
}

export const testTasks = serveTasks({
  echo: <T>(input: T): T => input,
  whoami: (): number => threadId,
  /** Keeps the thread's CPU busy for `ms` (no awaiting: the event loop cannot run), then reports when it ran. */
  sleepBusy: (ms: number): Busy => {
    const start = Date.now();
    while (Date.now() - start < ms) {
      // spin
    }
    return { start, end: Date.now(), threadId };
  },
  throwCode: (e: { code: ErrorCode; message: string }): never => {
    throw new AppError(e.code, e.message);
  },
  throwPlain: (message: string): never => {
    throw new RangeError(message);
  },
  asyncReject: async (message: string): Promise<never> => {
    await Bun.sleep(1);
    throw new AppError('corrupt', message);
  },
  crash: (code: number): never => process.exit(code),
  /** Throws outside any task (a stray timer), after the task itself has returned nothing yet. */
  strayThrow: (message: string): Promise<never> =>
    new Promise(() => {
      setTimeout(() => {
        throw new Error(message);
      }, 1);
    }),
  /** The byte length received, and whether the input arrived intact (first and last byte). */
  measure: (buf: ArrayBuffer): { length: number; first: number; last: number } => {
    const v = new Uint8Array(buf);
    return { length: v.length, first: v[0] ?? -1, last: v[v.length - 1] ?? -1 };
  },
  /** A fresh buffer of `n` bytes filled with `fill`, moved back to the caller. */
  makeBytes: ({ n, fill }: { n: number; fill: number }) => {
    const out = new Uint8Array(n).fill(fill);
    return withTransfer(out, [out.buffer]);
  },
  /** A result that cannot be cloned. */
  returnFunction: () => () => 1,
});

export type TestTasks = typeof testTasks;
