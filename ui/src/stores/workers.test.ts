import { describe, expect, test } from 'bun:test';
import { ApiError } from '../api.ts';
import type { WorkersDto } from '../../../src/types/workers.ts';
import { createWorkersStore, WORKERS_POLL_MS } from './workers.ts';

const answer = (capacity: number): WorkersDto => ({ workers: [], capacity, lostAfterSeconds: 60 });

describe('workers store', () => {
  test('polls every 2 s by default', () => {
    expect(WORKERS_POLL_MS).toBe(2_000);
  });

  test('a poll fetches at once and then on its interval until stopped', async () => {
    let calls = 0;
    const store = createWorkersStore({ workers: async () => answer(++calls) }, { everyMs: 10 });
    const stop = store.poll();
    expect(calls).toBe(1); // at once, not after the first interval
    const deadline = Date.now() + 5_000;
    while (calls < 4 && Date.now() < deadline) await Bun.sleep(5);
    expect(calls).toBeGreaterThanOrEqual(4);
    stop();
    await Bun.sleep(5); // a fetch started before stop() may still land
    const after = calls;
    await Bun.sleep(60);
    expect(calls).toBe(after);
    expect(store.data()?.capacity).toBe(after);
  });

  test('a failed fetch keeps the last list and says why; the next answer clears it', async () => {
    let fail = false;
    const store = createWorkersStore({
      workers: async () => {
        if (fail) throw new ApiError(503, 'unavailable', 'Redis at 127.0.0.1:6379 cannot be reached');
        return answer(3);
      },
    });
    expect(store.loaded()).toBe(false);
    expect(await store.refresh()).toBe(true);
    fail = true;
    expect(await store.refresh()).toBe(false);
    expect(store.error()).toBe('Could not list the workers: Redis at 127.0.0.1:6379 cannot be reached.');
    expect(store.data()?.capacity).toBe(3);
    fail = false;
    await store.refresh();
    expect(store.error()).toBeNull();
  });

  test('one request at a time: a refresh while one is under way joins it', async () => {
    let calls = 0;
    let release = () => {};
    const store = createWorkersStore({
      workers: () => {
        calls++;
        return new Promise<WorkersDto>((resolve) => {
          release = () => resolve(answer(calls));
        });
      },
    });
    const a = store.refresh();
    const b = store.refresh();
    expect(calls).toBe(1);
    release();
    expect(await Promise.all([a, b])).toEqual([true, true]);
    expect(store.loaded()).toBe(true);
  });
});
