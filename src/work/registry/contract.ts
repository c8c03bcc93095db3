/**
 * The WorkerRegistry contract, written once and run against the in-process
 * registry (memory.test.ts) and the Redis one (redis.int.test.ts). Each test
 * gets a fresh, empty registry on a clock it moves by hand.
 */
import { describe, expect, test } from 'bun:test';
import { AppError } from '../../errors.ts';
import { DAY_MS, HOUR_MS, type WorkerBeat, type WorkerRegistry } from './index.ts';

export interface RegistryFixture {
  registry: WorkerRegistry;
  /** A second registry over the same backing, as another node builds it; absent where one process is the only node. */
  another?: () => Promise<WorkerRegistry>;
  cleanup(): Promise<void>;
}

export type MakeRegistry = (o: { lostAfterMs: number; clock: () => number }) => Promise<RegistryFixture>;

const LOST_AFTER = 60_000;
const T0 = Date.parse('2026-03-01T12:00:00.000Z');

export const beatOf = (id: string, over: Partial<WorkerBeat> = {}): WorkerBeat => ({
  id,
  host: 'host-a',
  pid: 4242,
  version: '0.1.0',
  role: 'worker',
  concurrency: 2,
  busy: 0,
  items: [],
  done: 0,
  failed: 0,
  load: 0.5,
  cpus: 4,
  startedAt: new Date(T0).toISOString(),
  state: 'running',
  ...over,
});

const item = (jobId: string, n: number, percent: number | null) => ({
  itemId: `chunk:${jobId}:${n}`,
  jobId,
  kind: 'transcode',
  n,
  startedAt: new Date(T0).toISOString(),
  percent,
});

