/** Component tests for the assets page: folders, sort by file name, missing files, Transcode with a trim (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import type { Api, AssetQuery } from '../api.ts';
import { AppContext } from '../context.ts';
import { createAssetsStore } from '../stores/assets.ts';
import type { TimeRange } from '../../../src/types/api.ts';
import type { Asset } from '../types.ts';
import { appContext, asset, job } from '../../test/fixtures.ts';
import { AssetsView } from './assets-view.tsx';

const mount = async (assets: Asset[]) => {
  const queries: AssetQuery[] = [];
  const created: [string, string, TimeRange | null | undefined][] = [];
  const api: Partial<Api> = {
    listAssets: async (q = {}) => {
      queries.push(q);
      return { items: assets, total: assets.length };
    },
    scanAssets: async () => ({ found: 0, registered: 0, skipped: 0, updated: 0, keys: [] }),
    updateAsset: async (id) => assets.find((a) => a.id === id)!,
    deleteAsset: async () => undefined,
    createJob: async (assetId, presetId, range) => {
      created.push([assetId, presetId, range]);
      return job({ id: 'new' });
    },
  };
  const { ctx, went } = await appContext(api);
  const store = createAssetsStore(api as Api);
  await store.load();
  const view = render(() => (
    <AppContext.Provider value={ctx}>
      <AssetsView store={store} />
    </AppContext.Provider>
  ));
  return { ...view, queries, created, went };
};

const row = (root: HTMLElement, id: string) => root.querySelector(`[data-testid="asset-row"][data-id="${id}"]`) as HTMLElement;

describe('assets list', () => {
  test('each row shows its folder; the list sorts by file name', async () => {
    const { container, queries } = await mount([asset(), asset({ id: 'a2', key: 'top.mp4', name: 'top.mp4', folder: undefined })]);
    expect(row(container, 'a1').querySelector('[data-testid="asset-folder"]')!.textContent).toBe('shows/day one');
    // No folder from the server: the key's directory (here the root).
    expect(row(container, 'a2').querySelector('[data-testid="asset-folder"]')!.textContent).toBe('/');
    const sort = container.querySelector('select[aria-label="Sort"]') as HTMLSelectElement;
    fireEvent.change(sort, { target: { value: 'name' } });
    await waitFor(() => expect(queries.at(-1)?.sort).toBe('name'));
  });

  test('a missing file shows like an invalid one, with its reason, and cannot be transcoded', async () => {
    const { container } = await mount([asset({ status: 'missing', reason: 'The file is no longer in the input folder.' })]);
    const r = row(container, 'a1');
    expect(r.classList.contains('row-dim')).toBe(true);
    expect(r.querySelector('[data-testid="status"]')!.className).toContain('badge-missing');
    expect(r.querySelector('.reason')!.textContent).toBe('The file is no longer in the input folder.');
    expect(r.querySelector('[data-testid="transcode"]')).toBeNull();
    const status = container.querySelector('select[aria-label="Status"]') as HTMLSelectElement;
    expect([...status.options].map((o) => o.value)).toContain('missing');
  });

  test('Transcode takes a time range, checked against the asset before it is sent', async () => {
    const { container, getByTestId, created, went } = await mount([asset({ duration: 5.06 })]);
    fireEvent.click(getByTestId('transcode'));
    const field = (path: string) => container.querySelector(`[data-field="${path}"]`) as HTMLInputElement;
    fireEvent.input(field('range.end'), { target: { value: '6' } });
    fireEvent.click(getByTestId('start-job'));
    expect(container.querySelector('[data-error-for="range.end"]')?.textContent).toBe('The end is past the end of the asset (0:05.06).');
    expect(created).toEqual([]);
    fireEvent.input(field('range.start'), { target: { value: '0:01.250' } });
    fireEvent.input(field('range.end'), { target: { value: '4' } });
    fireEvent.click(getByTestId('start-job'));
    await waitFor(() => expect(created).toEqual([['a1', 'hls-abr', { start: 1.25, end: 4 }]]));
    await waitFor(() => expect(went).toEqual([{ name: 'job', id: 'new' }]));
  });
});
