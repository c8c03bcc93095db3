/**
 * One page of a server list (`{ items, total }` with `limit`/`offset`): the
 * rows, the total, previous/next, and the guards both lists need — a slower,
 * older answer never overwrites a newer one, and a page emptied by deletes
 * elsewhere steps back to the page that now holds the end.
 */
import { createSignal } from 'solid-js';
import { errorText } from '../format.ts';

export const createPagedList = <T>(fetchPage: (limit: number, offset: number) => Promise<{ items: T[]; total: number }>, pageSize: number) => {
  const [items, setItems] = createSignal<T[]>([]);
  const [total, setTotal] = createSignal(0);
  const [loading, setLoading] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [offset, setOffset] = createSignal(0);
  let seq = 0;

  const load = async (): Promise<void> => {
    const mine = ++seq;
    setLoading(true);
    try {
      const page = await fetchPage(pageSize, offset());
      if (mine !== seq) return;
      const last = Math.max(0, Math.floor((page.total - 1) / pageSize) * pageSize);
      if (page.items.length === 0 && last < offset()) {
        setOffset(last);
        return void (await load());
      }
      setItems(() => page.items);
      setTotal(page.total);
      setError(null);
    } catch (e) {
      if (mine === seq) setError(errorText(e));
    } finally {
      if (mine === seq) {
        setLoading(false);
        setLoaded(true);
      }
    }
  };

  const hasPrev = () => offset() > 0;
  const hasNext = () => offset() + pageSize < total();
  const goTo = (o: number) => {
    setOffset(Math.max(0, o));
    return load();
  };

  return {
    items,
    setItems,
    total,
    setTotal,
    loading,
    loaded,
    error,
    offset,
    pageSize,
    load,
    hasPrev,
    hasNext,
    nextPage: () => (hasNext() ? goTo(offset() + pageSize) : Promise.resolve()),
    prevPage: () => (hasPrev() ? goTo(offset() - pageSize) : Promise.resolve()),
    /** Back to the first page (a new filter, search or sort). */
    firstPage: () => goTo(0),
  };
};

export type PagedList<T> = ReturnType<typeof createPagedList<T>>;
