/**
 * The dead-letter list on the workers page (`GET /api/work/dead`): work items
 * set aside as poison, newest first, one page at a time, polled every 5 s
 * while the page is mounted (setting an item aside is not on the live feed's
 * job list). An admin retries an item (its job runs again as its next
 * attempt) or drops it (its job stays failed); each item has at most one
 * action in flight, the last action's outcome or refusal is kept to show,
 * and the list is fetched again after every action, since a refused one
 * (404: someone else dealt with it) means the page is stale too.
 */
import { createSignal } from 'solid-js';
import { ApiError, type Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { DeadItem, DeadItemResolved, DeadItemTry } from '../../../src/types/workers.ts';
import { createPagedList } from './paged.ts';
import { pollEvery } from './poll.ts';

export type DeadItemsApi = Pick<Api, 'deadItems' | 'retryDeadItem' | 'dropDeadItem'>;

export type DeadAction = 'retry' | 'drop';

/** A refused action: which item, what was tried, and the sentence to show. */
export interface DeadActionError {
  itemId: string;
  action: DeadAction;
  message: string;
}

export const DEAD_ITEMS_POLL_MS = 5_000;
export const DEAD_ITEMS_PAGE = 20;

/** Pure: how an item is named in sentences: "chunk 3 of job j1 (attempt 2)". */
export const deadItemLabel = (i: Pick<DeadItem, 'n' | 'jobId' | 'attempt'>): string => `chunk ${i.n} of job ${i.jobId} (attempt ${i.attempt})`;

/** Pure: one line of an item's history: who took it, where it stalled and for how long, who handed it back. */
export const historyText = (t: DeadItemTry): string => {
  switch (t.what) {
    case 'taken':
      return `taken by ${t.worker}`;
    case 'stalled':
      return t.stalledSeconds === undefined ? `stalled on ${t.worker}` : `stalled on ${t.worker}: no progress for ${t.stalledSeconds} s`;
    case 'handed-back':
      return `handed back by ${t.worker} (not counted as a try)`;
    default: {
      const _exhaustive: never = t.what;
      return _exhaustive;
    }
  }
};

/** Pure: the sentence for a refused action; a 403 says plainly that only admins may act. */
export const deadActionErrorText = (action: DeadAction, item: Pick<DeadItem, 'n' | 'jobId' | 'attempt'> | null, e: unknown): string => {
  const verb = action === 'retry' ? 'retry' : 'drop';
  if (e instanceof ApiError && e.status === 403) return `Only an admin can ${verb} a dead item. ${errorText(e)}`;
  return `Could not ${verb} ${item ? deadItemLabel(item) : 'this item'}: ${errorText(e)}`;
};

export const createDeadItemsStore = (api: DeadItemsApi, opts: { everyMs?: number; pageSize?: number } = {}) => {
  const everyMs = opts.everyMs ?? DEAD_ITEMS_POLL_MS;
  const list = createPagedList<DeadItem>((limit, offset) => api.deadItems({ limit, offset }), opts.pageSize ?? DEAD_ITEMS_PAGE);
  const [pending, setPending] = createSignal<Record<string, DeadAction>>({});
  const [actionError, setActionError] = createSignal<DeadActionError | null>(null);
  const [resolved, setResolved] = createSignal<DeadItemResolved | null>(null);

  const setPendingOf = (itemId: string, action: DeadAction | null) =>
    setPending((m) => {
      const next = { ...m };
      if (action === null) delete next[itemId];
      else next[itemId] = action;
      return next;
    });

  const act = async (action: DeadAction, itemId: string): Promise<boolean> => {
    if (pending()[itemId]) return false; // one action per item at a time: a double click sends one
    const item = list.items().find((x) => x.itemId === itemId) ?? null;
    setPendingOf(itemId, action);
    setActionError(null);
    setResolved(null);
    try {
      const done = await (action === 'retry' ? api.retryDeadItem(itemId) : api.dropDeadItem(itemId));
      // Gone at once; the refresh below brings the page's next item up.
      list.setItems((l) => l.filter((x) => x.itemId !== itemId));
      list.setTotal((t) => Math.max(0, t - 1));
      setResolved(done);
      return true;
    } catch (e) {
      setActionError({ itemId, action, message: deadActionErrorText(action, item, e) });
      return false;
    } finally {
      setPendingOf(itemId, null);
      await list.load();
    }
  };

  /** Fetches now and every `everyMs` until the returned stop is called (the page calls it on cleanup). */
  const poll = (): (() => void) => pollEvery(list.load, everyMs);

  const listError = () => {
    const e = list.error();
    return e === null ? null : `Could not list the dead items: ${e}`;
  };

  return {
    items: list.items,
    total: list.total,
    offset: list.offset,
    pageSize: list.pageSize,
    loaded: list.loaded,
    loading: list.loading,
    hasPrev: list.hasPrev,
    hasNext: list.hasNext,
    nextPage: list.nextPage,
    prevPage: list.prevPage,
    /** Why the list could not be fetched (the last page stays shown), or null. */
    error: listError,
    refresh: list.load,
    poll,
    /** The action in flight per item id. */
    pending,
    /** The last action's refusal, or null. */
    actionError,
    dismissActionError: () => setActionError(null),
    /** The last action that went through, to say what became of its job. */
    resolved,
    dismissResolved: () => setResolved(null),
    retry: (itemId: string) => act('retry', itemId),
    drop: (itemId: string) => act('drop', itemId),
  };
};

export type DeadItemsStore = ReturnType<typeof createDeadItemsStore>;