/** `shared`: the backing is shared by several nodes (Redis), so a second registry over it is tested too. */
export const workerRegistryContract = (name: string, make: MakeRegistry, o: { shared: boolean }): void => {
  describe(`WorkerRegistry contract: ${name}`, () => {
    const withRegistry = async (fn: (f: RegistryFixture, clock: { now: number }) => Promise<void>) => {
      const clock = { now: T0 };
      const f = await make({ lostAfterMs: LOST_AFTER, clock: () => clock.now });
      try {
        await fn(f, clock);
      } finally {
        await f.cleanup();
      }
    };

    test('empty: no workers, no capacity; it says its lost-after time', () =>
      withRegistry(async ({ registry }) => {
        expect(await registry.list()).toEqual([]);
        expect((await registry.snapshot()).capacity).toBe(0);
        expect(registry.lostAfterMs).toBe(LOST_AFTER);
      }));

    test('a beat is listed as sent, stamped with the clock, live; the next beat replaces it whole', () =>
      withRegistry(async ({ registry }, clock) => {
        const first = beatOf('w1', { busy: 2, items: [item('j1', 0, 12.5), item('j1', 3, null)], done: 4, failed: 1, load: 1.25 });
        await registry.beat(first);
        clock.now += 3_000;
        expect(await registry.list()).toEqual([{ ...first, lastBeat: new Date(T0).toISOString(), status: 'live', beatAgeSeconds: 3 }]);
        await registry.beat(beatOf('w1', { busy: 1, items: [item('j2', 7, 99)], done: 6 }));
        const [w] = await registry.list();
        expect(w).toMatchObject({ busy: 1, done: 6, failed: 0, items: [item('j2', 7, 99)], lastBeat: new Date(clock.now).toISOString(), beatAgeSeconds: 0 });
      }));

    test('silent longer than the lost-after time: lost, and out of the capacity; a beat brings it back', () =>
      withRegistry(async ({ registry }, clock) => {
        await registry.beat(beatOf('w1', { concurrency: 3 }));
        clock.now += LOST_AFTER;
        expect((await registry.list())[0]!.status).toBe('live');
        expect((await registry.snapshot()).capacity).toBe(3);
        clock.now += 1;
        expect((await registry.list())[0]).toMatchObject({ status: 'lost', beatAgeSeconds: 60 });
        expect((await registry.snapshot()).capacity).toBe(0);
        await registry.beat(beatOf('w1', { concurrency: 3 }));
        expect((await registry.list())[0]!.status).toBe('live');
        expect((await registry.snapshot()).capacity).toBe(3);
      }));

    test('capacity sums the live workers that take work: not draining, lost or stopped ones', () =>
      withRegistry(async ({ registry }, clock) => {
        await registry.beat(beatOf('lost', { concurrency: 16 }));
        clock.now += LOST_AFTER + 1_000;
        await registry.beat(beatOf('a', { concurrency: 2 }));
        await registry.beat(beatOf('b', { concurrency: 4, role: 'start' }));
        await registry.beat(beatOf('draining', { concurrency: 8, state: 'draining' }));
        await registry.beat(beatOf('stopped', { concurrency: 32 }));
        await registry.markStopped('stopped');
        expect((await registry.snapshot()).capacity).toBe(6);
        const byId = Object.fromEntries((await registry.list()).map((w) => [w.id, w.status]));
        expect(byId).toEqual({ a: 'live', b: 'live', draining: 'live', lost: 'lost', stopped: 'stopped' });
      }));

    test('markStopped keeps the counters, clears what ran, and is stamped; an unknown id adds nothing', () =>
      withRegistry(async ({ registry }, clock) => {
        await registry.beat(beatOf('w1', { busy: 1, items: [item('j1', 0, 50)], done: 9, failed: 2 }));
        clock.now += 5_000;
        await registry.markStopped('w1');
        await registry.markStopped('nobody');
        const listed = await registry.list();
        expect(listed.map((w) => w.id)).toEqual(['w1']);
        expect(listed[0]).toMatchObject({
          status: 'stopped',
          state: 'stopped',
          busy: 0,
          items: [],
          done: 9,
          failed: 2,
          lastBeat: new Date(clock.now).toISOString(),
        });
        // Stopped is stopped however long it is silent (not lost).
        clock.now += LOST_AFTER * 10;
        expect((await registry.list())[0]!.status).toBe('stopped');
      }));

    test('a beat with state stopped is listed as stopped', () =>
      withRegistry(async ({ registry }) => {
        await registry.beat(beatOf('w1', { state: 'stopped', done: 3 }));
        expect((await registry.list())[0]).toMatchObject({ status: 'stopped', done: 3 });
        expect((await registry.snapshot()).capacity).toBe(0);
      }));

    test('remove forgets one worker only', () =>
      withRegistry(async ({ registry }) => {
        await registry.beat(beatOf('w1'));
        await registry.beat(beatOf('w2'));
        await registry.remove('w1');
        await registry.remove('nobody');
        expect((await registry.list()).map((w) => w.id)).toEqual(['w2']);
      }));

    test('lost for more than a day, or stopped for more than an hour: pruned; shorter: kept', () =>
      withRegistry(async ({ registry }, clock) => {
        await registry.beat(beatOf('lost-long'));
        await registry.beat(beatOf('stopped-long'));
        await registry.markStopped('stopped-long');
        clock.now += HOUR_MS + 1;
        await registry.beat(beatOf('stopped-short'));
        await registry.markStopped('stopped-short');
        expect((await registry.list()).map((w) => [w.id, w.status])).toEqual([
          ['lost-long', 'lost'],
          ['stopped-short', 'stopped'],
        ]);
        clock.now = T0 + LOST_AFTER + DAY_MS;
        await registry.beat(beatOf('live'));
        expect((await registry.list()).map((w) => w.id)).toEqual(['live', 'lost-long']);
        clock.now += 1;
        expect((await registry.list()).map((w) => w.id)).toEqual(['live']);
      }));

    test('listed live first, then lost, then stopped; by host and id within each', () =>
      withRegistry(async ({ registry }, clock) => {
        await registry.beat(beatOf('z-lost', { host: 'a' }));
        clock.now += LOST_AFTER + 1;
        await registry.beat(beatOf('s', { host: 'a' }));
        await registry.markStopped('s');
        await registry.beat(beatOf('w2', { host: 'b' }));
        await registry.beat(beatOf('w1', { host: 'b' }));
        await registry.beat(beatOf('w9', { host: 'a' }));
        expect((await registry.list()).map((w) => w.id)).toEqual(['w9', 'w1', 'w2', 'z-lost', 's']);
      }));

    test('a heartbeat it could not list back is refused with a sentence, and nothing is stored', () =>
      withRegistry(async ({ registry }) => {
        const bad: WorkerBeat[] = [
          beatOf(''),
          beatOf('x'.repeat(201)),
          beatOf('w', { concurrency: -1 }),
          beatOf('w', { busy: 1.5 }),
          beatOf('w', { state: 'dancing' as never }),
          beatOf('w', { role: 'boss' as never }),
          beatOf('w', { items: null as never }),
        ];
        for (const b of bad) {
          const err = await registry.beat(b).then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).code).toBe('validation');
          expect((err as AppError).message).toContain('was not recorded');
        }
        expect(await registry.list()).toEqual([]);
      }));

    test('what list answers is a copy: changing it changes nothing stored', () =>
      withRegistry(async ({ registry }) => {
        const sent = beatOf('w1', { items: [item('j1', 0, 10)] });
        await registry.beat(sent);
        sent.items[0]!.percent = 77;
        const [w] = await registry.list();
        expect(w!.items[0]!.percent).toBe(10);
        w!.items.push(item('j9', 9, 9));
        w!.concurrency = 100;
        const [again] = await registry.list();
        expect(again!.items).toHaveLength(1);
        expect(again!.concurrency).toBe(2);
      }));

    test('many workers beating at once are all listed', () =>
      withRegistry(async ({ registry }) => {
        const ids = Array.from({ length: 40 }, (_, i) => `w${String(i).padStart(2, '0')}`);
        await Promise.all(ids.map((id) => registry.beat(beatOf(id, { concurrency: 1 }))));
        expect((await registry.list()).map((w) => w.id)).toEqual(ids);
        expect((await registry.snapshot()).capacity).toBe(40);
      }));

    // One process, one node: the in-process registry has no other node to share with.
    if (o.shared)
      test('another node over the same backing sees the same workers, and its stop', () =>
        withRegistry(async (f) => {
          if (!f.another) throw new Error('a shared registry fixture must give another()');
          const other = await f.another();
          await f.registry.beat(beatOf('w1', { host: 'one' }));
          await other.beat(beatOf('w2', { host: 'two' }));
          expect((await other.list()).map((w) => w.id)).toEqual(['w1', 'w2']);
          await other.markStopped('w1');
          expect((await f.registry.list()).map((w) => [w.id, w.status])).toEqual([
            ['w2', 'live'],
            ['w1', 'stopped'],
          ]);
        }));
  });
};
