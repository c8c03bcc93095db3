import { expect, test } from 'bun:test';
import { until } from '../../../test/wait.ts';
import { workQueueContract } from './contract.ts';
import type { WorkItem } from './index.ts';
import { createMemoryWorkQueue } from './memory.ts';

workQueueContract('memory', async ({ claimIdleMs }) => {
  const queue = createMemoryWorkQueue({ claimIdleMs });
  // Two takers in one process share the queue object, as the worker pool's loops do.
  return { queue, another: () => queue, cleanup: async () => {} };
});

const item = (jobId: string, n: number): WorkItem => ({ kind: 'memory', jobId, itemId: `chunk:${jobId}:${n}`, params: { n } });

test('enqueue resolves only once the item is acknowledged, and an item enqueued twice is one item', async () => {
  const q = createMemoryWorkQueue({ claimIdleMs: 300 });
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const settled: string[] = [];
  const first = q.enqueue(item('dup', 0)).then(() => settled.push('first'));
  const second = q.enqueue(item('dup', 0)).then(() => settled.push('second'));
  expect(await q.depth()).toEqual({ waiting: 1, pending: 0 });
  const ctl = new AbortController();
  const seen: WorkItem[] = [];
  const done = q.consume(
    async (it) => {
      seen.push(it);
      await gate;
    },
    { concurrency: 2, signal: ctl.signal },
  );
  await until(() => seen.length === 1, 'the item to be taken');
  // Taken, not acknowledged: a third copy joins it too.
  const third = q.enqueue(item('dup', 0)).then(() => settled.push('third'));
  await Bun.sleep(50);
  expect(settled).toEqual([]);
  expect(await q.depth()).toEqual({ waiting: 0, pending: 1 });
  release();
  await Promise.all([first, second, third]);
  expect(settled.sort()).toEqual(['first', 'second', 'third']);
  expect(seen.length).toBe(1);
  // Acknowledged: the same itemId again is a new item.
  const again = q.enqueue(item('dup', 0));
  await until(() => seen.length === 2, 'the re-enqueued item');
  await again;
  ctl.abort();
  await done;
});

test('the handler gets its own copy: changing the enqueued object afterwards changes nothing', async () => {
  const q = createMemoryWorkQueue();
  const it = item('copy', 0);
  const enq = q.enqueue(it);
  it.params.n = 99;
  const ctl = new AbortController();
  let got: WorkItem | null = null;
  const done = q.consume(
    async (x) => {
      got = x;
    },
    { concurrency: 1, signal: ctl.signal },
  );
  await enq;
  expect(got!.params.n).toBe(0);
  ctl.abort();
  await done;
});

test('a malformed item is refused at enqueue', async () => {
  const q = createMemoryWorkQueue();
  await expect(q.enqueue({ kind: 'x', jobId: 'j', params: {} } as unknown as WorkItem)).rejects.toThrow('work item');
  expect(await q.depth()).toEqual({ waiting: 0, pending: 0 });
});
