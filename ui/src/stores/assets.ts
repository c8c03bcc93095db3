/** Assets: the filtered list, scan, comment edits and deletes (optimistic, rolled back on failure). */
import { createSignal } from 'solid-js';
import type { Api } from '../api.ts';
import { errorText } from '../format.ts';
import type { Asset, ScanResult } from '../types.ts';
import { createPagedList } from './paged.ts';
import { createRowErrors } from './row-errors.ts';

export type AssetsApi = Pick<Api, 'listAssets' | 'scanAssets' | 'updateAsset' | 'deleteAsset'>;

export interface AssetFilters {
  status: '' | 'ready' | 'invalid' | 'missing';
  kind: '' | 'video' | 'audio';
  q: string;
  sort: string;
}

/** Rows per page of the assets list. */
export const ASSETS_PAGE_SIZE = 50;

export const createAssetsStore = (api: AssetsApi, opts: { pageSize?: number } = {}) => {
  const pageSize = opts.pageSize ?? ASSETS_PAGE_SIZE;
  const [filters, setFilters] = createSignal<AssetFilters>({ status: '', kind: '', q: '', sort: 'key' });
  const list = createPagedList<Asset>((limit, offset) => {
    const f = filters();
    return api.listAssets({ status: f.status, kind: f.kind, q: f.q.trim(), sort: f.sort, limit, offset });
  }, pageSize);
  const { items, setItems, setTotal, load } = list;
  const [scanning, setScanning] = createSignal(false);
  const [scanResult, setScanResult] = createSignal<ScanResult | null>(null);
  const [scanError, setScanError] = createSignal<string | null>(null);
  /** Per-row errors from a rolled-back edit or delete, by asset id. */
  const { rowErrors, setRowError } = createRowErrors();

  const setFilter = (patch: Partial<AssetFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    return list.firstPage(); // a new filter, search or sort starts at the first page
  };

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
    ...list,
    filters,
    scanning,
    scanResult,
    scanError,
    rowErrors,
    setFilter,
    scan,
    setComment,
    remove,
    dismissRowError: (id: string) => setRowError(id, null),
  };
};

export type AssetsStore = ReturnType<typeof createAssetsStore>;
