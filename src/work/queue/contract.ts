/**
 * The WorkQueue contract, written once and run against every implementation
 * (memory.test.ts, redis-queue.int.test.ts). Each test gets a fresh queue.
 *
 * The suite never awaits an enqueue() before the item was handled: the
 * in-process queue resolves it only on ack. Waits poll with generous
 * deadlines; the only timing assertions are lower bounds.
 */
import { describe, expect, test } from 'bun:test';
import { until } from '../../../test/wait.ts';
import type { WorkItem, WorkQueue } from './index.ts';

export interface QueueTimings {
  claimIdleMs: number;
  heartbeatMs: number;
  blockMs: number;
}

export interface QueueFixture {
  /** The queue as one taker sees it. */
  queue: WorkQueue;
  /** The same queue as another taker sees it: the same object in-process, another consumer name on Redis. */
  another(): WorkQueue;
  cleanup(): Promise<void>;
}

export type QueueFactory = (timings: QueueTimings) => Promise<QueueFixture>;

const timings: QueueTimings = { claimIdleMs: 300, heartbeatMs: 80, blockMs: 50 };
const TEST_MS = 30_000;

const item = (jobId: string, n: number, extra: Record<string, unknown> = {}): WorkItem => ({
  kind: 'contract',
  jobId,
  itemId: `chunk:${jobId}:${n}`,
  params: { n, ...extra },
});

interface Gate {
  wait: Promise<void>;
  open(): void;
}
const gate = (): Gate => {
  let open = () => {};
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
};

interface Taker {
  /** Items in the order this taker's handler got them. */
  seen: WorkItem[];
  signals: AbortSignal[];
  stop(): void;
  /** A graceful stop: takes nothing more, lets what runs finish. */
  drain(): void;
  done: Promise<void>;
  isDone(): boolean;
}

type Take = (queue: WorkQueue, handler?: (it: WorkItem, signal: AbortSignal) => Promise<void>, concurrency?: number) => Taker;

const within = async <T>(p: Promise<T>, ms: number, what: string): Promise<T> => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
};

