/** Component tests for the workers page (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { render } from '@solidjs/testing-library';
import { ApiError } from '../api.ts';
import { createWorkersStore, type WorkersApi } from '../stores/workers.ts';
import type { WorkerDto, WorkersDto } from '../../../src/types/workers.ts';
import { agoText, statusLabel, WorkersView } from './workers-view.tsx';

const worker = (over: Partial<WorkerDto>): WorkerDto => ({
  id: 'alpha-311-abc123',
  host: 'alpha',
  pid: 311,
  version: '0.1.0',
  role: 'worker',
  concurrency: 2,
  busy: 0,
  items: [],
  done: 0,
  failed: 0,
  load: 0.5,
  cpus: 4,
  startedAt: '2026-03-01T11:00:00.000Z',
  lastBeat: '2026-03-01T12:00:00.000Z',
  state: 'running',
  status: 'live',
  beatAgeSeconds: 3,
  ...over,
});

const item = (jobId: string, n: number | null, percent: number | null) => ({
  itemId: `chunk:${jobId}:${n}`,
  jobId,
  kind: 'transcode',
  n,
  startedAt: '2026-03-01T11:59:00.000Z',
  percent,
});

const mount = async (api: WorkersApi) => {
  const store = createWorkersStore(api);
  await store.refresh();
  return { store, view: render(() => <WorkersView store={store} />) };
};

/** Polls `check` on real time until it stops throwing (the store polls on real timers too). */
const eventually = async (check: () => void, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await Bun.sleep(5);
    }
  }
};

const rows = (root: HTMLElement) => [...root.querySelectorAll('[data-testid="worker-row"]')] as HTMLElement[];
const row = (root: HTMLElement, id: string) => root.querySelector(`[data-testid="worker-row"][data-id="${id}"]`) as HTMLElement;

