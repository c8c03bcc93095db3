/**
 * The Worker pool on real Bun Workers (test-tasks.ts). Overlap and order are
 * read from the timestamps the tasks report, never from wall-time budgets,
 * so a busy 2-core machine only makes the run slower.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, test } from 'bun:test';
import { AppError } from '../../errors.ts';
import { type BuiltinTasks, builtinTasksEntry, frameDiff, grayscale } from './builtin-tasks.ts';
import type { WorkerPool } from './index.ts';
import { createWorkerPool, type WorkerPoolOptions } from './pool.ts';
import type { TestTasks } from './test-tasks.ts';

type Tasks = TestTasks & BuiltinTasks;
const entry = new URL('./test-tasks.ts', import.meta.url);

const pools: WorkerPool<Tasks>[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

const poolOf = (o: Partial<WorkerPoolOptions> & { size: number }): WorkerPool<Tasks> => {
  const p = createWorkerPool<Tasks>({ entry, ...o });
  pools.push(p);
  return p;
};

const failure = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the run to reject');
};

const waitFor = async (what: string, ok: () => boolean, ms = 15_000): Promise<void> => {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
};

const expectCode = (e: Error, code: string, message?: RegExp) => {
  expect(e).toBeInstanceOf(AppError);
  expect((e as AppError).code).toBe(code as AppError['code']);
  if (message) expect(e.message).toMatch(message);
};

describe('worker pool', () => {
  test('runs tasks and returns their results', async () => {
    const pool = poolOf({ size: 1, name: 't-results' });
    expect(pool.stats()).toEqual({ size: 1, busy: 0, queued: 0, alive: 0 }); // lazy: no thread yet
    const input = { a: [1, 2, { b: 'x' }], when: new Date(0), bytes: new Uint8Array([1, 2, 3]) };
    expect(await pool.run('echo', input)).toEqual(input);
    expect(typeof (await pool.run('whoami', undefined))).toBe('number');
    expect(pool.stats()).toEqual({ size: 1, busy: 0, queued: 0, alive: 1 });
  });

  test('size 2 runs two busy tasks at the same time, on two threads', async () => {
    const pool = poolOf({ size: 2, name: 't-parallel' });
    await Promise.all([pool.run('echo', 1), pool.run('echo', 2)]); // both threads loaded first
    expect(pool.stats().alive).toBe(2);
    const [a, b] = await Promise.all([pool.run('sleepBusy', 400), pool.run('sleepBusy', 400)]);
    expect(a.threadId).not.toBe(b.threadId);
    expect(a.start).toBeLessThan(b.end);
    expect(b.start).toBeLessThan(a.end);
  });

  test('beyond its size it queues, first in first out, one task per worker', async () => {
    const pool = poolOf({ size: 1, name: 't-fifo' });
    const runs = [0, 1, 2, 3, 4].map(() => pool.run('sleepBusy', 30));
    expect(pool.stats()).toMatchObject({ busy: 1, queued: 4, alive: 1 });
    const done = await Promise.all(runs);
    for (let i = 1; i < done.length; i++) expect(done[i]!.start).toBeGreaterThanOrEqual(done[i - 1]!.end);
    expect(pool.stats()).toMatchObject({ busy: 0, queued: 0 });

    const two = poolOf({ size: 2, name: 't-fifo2' });
    const more = [0, 1, 2, 3, 4, 5].map(() => two.run('sleepBusy', 30));
    expect(two.stats()).toMatchObject({ busy: 2, queued: 4, alive: 2 });
    const r = await Promise.all(more);
    // Task i+2 starts only after task i or i+1 ended: never a third at once.
    for (let i = 2; i < r.length; i++) expect(r[i]!.start).toBeGreaterThanOrEqual(Math.min(r[i - 1]!.end, r[i - 2]!.end));
  });

  test('a task error rejects with its message and keeps its AppError code; the worker stays', async () => {
    const pool = poolOf({ size: 1, name: 't-errors' });
    const before = await pool.run('whoami', undefined);
    const e = await failure(pool.run('throwCode', { code: 'unrecoverable', message: 'the frame is broken' }));
    expectCode(e, 'unrecoverable', /^the frame is broken$/);
    expect(e.stack).toContain('test-tasks.ts'); // where it failed in the worker
    expectCode(await failure(pool.run('asyncReject', 'bad bytes')), 'corrupt', /^bad bytes$/);
    const plain = await failure(pool.run('throwPlain', 'out of range'));
    expect(plain).not.toBeInstanceOf(AppError);
    expect(plain.name).toBe('RangeError');
    expect(plain.message).toBe('out of range');
    expect(await pool.run('whoami', undefined)).toBe(before);
  });

  test('a worker that exits or throws outside a task rejects its task and is replaced', async () => {
    const pool = poolOf({ size: 1, name: 't-crash' });
    const first = await pool.run('whoami', undefined);
    const crashed = pool.run('crash', 1);
    const queued = pool.run('echo', 'after the crash'); // waits behind the crash, runs on the replacement
    expectCode(await failure(crashed), 'unavailable', /^the worker died: it exited with code 1 \(pool t-crash, task crash\)$/);
    expect(await queued).toBe('after the crash');
    const second = await pool.run('whoami', undefined);
    expect(second).not.toBe(first);

    expectCode(await failure(pool.run('strayThrow', 'a timer blew up')), 'unavailable', /^the worker died: a timer blew up /);
    expect(await pool.run('echo', 'still serving')).toBe('still serving');
    expect(pool.stats()).toMatchObject({ alive: 1, busy: 0 });
  });

  test('a queued task that is cancelled leaves the queue; the running one is untouched', async () => {
    const pool = poolOf({ size: 1, name: 't-cancel-queued' });
    const worker = await pool.run('whoami', undefined);
    const running = pool.run('sleepBusy', 200);
    const ac = new AbortController();
    const queued = pool.run('echo', 'never', { signal: ac.signal });
    expect(pool.stats().queued).toBe(1);
    ac.abort();
    expectCode(await failure(queued), 'invalid_state', /^cancelled$/);
    expect(pool.stats().queued).toBe(0);
    expect((await running).threadId).toBe(worker);

    expectCode(await failure(pool.run('echo', 1, { signal: AbortSignal.abort() })), 'invalid_state', /^cancelled$/);
    expect(pool.stats()).toMatchObject({ busy: 0, queued: 0 });
  });

  test('a running task that is cancelled terminates its worker; a fresh one takes its place', async () => {
    const pool = poolOf({ size: 1, name: 't-cancel-running' });
    const old = await pool.run('whoami', undefined);
    const ac = new AbortController();
    const busy = pool.run('sleepBusy', 60_000, { signal: ac.signal });
    const next = pool.run('whoami', undefined);
    expect(pool.stats()).toMatchObject({ busy: 1, queued: 1 });
    await Bun.sleep(50);
    ac.abort();
    expectCode(await failure(busy), 'invalid_state', /^cancelled$/);
    const fresh = await next; // the queued task ran on the replacement
    expect(fresh).not.toBe(old);
    expect(pool.stats()).toMatchObject({ alive: 1, busy: 0, queued: 0 });

    // With nothing queued the replacement starts anyway, idle.
    const ac2 = new AbortController();
    const busy2 = pool.run('sleepBusy', 60_000, { signal: ac2.signal });
    ac2.abort();
    expectCode(await failure(busy2), 'invalid_state', /^cancelled$/);
    expect(pool.stats()).toMatchObject({ alive: 1, busy: 0 });
    expect(await pool.run('whoami', undefined)).not.toBe(fresh);
  }, 30_000);

  test('close terminates the workers, rejects running and queued tasks and refuses new ones', async () => {
    const pool = poolOf({ size: 1, name: 't-close' });
    const running = failure(pool.run('sleepBusy', 60_000));
    const queued = failure(pool.run('echo', 'never'));
    expect(pool.stats()).toMatchObject({ busy: 1, queued: 1, alive: 1 });
    await pool.close();
    expectCode(await running, 'unavailable', /closed/);
    expectCode(await queued, 'unavailable', /closed/);
    expectCode(await failure(pool.run('echo', 1)), 'unavailable', /closed/);
    expect(pool.stats()).toEqual({ size: 1, busy: 0, queued: 0, alive: 0 });
  });

  test('size 0 refuses every run, naming MPR_WORKERS, and starts no thread', async () => {
    const pool = poolOf({ size: 0, name: 't-off' });
    expectCode(await failure(pool.run('echo', 1)), 'unavailable', /MPR_WORKERS/);
    expect(pool.stats()).toEqual({ size: 0, busy: 0, queued: 0, alive: 0 });
    expect(() => createWorkerPool({ size: -1, entry })).toThrow(AppError);
    expect(() => createWorkerPool({ size: 1.5, entry })).toThrow(AppError);
  });

  test('a transferred buffer moves to the worker (the sender is detached) and results can move back', async () => {
    const pool = poolOf({ size: 1, name: 't-transfer' });
    const n = 64 * 1024 * 1024;
    const buf = new ArrayBuffer(n);
    const view = new Uint8Array(buf);
    view[0] = 7;
    view[n - 1] = 9;
    const result = pool.run('measure', buf, { transfer: [buf] });
    expect(buf.byteLength).toBe(0);
    expect(await result).toEqual({ length: n, first: 7, last: 9 });

    const back = await pool.run('makeBytes', { n: 1024 * 1024, fill: 5 });
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back.length).toBe(1024 * 1024);
    expect(back[0]).toBe(5);
    expect(back[back.length - 1]).toBe(5);
  });

  test('an idle worker ends after idleMs and a later task starts a new one', async () => {
    const pool = poolOf({ size: 2, name: 't-idle', idleMs: 50 });
    const first = await pool.run('whoami', undefined);
    expect(pool.stats().alive).toBe(1);
    await waitFor('the idle worker to end', () => pool.stats().alive === 0);
    expect(await pool.run('whoami', undefined)).not.toBe(first);
  });

  test('bad inputs, results and task names reject without costing a worker', async () => {
    const pool = poolOf({ size: 1, name: 't-bad' });
    const worker = await pool.run('whoami', undefined);
    expectCode(await failure(pool.run('echo', { fn: () => 1 })), 'validation', /cannot be sent to a worker/);
    expectCode(await failure(pool.run('returnFunction', undefined)), 'unrecoverable', /cannot be sent back/);
    const unknown = pool.run('nope' as 'echo', 1);
    expectCode(await failure(unknown), 'unrecoverable', /no task "nope"/);
    expect(await pool.run('whoami', undefined)).toBe(worker);
  });

  test('a worker module that cannot load fails its tasks without restarting forever', async () => {
    const pool = createWorkerPool<Tasks>({ size: 2, name: 't-missing', entry: new URL('./no-such-module.ts', import.meta.url) });
    pools.push(pool);
    expectCode(await failure(pool.run('echo', 1)), 'unavailable', /^the worker died: .*no-such-module/);
    await waitFor('no worker left', () => pool.stats().alive === 0);
  });
});

describe('builtin tasks', () => {
  const builtin = (): WorkerPool<BuiltinTasks> => {
    const p = createWorkerPool<BuiltinTasks>({ size: 1, name: 't-builtin', entry: builtinTasksEntry });
    pools.push(p as unknown as WorkerPool<Tasks>);
    return p;
  };

  test('sha256 matches a direct hash, for an ArrayBuffer and an offset Uint8Array', async () => {
    const pool = builtin();
    const bytes = new Uint8Array(100_000).map((_, i) => (i * 31 + 7) & 0xff);
    const direct = createHash('sha256').update(bytes).digest('hex');
    expect(await pool.run('sha256', bytes.slice().buffer)).toBe(direct);
    const part = bytes.subarray(10, 5000);
    expect(await pool.run('sha256', part)).toBe(createHash('sha256').update(part).digest('hex'));
    expect(await pool.run('sha256', new ArrayBuffer(0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('grayscale: BT.601 luma of a hand-computed 2x2 frame, RGB and RGBA', async () => {
    const pool = builtin();
    // red, green, blue, white: round(0.299*255)=76, round(0.587*255)=150, round(0.114*255)=29, 255
    const rgb = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    const rgba = new Uint8Array([255, 0, 0, 9, 0, 255, 0, 9, 0, 0, 255, 9, 255, 255, 255, 9]);
    const want = [76, 150, 29, 255];
    expect([...(await pool.run('grayscale', { data: rgb, width: 2, height: 2 }))]).toEqual(want);
    const frame = rgba.buffer;
    expect([...(await pool.run('grayscale', { data: frame, width: 2, height: 2 }, { transfer: [frame] }))]).toEqual(want);
    expect(frame.byteLength).toBe(0);
    expect([...grayscale({ data: rgb, width: 2, height: 2 })]).toEqual(want); // in-process, same answer
    expectCode(await failure(pool.run('grayscale', { data: rgb, width: 3, height: 2 })), 'validation', /3x2/);
  });

  test('frameDiff: mean absolute difference of two luma frames', async () => {
    const pool = builtin();
    const a = new Uint8Array([76, 150, 29, 255]);
    const b = new Uint8Array([0, 150, 30, 250]);
    expect(await pool.run('frameDiff', { a, b })).toBe((76 + 0 + 1 + 5) / 4);
    expect(await pool.run('frameDiff', { a, b: a })).toBe(0);
    expect(await pool.run('frameDiff', { a: new Uint8Array(4), b: new Uint8Array(4).fill(255) })).toBe(255);
    expect(frameDiff({ a, b })).toBe(20.5);
    expectCode(await failure(pool.run('frameDiff', { a, b: new Uint8Array(3) })), 'validation', /equal size/);
  });
});
