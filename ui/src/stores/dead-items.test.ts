import { describe, expect, test } from 'bun:test';
import { ApiError } from '../api.ts';
import type { DeadItem, DeadItemResolved } from '../../../src/types/workers.ts';
import { createDeadItemsStore, DEAD_ITEMS_POLL_MS, deadActionErrorText, deadItemLabel, type DeadItemsApi, historyText } from './dead-items.ts';

const dead = (n: number, over: Partial<DeadItem> = {}): DeadItem => ({
  itemId: `chunk:j${n}:${n}`,
  jobId: `j${n}`,
  attempt: 1,
  n,
  kind: 'transcode',
  reason: 'lost its worker 3 times',
  tries: 3,
  history: [],
  at: '2026-03-01T12:00:00.000Z',
  ...over,
});

/** A server holding `items`: retry and drop take one out (or throw `fail`), and every call is written down. */
const fakeServer = (items: DeadItem[]) => {
  const calls: string[] = [];
  let fail: Error | null = null;
  let hold: Promise<void> | null = null;
  const resolve = (itemId: string, action: DeadItemResolved['action']): DeadItemResolved => {
    const item = items.find((x) => x.itemId === itemId)!;
    items = items.filter((x) => x !== item);
    return { item, action, jobId: item.jobId };
  };
  const api: DeadItemsApi = {
    deadItems: async ({ limit = 50, offset = 0 } = {}) => {
      calls.push(`list ${limit} ${offset}`);
      return { items: items.slice(offset, offset + limit), total: items.length };
    },
    retryDeadItem: async (itemId) => {
      calls.push(`retry ${itemId}`);
      if (hold) await hold;
      if (fail) throw fail;
      return resolve(itemId, 'retried');
    },
    dropDeadItem: async (itemId) => {
      calls.push(`drop ${itemId}`);
      if (fail) throw fail;
      return resolve(itemId, 'dropped');
    },
  };
  return {
    api,
    calls,
    failWith: (e: Error | null) => {
      fail = e;
    },
    holdWith: (p: Promise<void> | null) => {
      hold = p;
    },
  };
};

const ids = (s: ReturnType<typeof createDeadItemsStore>) => s.items().map((x) => x.itemId);

