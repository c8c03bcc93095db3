/** Assets: the filtered list, scan, comment edits and deletes (optimistic, rolled back on failure). */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { Asset, ScanResult } from '../types.ts';

export type AssetsApi = Pick<Api, 'listAssets' | 'scanAssets' | 'updateAsset' | 'deleteAsset'>;

export interface AssetFilters {
  status: '' | 'ready' | 'invalid';
  kind: '' | 'video' | 'audio';
  q: string;
  sort: string;
}

/** Rows per page of the assets list. */
export const ASSETS_PAGE_SIZE = 50;

export const createAssetsStore = (api: AssetsApi, opts: { pageSize?: number } = {}) => {
  const pageSize = opts.pageSize ?? ASSETS_PAGE_SIZE;
  const [items, setItems] = createSignal<Asset[]>([]);
  const [total, setTotal] = createSignal(0);
  const [loading, setLoading] = createSignal(false);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [filters, setFilters] = createSignal<AssetFilters>({ status: '', kind: '', q: '', sort: 'key' });
  const [offset, setOffset] = createSignal(0);
  const [scanning, setScanning] = createSignal(false);
  const [scanResult, setScanResult] = createSignal<ScanResult | null>(null);
  const [scanError, setScanError] = createSignal<string | null>(null);
  /** Per-row errors from a rolled-back edit or delete, by asset id. */
  const [rowErrors, setRowErrors] = createSignal<Record<string, string>>({});
  let seq = 0;

  const setRowError = (id: string, msg: string | null) =>
    setRowErrors((m) => {
      const next = { ...m };
      if (msg === null) delete next[id];
      else next[id] = msg;
      return next;
    });

  const load = async () => {
    const mine = ++seq; // a slower, older answer never overwrites a newer one
    setLoading(true);
    try {
      const f = filters();
      const page = await api.listAssets({ status: f.status, kind: f.kind, q: f.q.trim(), sort: f.sort, limit: pageSize, offset: offset() });
      if (mine !== seq) return;
      // The last page emptied (deletes elsewhere): step back to the page that now holds the end.
      const last = Math.max(0, Math.floor((page.total - 1) / pageSize) * pageSize);
      if (page.items.length === 0 && last < offset()) {
        setOffset(last);
        return void (await load());
      }
      setItems(page.items);
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

  const setFilter = (patch: Partial<AssetFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setOffset(0); // a new filter, search or sort starts at the first page
    return load();
  };

  const hasPrev = () => offset() > 0;
  const hasNext = () => offset() + pageSize < total();
  const goTo = (o: number) => {
    setOffset(Math.max(0, o));
    return load();
  };
  const nextPage = () => (hasNext() ? goTo(offset() + pageSize) : Promise.resolve());
  const prevPage = () => (hasPrev() ? goTo(offset() - pageSize) : Promise.resolve());

  const scan = async () => {
    setScanning(true);
    setScanError(null);
    try {
      setScanResult(await api.scanAssets());
      await load();
    } catch (e) {
      setScanError(errorText(e));
    } finally {
      setScanning(false);
    }
  };

  const replace = (id: string, f: (a: Asset) => Asset) => setItems((list) => list.map((a) => (a.id === id ? f(a) : a)));

  /** Shows the new comment at once; puts the old one back (with the error) if the server refuses. */
  const setComment = async (id: string, comment: string): Promise<boolean> => {
    const before = items().find((a) => a.id === id);
    if (!before || before.comment === comment) return true;
    replace(id, (a) => ({ ...a, comment }));
    setRowError(id, null);
    try {
      const saved = await api.updateAsset(id, { comment });
      replace(id, (a) => (a.comment === comment ? { ...a, ...saved } : a));
      return true;
    } catch (e) {
      replace(id, (a) => (a.comment === comment ? { ...a, comment: before.comment } : a));
      setRowError(id, errorText(e));
      return false;
    }
  };

  /** Removes the row at once; puts it back where it was if the delete fails. */
  const remove = async (id: string, deleteOutputs: boolean): Promise<boolean> => {
    const list = items();
    const index = list.findIndex((a) => a.id === id);
    if (index < 0) return false;
    const row = list[index]!;
    setItems(list.filter((a) => a.id !== id));
    setTotal((t) => t - 1);
    setRowError(id, null);
    try {
      await api.deleteAsset(id, deleteOutputs);
      return true;
    } catch (e) {
      setItems((cur) => (cur.some((a) => a.id === id) ? cur : [...cur.slice(0, index), row, ...cur.slice(index)]));
      setTotal((t) => t + 1);
      setRowError(id, errorText(e));
      return false;
    }
  };

  return {
    items, total, loading, loaded, error, filters, scanning, scanResult, scanError, rowErrors,
    offset, pageSize, hasPrev, hasNext,
    load, setFilter, scan, setComment, remove, nextPage, prevPage,
    dismissRowError: (id: string) => setRowError(id, null),
  };
};

export type AssetsStore = ReturnType<typeof createAssetsStore>;
