/** Component tests for the dead-letter list on the workers page (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import { ApiError } from '../api.ts';
import { createDeadItemsStore, type DeadItemsApi } from '../stores/dead-items.ts';
import type { DeadItem } from '../../../src/types/workers.ts';
import { DeadItemsView } from './dead-items-view.tsx';

const dead = (over: Partial<DeadItem> = {}): DeadItem => ({
  itemId: 'chunk:job1:3',
  jobId: 'job1',
  attempt: 1,
  n: 3,
  kind: 'transcode',
  reason: 'lost its worker 3 times (killed holding it)',
  tries: 3,
  history: [
    { what: 'taken', worker: 'alpha-311-abc', at: '2026-03-01T12:00:00.000Z' },
    { what: 'stalled', worker: 'alpha-311-abc', at: '2026-03-01T12:01:00.000Z', stalledSeconds: 45 },
    { what: 'taken', worker: 'beta-9-x', at: '2026-03-01T12:02:00.000Z' },
    { what: 'handed-back', worker: 'beta-9-x', at: '2026-03-01T12:03:00.000Z' },
  ],
  at: '2026-03-01T12:05:00.000Z',
  ...over,
});

/** A server holding `items`; retry and drop take one out, or throw `o.fail`; every call is written down. */
const fakeApi = (items: DeadItem[], o: { fail?: Error } = {}) => {
  const calls: string[] = [];
  let list = items;
  const take = (itemId: string) => {
    const item = list.find((x) => x.itemId === itemId)!;
    list = list.filter((x) => x !== item);
    return item;
  };
  const api: DeadItemsApi = {
    deadItems: async ({ limit = 50, offset = 0 } = {}) => {
      calls.push('list');
      return { items: list.slice(offset, offset + limit), total: list.length };
    },
    retryDeadItem: async (itemId) => {
      calls.push(`retry ${itemId}`);
      if (o.fail) throw o.fail;
      const item = take(itemId);
      return { item, action: 'retried', jobId: item.jobId };
    },
    dropDeadItem: async (itemId) => {
      calls.push(`drop ${itemId}`);
      if (o.fail) throw o.fail;
      const item = take(itemId);
      return { item, action: 'dropped', jobId: item.jobId };
    },
  };
  return { api, calls };
};

const mount = async (api: DeadItemsApi, canAct = true) => {
  const store = createDeadItemsStore(api);
  await store.refresh();
  return render(() => <DeadItemsView store={store} canAct={canAct} />);
};

const rows = (root: HTMLElement) => [...root.querySelectorAll('[data-testid="dead-item"]')] as HTMLElement[];
const row = (root: HTMLElement, itemId: string) => root.querySelector(`[data-testid="dead-item"][data-item="${itemId}"]`) as HTMLElement;
const inRow = (root: HTMLElement, itemId: string, testId: string) => row(root, itemId).querySelector(`[data-testid="${testId}"]`) as HTMLElement | null;