describe('workers page', () => {
  test('each worker with its status, busy slots, counters and last beat; running items with progress bars linking to their job', async () => {
    const dto: WorkersDto = {
      workers: [
        worker({ busy: 2, items: [item('job1', 4, 61.2), item('job2', 0, null)], done: 14, failed: 1, load: 1.234 }),
        worker({ id: 'beta-9-x', host: 'beta', role: 'start', state: 'draining', concurrency: 4, beatAgeSeconds: 130 }),
      ],
      capacity: 2,
      lostAfterSeconds: 60,
    };
    const { view } = await mount({ workers: async () => dto });
    const root = view.container;
    expect(rows(root).map((r) => [r.dataset.id, r.dataset.status])).toEqual([
      ['alpha-311-abc123', 'live'],
      ['beta-9-x', 'live'],
    ]);
    expect(view.getByTestId('workers-capacity').textContent).toBe('capacity 2 · lost after 60 s without a heartbeat');

    const a = row(root, 'alpha-311-abc123');
    expect(a.querySelector('[data-testid="worker-status"]')!.textContent).toBe('live');
    expect(a.querySelector('[data-testid="worker-busy"]')!.textContent).toBe('2/2');
    expect(a.querySelector('[data-testid="worker-beat"]')!.textContent).toBe('3 s ago');
    expect(a.textContent).toContain('mpr worker · pid 311 · v0.1.0');
    expect(a.textContent).toContain('1.23/4');
    const items = [...a.querySelectorAll('[data-testid="worker-item"]')] as HTMLElement[];
    expect(items.map((i) => [i.dataset.job, i.dataset.n])).toEqual([
      ['job1', '4'],
      ['job2', '0'],
    ]);
    expect(items[0]!.querySelector('[data-testid="progress"]')!.getAttribute('data-percent')).toBe('61.2');
    expect(items[0]!.querySelector('a')!.getAttribute('href')).toBe('#/jobs/job1');
    expect(items[0]!.querySelector('a')!.textContent).toBe('job1:4');
    // An item that has not said how far it is has no bar yet.
    expect(items[1]!.querySelector('[data-testid="progress"]') === null).toBe(true);
    expect(items[1]!.textContent).toContain('starting…');

    const b = row(root, 'beta-9-x');
    expect(b.querySelector('[data-testid="worker-status"]')!.textContent).toBe('draining');
    expect(b.querySelector('[data-testid="worker-beat"]')!.textContent).toBe('2 min ago');
    expect(b.textContent).toContain('mpr start');
    expect(b.textContent).toContain('idle');
    expect(view.queryByTestId('workers-lost-banner') === null).toBe(true);
    expect(view.queryByTestId('worker-lost-note') === null).toBe(true);
  });

  test('a lost worker is marked: red row, lost badge, a note under it and a banner that say what happens to its items', async () => {
    const dto: WorkersDto = {
      workers: [
        worker({}),
        worker({ id: 'gone-1', host: 'gone', status: 'lost', beatAgeSeconds: 75, items: [item('job3', 2, 40)] }),
        worker({ id: 'old', status: 'stopped', beatAgeSeconds: 900 }),
      ],
      capacity: 2,
      lostAfterSeconds: 60,
    };
    const { view } = await mount({ workers: async () => dto });
    const lost = row(view.container, 'gone-1');
    expect(lost.className).toContain('worker-lost');
    expect(lost.querySelector('[data-testid="worker-status"]')!.textContent).toBe('lost');
    expect(lost.querySelector('[data-testid="worker-status"]')!.className).toContain('worker-badge-lost');
    const note = view.getByTestId('worker-lost-note');
    expect(note.textContent).toContain('no heartbeat for 75 s (over 60 s)');
    expect(note.textContent).toContain('taken over by the live workers');
    expect(view.getByTestId('workers-lost-banner').textContent).toContain('1 worker is lost: no heartbeat for over 60 s');
    // The note sits right under the lost worker's row.
    expect(lost.nextElementSibling?.querySelector('[data-testid="worker-lost-note"]') != null).toBe(true);
    expect(row(view.container, 'old').querySelector('[data-testid="worker-status"]')!.textContent).toBe('stopped');
    expect(view.getAllByTestId('worker-lost-note')).toHaveLength(1);
  });

  test('no worker: the empty page explains how to start one', async () => {
    const { view } = await mount({ workers: async () => ({ workers: [], capacity: 0, lostAfterSeconds: 60 }) });
    const empty = view.getByTestId('workers-empty').textContent!;
    expect(empty).toContain('No worker has registered');
    expect(empty).toContain('mpr start');
    expect(empty).toContain('mpr worker');
    expect(empty).toContain('MPR_WORK_QUEUE=redis');
    expect(empty).toContain('REDIS_URL');
    expect(view.queryByTestId('worker-row') === null).toBe(true);
  });

  test('polling follows the workers: a worker that goes silent turns lost; a failed poll keeps the list and says why', async () => {
    let answer: WorkersDto = { workers: [worker({})], capacity: 2, lostAfterSeconds: 60 };
    let fail = false;
    const store = createWorkersStore(
      {
        workers: async () => {
          if (fail) throw new ApiError(503, 'unavailable', 'Redis at 127.0.0.1:6379 cannot be reached');
          return answer;
        },
      },
      { everyMs: 20 },
    );
    const view = render(() => <WorkersView store={store} />);
    const stop = store.poll();
    try {
      await eventually(() => expect(rows(view.container).map((r) => r.dataset.status)).toEqual(['live']));
      answer = { workers: [worker({ status: 'lost', beatAgeSeconds: 61 })], capacity: 0, lostAfterSeconds: 60 };
      await eventually(() => expect(rows(view.container).map((r) => r.dataset.status)).toEqual(['lost']));
      fail = true;
      const alert = () => view.container.querySelector('[role="alert"]');
      await eventually(() => expect(alert()?.textContent).toContain('Could not list the workers: Redis at 127.0.0.1:6379 cannot be reached.'));
      expect(rows(view.container)).toHaveLength(1);
      fail = false;
      // A boolean, not the element: a failing expect would print the whole DOM node, which takes seconds.
      await eventually(() => expect(alert() === null).toBe(true));
    } finally {
      stop();
    }
  });

  test('labels: draining shows only while live; ages', () => {
    expect(statusLabel({ status: 'live', state: 'draining' })).toBe('draining');
    expect(statusLabel({ status: 'lost', state: 'draining' })).toBe('lost');
    expect(statusLabel({ status: 'stopped', state: 'stopped' })).toBe('stopped');
    expect([0, 119, 120, 7200, 200_000].map(agoText)).toEqual(['0 s ago', '119 s ago', '2 min ago', '2 h ago', '2 d ago']);
  });
});
