import { describe, expect, test } from 'bun:test';
import { ApiError } from '../api.ts';
import type { Asset } from '../types.ts';
import { createAssetsStore, type AssetsApi } from './assets.ts';

const asset = (id: string, comment = ''): Asset => ({
  id,
  key: `${id}.mp4`,
  name: `${id}.mp4`,
  kind: 'video',
  status: 'ready',
  reason: null,
  size: 1000,
  modifiedAt: '',
  duration: 1,
  width: 640,
  height: 360,
  videoCodec: 'h264',
  audioCodec: 'aac',
  comment,
  registeredAt: '',
});

/** A fake api whose calls wait until the test settles them, so the optimistic state can be observed. */
const fakeApi = (rows: Asset[]) => {
  const calls: string[] = [];
  let settle: { resolve: (v: unknown) => void; reject: (e: unknown) => void } | null = null;
  const pending = <T>() => new Promise<T>((resolve, reject) => (settle = { resolve: resolve as (v: unknown) => void, reject }));
  const api: AssetsApi = {
    listAssets: async (q) => {
      calls.push(`list ${JSON.stringify(q)}`);
      return { items: rows, total: rows.length };
    },
    scanAssets: async () => ({ found: 3, registered: 1, skipped: 2, updated: 0, keys: [] }),
    updateAsset: (id, patch) => {
      calls.push(`patch ${id} ${patch.comment}`);
      return pending<Asset>();
    },
    deleteAsset: (id, outputs) => {
      calls.push(`delete ${id} ${outputs}`);
      return pending<unknown>();
    },
  };
  return { api, calls, ok: (v: unknown) => settle!.resolve(v), fail: (e: unknown) => settle!.reject(e) };
};

describe('assets store', () => {
  test('loads with the filters', async () => {
    const f = fakeApi([asset('a'), asset('b')]);
    const s = createAssetsStore(f.api);
    await s.setFilter({ status: 'ready', q: ' flow ' });
    expect(s.items().map((a) => a.id)).toEqual(['a', 'b']);
    expect(f.calls[0]).toBe('list {"status":"ready","kind":"","q":"flow","sort":"key","limit":50,"offset":0}');
  });

  test('pages with limit and offset; a filter change goes back to the first page', async () => {
    const calls: string[] = [];
    const all = Array.from({ length: 120 }, (_, i) => asset(`a${i}`));
    const api: AssetsApi = {
      ...fakeApi([]).api,
      listAssets: async (q = {}) => {
        calls.push(`${q.limit}@${q.offset}`);
        const o = q.offset ?? 0;
        return { items: all.slice(o, o + (q.limit ?? 50)), total: all.length };
      },
    };
    const s = createAssetsStore(api);
    await s.load();
    expect(s.total()).toBe(120);
    expect(s.items()).toHaveLength(50);
    expect(s.hasPrev()).toBe(false);
    expect(s.hasNext()).toBe(true);
    await s.nextPage();
    await s.nextPage();
    expect(s.offset()).toBe(100);
    expect(s.items().map((a) => a.id)).toEqual(all.slice(100).map((a) => a.id));
    expect(s.hasNext()).toBe(false);
    await s.nextPage(); // at the end: no call
    expect(calls).toEqual(['50@0', '50@50', '50@100']);
    await s.prevPage();
    expect(s.offset()).toBe(50);
    await s.setFilter({ sort: '-size' });
    expect(s.offset()).toBe(0);
    expect(calls.at(-1)).toBe('50@0');
  });

  test('scan shows its counts and reloads', async () => {
    const f = fakeApi([asset('a')]);
    const s = createAssetsStore(f.api);
    await s.scan();
    expect(s.scanResult()).toMatchObject({ found: 3, registered: 1, skipped: 2 });
    expect(s.items()).toHaveLength(1);
  });

  test('a comment shows at once and stays when the server agrees', async () => {
    const f = fakeApi([asset('a', 'old')]);
    const s = createAssetsStore(f.api);
    await s.load();
    const done = s.setComment('a', 'new');
    expect(s.items()[0]!.comment).toBe('new');
    f.ok(asset('a', 'new'));
    expect(await done).toBe(true);
    expect(s.items()[0]!.comment).toBe('new');
    expect(s.rowErrors()).toEqual({});
  });

  test('a refused comment rolls back and shows the error as a sentence', async () => {
    const f = fakeApi([asset('a', 'old')]);
    const s = createAssetsStore(f.api);
    await s.load();
    const done = s.setComment('a', 'x'.repeat(5000));
    expect(s.items()[0]!.comment).toHaveLength(5000);
    f.fail(new ApiError(400, 'validation', 'comment: at most 2000 characters'));
    expect(await done).toBe(false);
    expect(s.items()[0]!.comment).toBe('old');
    expect(s.rowErrors().a).toBe('comment: at most 2000 characters.');
  });

  test('a failed delete puts the row back where it was', async () => {
    const f = fakeApi([asset('a'), asset('b'), asset('c')]);
    const s = createAssetsStore(f.api);
    await s.load();
    const done = s.remove('b', true);
    expect(s.items().map((a) => a.id)).toEqual(['a', 'c']);
    expect(s.total()).toBe(2);
    f.fail(new ApiError(404, 'not_found', 'asset b not found'));
    expect(await done).toBe(false);
    expect(s.items().map((a) => a.id)).toEqual(['a', 'b', 'c']);
    expect(s.total()).toBe(3);
    expect(s.rowErrors().b).toBe('Asset b not found.');
    expect(f.calls).toContain('delete b true');
  });

  test('a successful delete stays deleted', async () => {
    const f = fakeApi([asset('a'), asset('b')]);
    const s = createAssetsStore(f.api);
    await s.load();
    const done = s.remove('a', false);
    f.ok({ deleted: true });
    expect(await done).toBe(true);
    expect(s.items().map((a) => a.id)).toEqual(['b']);
  });
});