export const workQueueContract = (name: string, makeQueue: QueueFactory) => {
  describe(`WorkQueue contract: ${name}`, () => {
    /** A fresh queue; every taker started is stopped and every gate opened afterwards, pass or fail. */
    const withQueue = (fn: (ctx: { fx: QueueFixture; take: Take; gate: () => Gate }) => Promise<void>) => async () => {
      const fx = await makeQueue(timings);
      const takers: Taker[] = [];
      const gates: Gate[] = [];
      const takeOn: Take = (queue, handler = async () => {}, concurrency = 1) => {
        const ctl = new AbortController();
        const drainCtl = new AbortController();
        const seen: WorkItem[] = [];
        const signals: AbortSignal[] = [];
        let finished = false;
        const done = queue
          .consume(
            (it, signal) => {
              seen.push(it);
              signals.push(signal);
              return handler(it, signal);
            },
            { concurrency, signal: ctl.signal, drain: drainCtl.signal },
          )
          .finally(() => (finished = true));
        const t: Taker = { seen, signals, stop: () => ctl.abort(), drain: () => drainCtl.abort(), done, isDone: () => finished };
        takers.push(t);
        return t;
      };
      try {
        await fn({
          fx,
          take: takeOn,
          gate: () => {
            const g = gate();
            gates.push(g);
            return g;
          },
        });
      } finally {
        for (const t of takers) t.stop();
        for (const g of gates) g.open();
        await within(Promise.allSettled(takers.map((t) => t.done)), 10_000, 'every taker to stop').catch(() => undefined);
        await fx.cleanup();
      }
    };

    const depthIs = (q: WorkQueue, waiting: number, pending: number) => async () => {
      const d = await q.depth();
      return d.waiting === waiting && d.pending === pending;
    };

    test(
      'an enqueued item reaches a handler as the same plain JSON',
      withQueue(async ({ fx, take }) => {
        const sent: WorkItem = { ...item('rt', 0), params: { n: 0, attempt: 2, nested: { a: [1, 'x', null], b: true }, s: 'ü ✓' } };
        const enq = fx.queue.enqueue(sent);
        const t = take(fx.queue);
        await until(() => t.seen.length === 1, 'the item to be handled');
        expect(t.seen[0]).toEqual(sent);
        await within(enq, 10_000, 'enqueue to resolve after the ack');
      }),
      TEST_MS,
    );

    test(
      'with concurrency 1, items come out in the order they went in',
      withQueue(async ({ fx, take }) => {
        const items = Array.from({ length: 6 }, (_, n) => item('fifo', n));
        const enqs = items.map((it) => fx.queue.enqueue(it));
        const t = take(fx.queue);
        await until(() => t.seen.length === 6, 'all six items');
        expect(t.seen.map((it) => it.itemId)).toEqual(items.map((it) => it.itemId));
        await within(Promise.all(enqs), 10_000, 'the enqueues to resolve');
      }),
      TEST_MS,
    );

    test(
      'never more than `concurrency` handlers at once',
      withQueue(async ({ fx, take, gate }) => {
        const g = gate();
        let active = 0;
        let most = 0;
        for (let n = 0; n < 7; n++) void fx.queue.enqueue(item('conc', n));
        const t = take(
          fx.queue,
          async () => {
            most = Math.max(most, ++active);
            await g.wait;
            active--;
          },
          3,
        );
        await until(() => active === 3, 'three handlers running');
        await Bun.sleep(timings.blockMs * 4);
        expect({ active, most, started: t.seen.length }).toEqual({ active: 3, most: 3, started: 3 });
        g.open();
        await until(() => t.seen.length === 7 && active === 0, 'all seven items');
        expect(most).toBe(3);
        await until(depthIs(fx.queue, 0, 0), 'an empty queue');
      }),
      TEST_MS,
    );

    test(
      "a handler's end acknowledges the item, resolved or rejected: it is not delivered again",
      withQueue(async ({ fx, take }) => {
        const handler = async (it: WorkItem) => {
          if (it.params.n === 1) throw new Error('this item fails');
        };
        const enqs = [fx.queue.enqueue(item('ack', 0)), fx.queue.enqueue(item('ack', 1))];
        const a = take(fx.queue, handler);
        const b = take(fx.another(), handler);
        await until(() => a.seen.length + b.seen.length === 2, 'both items handled');
        await until(depthIs(fx.queue, 0, 0), 'both items acknowledged');
        await within(Promise.all(enqs), 10_000, 'the enqueues to resolve');
        // Long enough for an unacknowledged item to be reclaimed, several times over.
        await Bun.sleep(timings.claimIdleMs * 3);
        expect([...a.seen, ...b.seen].map((it) => it.itemId).sort()).toEqual(['chunk:ack:0', 'chunk:ack:1']);
        expect(await fx.queue.depth()).toEqual({ waiting: 0, pending: 0 });
      }),
      TEST_MS,
    );

    test(
      'heartbeat: an item that runs longer than claimIdleMs stays with its live taker',
      withQueue(async ({ fx, take, gate }) => {
        const g = gate();
        const enq = fx.queue.enqueue(item('beat', 0));
        const a = take(fx.queue, () => g.wait);
        await until(() => a.seen.length === 1, 'the first taker to start');
        const b = take(fx.another());
        await Bun.sleep(timings.claimIdleMs * 4);
        expect(b.seen).toEqual([]);
        expect(await fx.queue.depth()).toEqual({ waiting: 0, pending: 1 });
        g.open();
        await until(depthIs(fx.queue, 0, 0), 'the item acknowledged');
        await within(enq, 10_000, 'enqueue to resolve');
        expect({ a: a.seen.length, b: b.seen.length }).toEqual({ a: 1, b: 0 });
      }),
      TEST_MS,
    );

    test(
      'drain: a drained taker takes nothing more, finishes and acknowledges what it holds, then resolves',
      withQueue(async ({ fx, take, gate }) => {
        const g = gate();
        const first = fx.queue.enqueue(item('drain', 0));
        const a = take(fx.queue, () => g.wait);
        await until(() => a.seen.length === 1, 'the first item to be taken');
        a.drain();
        const second = fx.queue.enqueue(item('drain', 1));
        await Bun.sleep(timings.blockMs * 4);
        expect(a.seen.length).toBe(1);
        expect(a.isDone()).toBe(false); // its item still runs
        expect(a.signals[0]!.aborted).toBe(false);
        g.open();
        await within(a.done, 10_000, 'the drained taker to resolve');
        await within(first, 10_000, 'the finished item to be acknowledged');
        const b = take(fx.another());
        await until(() => b.seen.length === 1, 'another taker to get the item the drained one left');
        expect(b.seen[0]!.itemId).toBe('chunk:drain:1');
        await within(second, 10_000, 'the second item to be acknowledged');
      }),
      TEST_MS,
    );

    test(
      'drain past its deadline: a stop cuts the held item short and another taker gets it',
      withQueue(async ({ fx, take, gate }) => {
        const hung = gate();
        const enq = fx.queue.enqueue(item('handback', 0));
        const a = take(fx.queue, () => hung.wait);
        await until(() => a.seen.length === 1, 'the item to be taken');
        a.drain();
        a.stop();
        hung.open();
        await within(a.done, 10_000, 'the stopped taker to resolve');
        const b = take(fx.another());
        await until(() => b.seen.length === 1, 'another taker to get the handed-back item', 10_000);
        await until(depthIs(fx.queue, 0, 0), 'the item acknowledged by its new taker');
        await within(enq, 10_000, 'enqueue to resolve');
      }),
      TEST_MS,
    );

    test(
      'reclaim: a taker stopped mid-item loses it to another after claimIdleMs; its late end acks nothing',
      withQueue(async ({ fx, take, gate }) => {
        const hung = gate();
        const second = gate();
        const sent = item('claim', 0, { attempt: 1 });
        const enq = fx.queue.enqueue(sent);
        // The first handler ignores its signal, as a stuck ffmpeg would.
        const a = take(fx.queue, () => hung.wait);
        await until(() => a.seen.length === 1, 'the first taker to start');
        const b = take(fx.another(), () => second.wait);
        const stoppedAt = Date.now();
        a.stop();
        expect(a.signals[0]!.aborted).toBe(true);
        await until(() => b.seen.length === 1, 'the second taker to claim the item', 10_000);
        expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(timings.claimIdleMs / 2);
        expect(b.seen[0]).toEqual(sent);
        expect(a.isDone()).toBe(false); // still waiting for its hung handler
        hung.open();
        await within(a.done, 10_000, 'the stopped taker to finish');
        // The late end was not an ack: the second taker still holds the item.
        expect(await fx.queue.depth()).toEqual({ waiting: 0, pending: 1 });
        second.open();
        await until(depthIs(fx.queue, 0, 0), 'the second taker to acknowledge');
        await within(enq, 10_000, 'enqueue to resolve');
        await Bun.sleep(timings.claimIdleMs * 2);
        expect({ a: a.seen.length, b: b.seen.length }).toEqual({ a: 1, b: 1 });
      }),
      TEST_MS,
    );

    test(
      "cancel drops one job's waiting items, returns how many, and a later enqueue of that job is delivered",
      withQueue(async ({ fx, take }) => {
        const doomed = [0, 1, 2].map((n) => fx.queue.enqueue(item('cx-a', n)));
        const kept = [0, 1].map((n) => fx.queue.enqueue(item('cx-b', n)));
        await until(depthIs(fx.queue, 5, 0), 'five waiting items');
        expect(await fx.queue.cancel('cx-a')).toBe(3);
        expect(await fx.queue.depth()).toEqual({ waiting: 2, pending: 0 });
        expect(await fx.queue.cancel('cx-a')).toBe(0);
        expect(await fx.queue.cancel('cx-none')).toBe(0);
        await within(Promise.all(doomed), 10_000, 'the cancelled enqueues to resolve');
        const retry = fx.queue.enqueue(item('cx-a', 3));
        const t = take(fx.queue);
        await until(() => t.seen.length === 3, 'the three remaining items');
        expect(t.seen.map((it) => it.itemId)).toEqual(['chunk:cx-b:0', 'chunk:cx-b:1', 'chunk:cx-a:3']);
        await until(depthIs(fx.queue, 0, 0), 'an empty queue');
        await within(Promise.all([...kept, retry]), 10_000, 'the enqueues to resolve');
      }),
      TEST_MS,
    );

    test(
      'cancel leaves items already taken to their runner',
      withQueue(async ({ fx, take, gate }) => {
        const g = gate();
        const enq = fx.queue.enqueue(item('cx-t', 0));
        const t = take(fx.queue, () => g.wait);
        await until(() => t.seen.length === 1, 'the item to be taken');
        expect(await fx.queue.cancel('cx-t')).toBe(0);
        expect(await fx.queue.depth()).toEqual({ waiting: 0, pending: 1 });
        g.open();
        await until(depthIs(fx.queue, 0, 0), 'the item acknowledged');
        await within(enq, 10_000, 'enqueue to resolve');
        expect(t.seen.length).toBe(1);
      }),
      TEST_MS,
    );

    test(
      'consume resolves after the abort, once in-flight handlers settled; their signal aborts with it',
      withQueue(async ({ fx, take, gate }) => {
        const idle = take(fx.queue);
        idle.stop();
        await within(idle.done, 10_000, 'an idle taker to stop');

        const pre = new AbortController();
        pre.abort();
        await within(
          fx.queue.consume(async () => {}, { concurrency: 1, signal: pre.signal }),
          10_000,
          'consume with an aborted signal',
        );

        const g = gate();
        void fx.queue.enqueue(item('stop', 0));
        const t = take(fx.queue, () => g.wait);
        await until(() => t.seen.length === 1, 'the item to be taken');
        expect(t.signals[0]!.aborted).toBe(false);
        t.stop();
        expect(t.signals[0]!.aborted).toBe(true);
        await Bun.sleep(timings.blockMs * 4);
        expect(t.isDone()).toBe(false);
        g.open();
        await within(t.done, 10_000, 'consume to resolve');
      }),
      TEST_MS,
    );

    test(
      'depth counts waiting items and taken ones not yet acknowledged',
      withQueue(async ({ fx, take, gate }) => {
        expect(await fx.queue.depth()).toEqual({ waiting: 0, pending: 0 });
        const g = gate();
        const enqs = [0, 1, 2, 3].map((n) => fx.queue.enqueue(item('depth', n)));
        await until(depthIs(fx.queue, 4, 0), 'four waiting');
        const t = take(fx.queue, () => g.wait, 2);
        await until(depthIs(fx.queue, 2, 2), 'two waiting, two taken');
        expect(t.seen.length).toBe(2);
        g.open();
        await until(depthIs(fx.queue, 0, 0), 'an empty queue');
        await within(Promise.all(enqs), 10_000, 'the enqueues to resolve');
        expect(t.seen.length).toBe(4);
      }),
      TEST_MS,
    );
  });
};