describe('dead-letter list', () => {
  test('one row per item: job link, chunk and attempt, kind, tries, reason, when; history folded under it', async () => {
    const { api } = fakeApi([dead(), dead({ itemId: 'chunk:job2:0:r2', jobId: 'job2', n: 0, attempt: 2, kind: 'detect', tries: 2, history: [] })]);
    const v = await mount(api);
    expect(v.getByRole('heading', { name: 'Dead-letter list' }) !== null).toBe(true);
    expect(rows(v.container).map((r) => r.dataset.item)).toEqual(['chunk:job1:3', 'chunk:job2:0:r2']);
    expect(v.getByTestId('dead-total').textContent).toBe('2 items');

    const r = row(v.container, 'chunk:job1:3');
    const link = r.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('#/jobs/job1');
    expect(link.textContent).toBe('job1');
    expect(inRow(v.container, 'chunk:job1:3', 'dead-chunk')!.textContent).toBe('3 · attempt 1');
    expect(inRow(v.container, 'chunk:job1:3', 'dead-tries')!.textContent).toBe('3');
    expect(inRow(v.container, 'chunk:job1:3', 'dead-reason')!.textContent).toBe('lost its worker 3 times (killed holding it)');
    expect(r.textContent).toContain('transcode');
    expect(r.querySelector('[title="2026-03-01T12:05:00.000Z"]') !== null).toBe(true);
    expect(inRow(v.container, 'chunk:job2:0:r2', 'dead-chunk')!.textContent).toBe('0 · attempt 2');

    const history = inRow(v.container, 'chunk:job1:3', 'dead-history') as HTMLDetailsElement;
    expect(history.open).toBe(false); // folded until asked for
    expect(history.querySelector('summary')!.textContent).toBe('History (4)');
    const tries = [...history.querySelectorAll('[data-testid="dead-try"]')] as HTMLElement[];
    expect(tries.map((t) => t.dataset.what)).toEqual(['taken', 'stalled', 'taken', 'handed-back']);
    expect(tries[0]!.textContent).toContain('taken by alpha-311-abc');
    expect(tries[1]!.textContent).toContain('stalled on alpha-311-abc: no progress for 45 s');
    expect(tries[3]!.textContent).toContain('handed back by beta-9-x (not counted as a try)');
    expect(tries[1]!.querySelector('[title="2026-03-01T12:01:00.000Z"]') !== null).toBe(true);
    // An item with no history has nothing to unfold.
    expect(inRow(v.container, 'chunk:job2:0:r2', 'dead-history') === null).toBe(true);
  });

  test('retry calls the api, says what became of the job, and the list is fetched again without the item', async () => {
    const { api, calls } = fakeApi([dead(), dead({ itemId: 'chunk:job2:1', jobId: 'job2', n: 1 })]);
    const v = await mount(api);
    fireEvent.click(inRow(v.container, 'chunk:job1:3', 'dead-retry')!);
    await waitFor(() => expect(rows(v.container).map((r) => r.dataset.item)).toEqual(['chunk:job2:1']));
    expect(calls).toEqual(['list', 'retry chunk:job1:3', 'list']);
    const done = v.getByTestId('dead-done');
    expect(done.dataset.action).toBe('retried');
    expect(done.textContent).toContain('Retried chunk 3 of job job1 (attempt 1): job job1 runs again as its next attempt.');
    expect(done.querySelector('a')!.getAttribute('href')).toBe('#/jobs/job1');
    expect(v.getByTestId('dead-total').textContent).toBe('1 item');
  });

  test('drop asks first; keeping it sends nothing; confirming drops it and says the job stays failed', async () => {
    const { api, calls } = fakeApi([dead()]);
    const v = await mount(api);
    fireEvent.click(inRow(v.container, 'chunk:job1:3', 'dead-drop')!);
    expect(calls).toEqual(['list']); // only asked so far
    const ask = v.getByTestId('dead-confirm-drop').closest('tr')!;
    expect(ask.textContent).toContain('Drop chunk 3 of job job1 (attempt 1)? Its job stays failed');
    fireEvent.click([...ask.querySelectorAll('button')].find((b) => b.textContent === 'Keep it')!);
    expect(v.queryByTestId('dead-confirm-drop') === null).toBe(true);
    expect(calls).toEqual(['list']);

    fireEvent.click(inRow(v.container, 'chunk:job1:3', 'dead-drop')!);
    fireEvent.click(v.getByTestId('dead-confirm-drop'));
    await waitFor(() => expect(v.queryByTestId('dead-empty') !== null).toBe(true));
    expect(calls).toEqual(['list', 'drop chunk:job1:3', 'list']);
    expect(v.getByTestId('dead-done').textContent).toContain('job job1 stays failed.');
  });

  test('a 403 is said in words under the item, which stays', async () => {
    const { api, calls } = fakeApi([dead()], { fail: new ApiError(403, 'forbidden', 'this needs the admin scope, which a user does not have') });
    const v = await mount(api);
    fireEvent.click(inRow(v.container, 'chunk:job1:3', 'dead-retry')!);
    await waitFor(() => expect(v.queryByTestId('dead-error') !== null).toBe(true));
    const err = v.getByTestId('dead-error');
    expect(err.dataset.item).toBe('chunk:job1:3');
    expect(err.textContent).toContain('Only an admin can retry a dead item. This needs the admin scope, which a user does not have.');
    expect(err.querySelector('[role="alert"]') !== null).toBe(true);
    // Right under its row, and the row is still there.
    expect(row(v.container, 'chunk:job1:3').nextElementSibling?.contains(err)).toBe(true);
    expect(calls).toEqual(['list', 'retry chunk:job1:3', 'list']);
    expect(v.queryByTestId('dead-done') === null).toBe(true);
    fireEvent.click(err.querySelector('button[aria-label="Dismiss"]')!);
    expect(v.queryByTestId('dead-error') === null).toBe(true);
  });

  test('the buttons are disabled while the action is under way', async () => {
    let release = () => {};
    const { api } = fakeApi([dead()]);
    const slow: DeadItemsApi = {
      ...api,
      retryDeadItem: (id) =>
        new Promise((resolve) => {
          release = () => resolve(api.retryDeadItem(id));
        }),
    };
    const v = await mount(slow);
    const retry = inRow(v.container, 'chunk:job1:3', 'dead-retry') as HTMLButtonElement;
    fireEvent.click(retry);
    expect(retry.disabled).toBe(true);
    expect(retry.textContent).toBe('Retrying…');
    expect((inRow(v.container, 'chunk:job1:3', 'dead-drop') as HTMLButtonElement).disabled).toBe(true);
    release();
    await waitFor(() => expect(rows(v.container)).toHaveLength(0));
  });

  test('a non-admin reads the list and its history but sees no buttons', async () => {
    const { api } = fakeApi([dead()]);
    const v = await mount(api, false);
    expect(rows(v.container)).toHaveLength(1);
    expect(v.queryByTestId('dead-retry') === null).toBe(true);
    expect(v.queryByTestId('dead-drop') === null).toBe(true);
    expect(v.queryByTestId('dead-history') !== null).toBe(true);
    expect(v.getByTestId('dead-items').textContent).toContain('Only admins can retry or drop these.');
  });

  test('empty: says what lands here', async () => {
    const { api } = fakeApi([]);
    const v = await mount(api);
    const empty = v.getByTestId('dead-empty').textContent!;
    expect(empty).toContain('No dead items.');
    expect(empty).toContain('loses its worker');
    expect(empty).toContain('MPR_MAX_ITEM_TRIES');
    expect(empty).toContain('retry');
    expect(v.queryByTestId('dead-item') === null).toBe(true);
    expect(v.getByTestId('dead-total').textContent).toBe('0 items');
  });

  test('pages: the pager shows the range and steps to the next page', async () => {
    const items = Array.from({ length: 25 }, (_, k) => dead({ itemId: `chunk:j:${k}`, n: k }));
    const { api } = fakeApi(items);
    const v = await mount(api);
    expect(rows(v.container)).toHaveLength(20);
    expect(v.getByTestId('page-range').textContent).toBe('1–20 of 25');
    fireEvent.click(v.getByTestId('next-page'));
    await waitFor(() => expect(v.getByTestId('page-range').textContent).toBe('21–25 of 25'));
    expect(rows(v.container)[0]!.dataset.item).toBe('chunk:j:20');
  });

  test('a list that cannot be read says why', async () => {
    const v = await mount({
      ...fakeApi([]).api,
      deadItems: async () => {
        throw new ApiError(503, 'unavailable', 'the database is busy');
      },
    });
    expect(v.getByTestId('dead-items').querySelector('[role="alert"]')!.textContent).toBe('Could not list the dead items: The database is busy.');
    expect(v.queryByTestId('dead-empty') === null).toBe(true);
  });
});
