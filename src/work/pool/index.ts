/**
 * A pool of Bun Workers for CPU-bound JavaScript (frame operations, hashing,
 * later OpenCV WASM and onnxruntime): the event loop hands a task over and
 * awaits its result. A worker module declares its tasks with `serveTasks`
 * (worker-entry.ts); the pool (pool.ts) is typed by that declaration:
 *
 *   // my-tasks.ts, the worker module
 *   export const myTasks = serveTasks({ blur: (f: Frame) => ... });
 *   // the caller
 *   const pool = createWorkerPool<typeof myTasks>({ size, entry: new URL('./my-tasks.ts', import.meta.url) });
 *   await pool.run('blur', frame, { transfer: [frame.data.buffer] });
 *
 * Inputs and outputs cross the thread boundary by structured clone, so they
 * are plain data: no functions, no class instances (they arrive as plain
 * objects), typed arrays and ArrayBuffers fine. Pass big buffers in
 * `transfer` to move them instead of copying; the sender's copy is then
 * detached (byteLength 0).
 */

/**
 * A task: one function of one cloneable input. `any` is what lets a map of
 * tasks with different inputs satisfy one constraint (parameters are
 * contravariant); callers still see each task's own types through
 * TaskInput / TaskOutput.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above: a map of tasks with different inputs must satisfy one constraint.
export type TaskFn = (input: any) => unknown;

/** Task names to task functions, as `serveTasks` declares them. */
export type TaskMap = Record<string, TaskFn>;

declare const transferBrand: unique symbol;

/**
 * What a task returns to move buffers back instead of copying them: made by
 * `withTransfer(value, transfer)` in worker-entry.ts. The caller receives
 * `value` alone. A brand, not a bare `{ value, transfer }` shape, so a task
 * whose result happens to have those two fields is never misread.
 */
export interface Transferring<T> {
  readonly [transferBrand]: true;
  readonly value: T;
  readonly transfer: Bun.Transferable[];
}

/** The input a task takes (`undefined` for a task without one). */
export type TaskInput<M extends TaskMap, K extends keyof M> = Parameters<M[K]>[0];

/** What the caller receives: the task's awaited result, a Transferring unwrapped. */
export type TaskOutput<M extends TaskMap, K extends keyof M> = Awaited<ReturnType<M[K]>> extends Transferring<infer V> ? V : Awaited<ReturnType<M[K]>>;

export interface RunOptions {
  /**
   * Aborting it takes a queued task off the queue; a running one has its
   * worker terminated (CPU-bound code cannot be interrupted otherwise) and
   * replaced. Either way the run rejects with AppError('invalid_state', 'cancelled').
   */
  signal?: AbortSignal;
  /** Buffers inside `input` to move to the worker instead of copying. */
  transfer?: Bun.Transferable[];
}

export interface PoolStats {
  /** Most workers at once (MPR_WORKERS). */
  size: number;
  /** Workers running a task now. */
  busy: number;
  /** Tasks waiting for a free worker. */
  queued: number;
  /** Worker threads that exist now (started lazily, stopped when idle). */
  alive: number;
}

export interface WorkerPool<M extends TaskMap> {
  readonly name: string;
  /**
   * Runs one task on a free worker, or queues it (first in, first out) while
   * every worker is busy. Rejects with the worker's error (an AppError with
   * the same code when the task threw one), AppError('unavailable') when the
   * worker died, the pool is closed or has size 0, and
   * AppError('invalid_state', 'cancelled') when the signal aborted.
   */
  run<K extends keyof M & string>(task: K, input: TaskInput<M, K>, opts?: RunOptions): Promise<TaskOutput<M, K>>;
  stats(): PoolStats;
  /** Terminates every worker, rejects running and queued tasks; later runs are refused. */
  close(): Promise<void>;
}
