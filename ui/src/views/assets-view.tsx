import { Pager } from '../components/pager.tsx';
import { For, Show } from 'solid-js';
import { ErrorNote, Empty, Loading } from '../components/bits.tsx';
import type { AssetsStore } from '../stores/assets.ts';
import type { UploadsStore } from '../stores/uploads.ts';
import { AssetRow } from './asset-row.tsx';
import { UploadArea } from './upload-area.tsx';

export const AssetsView = (p: { store: AssetsStore; uploads?: UploadsStore }) => {
  const s = p.store;
  return (
    <section class="page">
      <div class="page-head">
        <h1>Assets</h1>
        <span class="muted">{s.total()} total</span>
        <div class="spacer" />
        <Show when={s.scanResult()}>
          {(r) => (
            <span class="scan-result" data-testid="scan-result">
              found {r().found}, registered {r().registered}, skipped {r().skipped}
              {r().updated ? `, updated ${r().updated}` : ''}
            </span>
          )}
        </Show>
        <button type="button" class="btn primary" data-testid="scan" disabled={s.scanning()} onClick={() => void s.scan()}>
          {s.scanning() ? 'Scanning…' : 'Scan'}
        </button>
      </div>
      <ErrorNote message={s.scanError()} />
      <Show when={p.uploads}>{(u) => <UploadArea store={u()} />}</Show>
      <AssetFilters store={s} />
      <ErrorNote message={s.error()} />
      <Show when={s.loaded()} fallback={<Loading />}>
        <Show
          when={s.items().length > 0}
          fallback={
            <Empty>
              {s.filters().q || s.filters().status || s.filters().kind
                ? 'No assets match these filters.'
                : 'No assets yet. Upload media files above, or put them in the input folder and press Scan.'}
            </Empty>
          }
        >
          <AssetTable store={s} />
          <Pager list={s} />
        </Show>
      </Show>
    </section>
  );
};

/** Search (typing settles for 200 ms before it asks), status, kind and sort. */
const AssetFilters = (p: { store: AssetsStore }) => {
  const s = p.store;
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  return (
    <div class="toolbar">
      <input
        type="search"
        placeholder="Search by name…"
        value={s.filters().q}
        onInput={(e) => {
          const q = e.currentTarget.value;
          clearTimeout(searchTimer);
          searchTimer = setTimeout(() => void s.setFilter({ q }), 200);
        }}
      />
      <select value={s.filters().status} onChange={(e) => void s.setFilter({ status: e.currentTarget.value as '' })} aria-label="Status">
        <option value="">any status</option>
        <option value="ready">ready</option>
        <option value="invalid">invalid</option>
        <option value="missing">missing</option>
      </select>
      <select value={s.filters().kind} onChange={(e) => void s.setFilter({ kind: e.currentTarget.value as '' })} aria-label="Kind">
        <option value="">any kind</option>
        <option value="video">video</option>
        <option value="audio">audio</option>
      </select>
      <select value={s.filters().sort} onChange={(e) => void s.setFilter({ sort: e.currentTarget.value })} aria-label="Sort">
        <option value="key">folder / name</option>
        <option value="name">file name</option>
        <option value="-size">largest first</option>
        <option value="size">smallest first</option>
        <option value="-duration">longest first</option>
        <option value="-registeredAt">newest first</option>
      </select>
      <Show when={s.loading()}>
        <span class="muted">loading…</span>
      </Show>
    </div>
  );
};

const AssetTable = (p: { store: AssetsStore }) => (
  <table class="table stack">
    <thead>
      <tr>
        <th>Name</th>
        <th>Folder</th>
        <th>Kind</th>
        <th class="num">Duration</th>
        <th>Resolution</th>
        <th>Codecs</th>
        <th class="num">Size</th>
        <th>Status</th>
        <th>Comment</th>
        <th />
      </tr>
    </thead>
    <tbody>
      <For each={p.store.items()}>{(a) => <AssetRow asset={a} store={p.store} />}</For>
    </tbody>
  </table>
);