describe('dead-items store', () => {
  test('polls every 5 s by default; a poll fetches at once and then on its interval until stopped', async () => {
    expect(DEAD_ITEMS_POLL_MS).toBe(5_000);
    const srv = fakeServer([dead(1)]);
    const store = createDeadItemsStore(srv.api, { everyMs: 10 });
    const stop = store.poll();
    expect(srv.calls).toEqual(['list 20 0']); // at once, not after the first interval
    const deadline = Date.now() + 5_000;
    while (srv.calls.length < 4 && Date.now() < deadline) await Bun.sleep(5);
    expect(srv.calls.length).toBeGreaterThanOrEqual(4);
    stop();
    await Bun.sleep(5);
    const after = srv.calls.length;
    await Bun.sleep(60);
    expect(srv.calls.length).toBe(after);
    expect(ids(store)).toEqual(['chunk:j1:1']);
    expect(store.loaded()).toBe(true);
  });

  test('pages through the list with the total', async () => {
    const srv = fakeServer([1, 2, 3, 4, 5].map((n) => dead(n)));
    const store = createDeadItemsStore(srv.api, { pageSize: 2 });
    await store.refresh();
    expect(ids(store)).toEqual(['chunk:j1:1', 'chunk:j2:2']);
    expect(store.total()).toBe(5);
    expect(store.hasPrev()).toBe(false);
    await store.nextPage();
    await store.nextPage();
    expect(ids(store)).toEqual(['chunk:j5:5']);
    expect(store.hasNext()).toBe(false);
    await store.prevPage();
    expect(ids(store)).toEqual(['chunk:j3:3', 'chunk:j4:4']);
    expect(srv.calls).toEqual(['list 2 0', 'list 2 2', 'list 2 4', 'list 2 2']);
  });

  test('retry calls the api, takes the item out, keeps what became of it, and fetches the list again', async () => {
    const srv = fakeServer([dead(1), dead(2)]);
    const store = createDeadItemsStore(srv.api);
    await store.refresh();
    expect(await store.retry('chunk:j1:1')).toBe(true);
    expect(srv.calls).toEqual(['list 20 0', 'retry chunk:j1:1', 'list 20 0']);
    expect(ids(store)).toEqual(['chunk:j2:2']);
    expect(store.total()).toBe(1);
    expect(store.resolved()).toMatchObject({ action: 'retried', jobId: 'j1' });
    expect(store.actionError()).toBeNull();
    expect(await store.drop('chunk:j2:2')).toBe(true);
    expect(srv.calls.slice(3)).toEqual(['drop chunk:j2:2', 'list 20 0']);
    expect(store.resolved()).toMatchObject({ action: 'dropped', jobId: 'j2' });
    expect(ids(store)).toEqual([]);
  });

  test('a pending action per item: a second click while one is in flight sends nothing; the mark clears after', async () => {
    const srv = fakeServer([dead(1), dead(2)]);
    const store = createDeadItemsStore(srv.api);
    await store.refresh();
    let release = () => {};
    srv.holdWith(
      new Promise<void>((r) => {
        release = r;
      }),
    );
    const first = store.retry('chunk:j1:1');
    expect(store.pending()).toEqual({ 'chunk:j1:1': 'retry' });
    expect(await store.drop('chunk:j1:1')).toBe(false);
    expect(srv.calls.filter((c) => !c.startsWith('list'))).toEqual(['retry chunk:j1:1']);
    release();
    expect(await first).toBe(true);
    expect(store.pending()).toEqual({});
  });

  test('a refused action keeps the item, says why in words, and still refreshes; the next action clears it', async () => {
    const srv = fakeServer([dead(3, { attempt: 2 })]);
    const store = createDeadItemsStore(srv.api);
    await store.refresh();
    srv.failWith(new ApiError(403, 'forbidden', 'this needs the admin scope, which a user does not have'));
    expect(await store.drop('chunk:j3:3')).toBe(false);
    expect(store.actionError()).toEqual({
      itemId: 'chunk:j3:3',
      action: 'drop',
      message: 'Only an admin can drop a dead item. This needs the admin scope, which a user does not have.',
    });
    expect(ids(store)).toEqual(['chunk:j3:3']);
    expect(srv.calls.at(-1)).toBe('list 20 0');
    expect(store.pending()).toEqual({});

    srv.failWith(new ApiError(409, 'invalid_state', 'job j3 has used its 3 attempts'));
    await store.retry('chunk:j3:3');
    expect(store.actionError()?.message).toBe('Could not retry chunk 3 of job j3 (attempt 2): Job j3 has used its 3 attempts.');
    srv.failWith(null);
    await store.retry('chunk:j3:3');
    expect(store.actionError()).toBeNull();
  });

  test('a failed fetch keeps the last page and says why', async () => {
    let fail = false;
    const store = createDeadItemsStore({
      ...fakeServer([]).api,
      deadItems: async () => {
        if (fail) throw new ApiError(503, 'unavailable', 'the database is busy');
        return { items: [dead(1)], total: 1 };
      },
    });
    await store.refresh();
    fail = true;
    await store.refresh();
    expect(store.error()).toBe('Could not list the dead items: The database is busy.');
    expect(ids(store)).toEqual(['chunk:j1:1']);
    fail = false;
    await store.refresh();
    expect(store.error()).toBeNull();
  });

  test('labels', () => {
    expect(deadItemLabel({ n: 0, jobId: 'abc', attempt: 1 })).toBe('chunk 0 of job abc (attempt 1)');
    expect(deadActionErrorText('retry', null, new Error('boom'))).toBe('Could not retry this item: Boom.');
    const at = '2026-03-01T12:00:00.000Z';
    expect(historyText({ what: 'taken', worker: 'w1', at })).toBe('taken by w1');
    expect(historyText({ what: 'stalled', worker: 'w1', at, stalledSeconds: 45.5 })).toBe('stalled on w1: no progress for 45.5 s');
    expect(historyText({ what: 'stalled', worker: 'w1', at })).toBe('stalled on w1');
    expect(historyText({ what: 'handed-back', worker: 'w2', at })).toBe('handed back by w2 (not counted as a try)');
  });
});
