/**
 * Per-brand figures of a report: a table sortable by any column (a header
 * click; again to turn it round), exports of the brands, the intervals and
 * the whole report, and the share-of-voice chart beside it.
 */
import { For, type JSX, Show, createMemo, createSignal, createUniqueId } from 'solid-js';
import { Empty } from '../components/bits.tsx';
import { PLACEMENTS, reportToCsv } from '../../../src/work/detect/report-csv.ts';
import { type SortDir, type StatColumn, exportNames, firstDir, pct, seconds, sortBrands } from '../detect-report.ts';
import { formatTime } from '../trim.ts';
import type { BrandReport, BrandSummary } from '../../../src/types/detect.ts';
import { SovChart } from './sov-chart.tsx';
import '../detect-report.css';

interface Column {
  key: StatColumn;
  label: string;
  num: boolean;
  cell: (b: BrandSummary) => JSX.Element;
}

const COLUMNS: Column[] = [
  { key: 'brand', label: 'Brand', num: false, cell: (b) => b.brand },
  { key: 'exposureSeconds', label: 'Exposure', num: true, cell: (b) => seconds(b.exposureSeconds) },
  { key: 'appearances', label: 'Appearances', num: true, cell: (b) => String(b.appearances) },
  { key: 'hits', label: 'Frames', num: true, cell: (b) => String(b.hits) },
  { key: 'shareOfVoice', label: 'Share of voice', num: true, cell: (b) => pct(b.shareOfVoice) },
  { key: 'meanScreenShare', label: 'Screen share', num: true, cell: (b) => pct(b.meanScreenShare, 2) },
  { key: 'maxScreenShare', label: 'Max screen share', num: true, cell: (b) => pct(b.maxScreenShare, 2) },
  { key: 'placement', label: 'Placement', num: false, cell: (b) => <Placement brand={b} /> },
  { key: 'clarity', label: 'Clarity', num: true, cell: (b) => pct(b.clarity, 0) },
  { key: 'firstSeen', label: 'First seen', num: true, cell: (b) => formatTime(b.firstSeen) },
  { key: 'lastSeen', label: 'Last seen', num: true, cell: (b) => formatTime(b.lastSeen) },
];

/** Saves text as a file: a Blob URL behind an <a download>, revoked once the browser has taken it. */
const download = (body: string, name: string, type: string) => {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Some browsers read the URL after click() returns: revoke it a moment later.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
};

export const BrandStats = (p: { report: BrandReport; fileName: string }) => {
  const [column, setColumn] = createSignal<StatColumn>('exposureSeconds');
  const [dir, setDir] = createSignal<SortDir>('desc');
  const rows = createMemo(() => sortBrands(p.report.brands, column(), dir()));
  const names = () => exportNames(p.fileName);
  const sortId = createUniqueId();
  const sortBy = (c: StatColumn) => {
    if (c === column()) setDir(dir() === 'asc' ? 'desc' : 'asc');
    else {
      setColumn(c);
      setDir(firstDir(c));
    }
  };
  const ariaSort = (c: StatColumn) => (c === column() ? (dir() === 'asc' ? 'ascending' : 'descending') : 'none');
  return (
    <div class="bs" data-testid="brand-stats">
      <div class="toolbar">
        <span class="muted small">
          {p.report.brands.length} {p.report.brands.length === 1 ? 'brand' : 'brands'} · {seconds(p.report.totalExposureSeconds)} of exposure in all
        </span>
        <div class="spacer" />
        <button
          type="button"
          class="btn small"
          data-testid="export-csv"
          onClick={() => download(reportToCsv(p.report).brands, names().brands, 'text/csv;charset=utf-8')}
        >
          Export CSV
        </button>
        <button
          type="button"
          class="btn small"
          data-testid="export-intervals"
          onClick={() => download(reportToCsv(p.report).intervals, names().intervals, 'text/csv;charset=utf-8')}
        >
          Export intervals CSV
        </button>
        <button
          type="button"
          class="btn small"
          data-testid="export-json"
          onClick={() => download(`${JSON.stringify(p.report, null, 2)}\n`, names().json, 'application/json')}
        >
          Export JSON
        </button>
      </div>
      <div class="bs-layout">
        <div class="bs-table-wrap">
          <Show when={p.report.brands.length > 0} fallback={<Empty>No brand was seen, so there is nothing to count.</Empty>}>
            {/* The stacked table has no header row to click: a select sorts it instead. */}
            <div class="bs-narrow-sort">
              <label class="small muted" for={sortId}>
                Sort by
              </label>
              <select id={sortId} value={column()} onChange={(e) => sortBy(e.currentTarget.value as StatColumn)}>
                <For each={COLUMNS}>{(c) => <option value={c.key}>{c.label}</option>}</For>
              </select>
              <button type="button" class="btn small" onClick={() => setDir(dir() === 'asc' ? 'desc' : 'asc')} aria-label="Turn the order round">
                {dir() === 'asc' ? '↑' : '↓'}
              </button>
            </div>
            <table class="table stack">
              <thead>
                <tr>
                  <For each={COLUMNS}>
                    {(c) => (
                      <th aria-sort={ariaSort(c.key)} class={c.num ? 'num' : undefined}>
                        <button type="button" class="bs-sort" data-testid={`sort-${c.key}`} onClick={() => sortBy(c.key)}>
                          {c.label}
                          <span class="arrow" aria-hidden="true">
                            {c.key === column() ? (dir() === 'asc' ? '▲' : '▼') : ''}
                          </span>
                        </button>
                      </th>
                    )}
                  </For>
                </tr>
              </thead>
              <tbody>
                <For each={rows()}>
                  {(b) => (
                    <tr data-testid="stats-row" data-brand={b.brand}>
                      <For each={COLUMNS}>
                        {(c) => (
                          <td data-label={c.label} data-col={c.key} class={c.key === 'brand' ? 'name' : c.num ? 'num' : undefined}>
                            {c.cell(b)}
                          </td>
                        )}
                      </For>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        </div>
        <SovChart brands={p.report.brands} />
      </div>
    </div>
  );
};

/** Where the brand sat: the most common cell's name, and the 3×3 grid of shares drawn small. */
const Placement = (p: { brand: BrandSummary }) => {
  const max = () => Math.max(0.0001, ...p.brand.positionGrid);
  return (
    <span>
      <svg class="pos-grid" width="18" height="18" viewBox="0 0 18 18" role="img">
        <title>
          Where {p.brand.brand} appeared:{' '}
          {PLACEMENTS.map((cell, n) => `${cell} ${pct(p.brand.positionGrid[n] ?? 0, 0)}`)
            .filter((_, n) => (p.brand.positionGrid[n] ?? 0) > 0)
            .join(', ')}
        </title>
        <rect x="0" y="0" width="18" height="18" fill="none" stroke="var(--line)" style={{ fill: 'none' }} />
        <For each={PLACEMENTS}>
          {(_, n) => <rect x={(n() % 3) * 6 + 0.5} y={Math.floor(n() / 3) * 6 + 0.5} width="5" height="5" opacity={(p.brand.positionGrid[n()] ?? 0) / max()} />}
        </For>
      </svg>
      {p.brand.placement}
    </span>
  );
};
