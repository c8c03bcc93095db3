/** Component tests for the per-brand stats: sorting by a header both ways, the figures as shown, the three exports (DOM: happy-dom). */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { cleanup, fireEvent, render } from '@solidjs/testing-library';
import type { BrandSummary } from '../../../src/types/detect.ts';
import { brandReport, brandSummary, reportInterval } from '../../test/detect-fixtures.ts';
import { BrandStats } from './brand-stats.tsx';

// The library's own cleanup hook only covers the first test file of a run: unmount here, or a view (and its key listener) outlives its test.
afterEach(cleanup);

const summary = (brand: string, over: Partial<BrandSummary>) => brandSummary(brand, { shareOfVoice: 0.25, meanScreenShare: 0.0123, ...over });

const REPORT = brandReport(
  [reportInterval('Acme, Inc.', 1, 21.25, { hits: 40 }), reportInterval('Beta', 5, 9.75, { hits: 10, meanConfidence: 0.7, meanScreenShare: 0.01 })],
  [
    summary('Acme, Inc.', { exposureSeconds: 20.25, shareOfVoice: 0.6, clarity: 0.5, placement: 'top-left', positionGrid: [0.75, 0.25, 0, 0, 0, 0, 0, 0, 0] }),
    summary('Beta', { exposureSeconds: 10, shareOfVoice: 0.3, clarity: 0.95 }),
    summary('cola', { exposureSeconds: 3.5, shareOfVoice: 0.1, clarity: 0.7, placement: 'bottom' }),
  ],
);

/** What the view handed the browser to save: the file name and the Blob behind its URL. */
const saved: { name: string; blob: Blob }[] = [];
const real = { create: URL.createObjectURL, revoke: URL.revokeObjectURL, click: HTMLAnchorElement.prototype.click };
beforeEach(() => {
  saved.length = 0;
  const blobs = new Map<string, Blob>();
  URL.createObjectURL = (b: Blob) => {
    const u = `blob:test/${blobs.size + 1}`;
    blobs.set(u, b);
    return u;
  };
  HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
    saved.push({ name: this.download, blob: blobs.get(this.getAttribute('href')!)! });
  };
});
afterEach(() => {
  URL.createObjectURL = real.create;
  HTMLAnchorElement.prototype.click = real.click;
});

const mount = () => render(() => <BrandStats report={REPORT} fileName="Final Match.json" />);
const brands = (root: HTMLElement) => [...root.querySelectorAll<HTMLElement>('[data-testid="stats-row"]')].map((r) => r.dataset.brand);
const th = (root: HTMLElement, col: string) => root.querySelector(`[data-testid="sort-${col}"]`)!.closest('th')!;

describe('brand stats', () => {
  test('largest exposure first; a header sorts by its column, again the other way, and says so in aria-sort', () => {
    const { container, getByTestId } = mount();
    expect(brands(container)).toEqual(['Acme, Inc.', 'Beta', 'cola']);
    expect(th(container, 'exposureSeconds').getAttribute('aria-sort')).toBe('descending');
    expect(th(container, 'brand').getAttribute('aria-sort')).toBe('none');

    fireEvent.click(getByTestId('sort-clarity'));
    expect(brands(container)).toEqual(['Beta', 'cola', 'Acme, Inc.']);
    expect(th(container, 'clarity').getAttribute('aria-sort')).toBe('descending');
    expect(th(container, 'exposureSeconds').getAttribute('aria-sort')).toBe('none');
    fireEvent.click(getByTestId('sort-clarity'));
    expect(brands(container)).toEqual(['Acme, Inc.', 'cola', 'Beta']);
    expect(th(container, 'clarity').getAttribute('aria-sort')).toBe('ascending');

    fireEvent.click(getByTestId('sort-brand'));
    expect(brands(container)).toEqual(['Acme, Inc.', 'Beta', 'cola']);
    fireEvent.click(getByTestId('sort-brand'));
    expect(brands(container)).toEqual(['cola', 'Beta', 'Acme, Inc.']);
    expect(getByTestId('sort-brand').getAttribute('type')).toBe('button');
  });

  test('shares and clarity as %, times as m:ss, placement named and drawn; cells labelled for the stacked layout', () => {
    const { container } = mount();
    const row = container.querySelector<HTMLElement>('[data-testid="stats-row"][data-brand="Acme, Inc."]')!;
    const cell = (col: string) => row.querySelector<HTMLElement>(`[data-col="${col}"]`)!;
    expect(cell('exposureSeconds').textContent).toBe('20.3 s');
    expect(cell('shareOfVoice').textContent).toBe('60.0%');
    expect(cell('meanScreenShare').textContent).toBe('1.23%');
    expect(cell('maxScreenShare').textContent).toBe('5.00%');
    expect(cell('clarity').textContent).toBe('50%');
    expect(cell('lastSeen').textContent).toBe('0:10');
    expect(cell('placement').textContent).toContain('top-left');
    expect(cell('placement').querySelector('svg title')!.textContent).toBe('Where Acme, Inc. appeared: top-left 75%, top 25%');
    expect(cell('shareOfVoice').dataset.label).toBe('Share of voice');
    expect(container.querySelector('table')!.classList.contains('stack')).toBe(true);
    // The chart sits beside the table.
    expect(container.querySelector('[data-testid="sov-chart"]')).not.toBeNull();
  });

  test('exports: brands CSV, intervals CSV (RFC 4180), the whole report as JSON, each under the report’s name', async () => {
    const { getByTestId } = mount();
    fireEvent.click(getByTestId('export-csv'));
    fireEvent.click(getByTestId('export-intervals'));
    fireEvent.click(getByTestId('export-json'));
    expect(saved.map((s) => s.name)).toEqual(['final-match-brands.csv', 'final-match-intervals.csv', 'final-match-report.json']);
    const [brandsCsv, intervalsCsv, json] = await Promise.all(saved.map((s) => s.blob.text()));
    expect(saved[0]!.blob.type).toContain('text/csv');
    // The server's own format (src/work/detect/report-csv.ts): the job's brands.csv and intervals.csv say the same.
    expect(brandsCsv!.split('\r\n')[0]).toStartWith('brand,exposure_seconds,appearances,share_of_voice,');
    expect(brandsCsv!.split('\r\n')[1]).toBe('"Acme, Inc.",20.25,1,0.6,0.0123,0.05,top-left,0.5,0,10,20,0.75,0.25,0,0,0,0,0,0,0');
    expect(intervalsCsv!.split('\r\n').slice(0, 3)).toEqual([
      'brand,start,end,duration,hits,mean_confidence,mean_screen_share',
      '"Acme, Inc.",1,21.25,20.25,40,0.8,0.02',
      'Beta,5,9.75,4.75,10,0.7,0.01',
    ]);
    expect(JSON.parse(json!)).toEqual(REPORT);
    expect(document.querySelector('a[download]')).toBeNull(); // the link is gone once used
  });

  test('a brand name a spreadsheet would run as a formula is exported as text', async () => {
    const formula = '=HYPERLINK("http://x.example","click")';
    const report = brandReport([reportInterval(formula, 0, 2)], [summary(formula, { exposureSeconds: 2, shareOfVoice: 1 })]);
    const { getByTestId } = render(() => <BrandStats report={report} fileName="r.json" />);
    fireEvent.click(getByTestId('export-csv'));
    fireEvent.click(getByTestId('export-intervals'));
    const [brandsCsv, intervalsCsv] = await Promise.all(saved.map((s) => s.blob.text()));
    const quoted = `"'=HYPERLINK(""http://x.example"",""click"")"`;
    expect(brandsCsv!.split('\r\n')[1]).toStartWith(`${quoted},2,`);
    expect(intervalsCsv!.split('\r\n')[1]).toStartWith(`${quoted},0,2,`);
  });

  test('no brands: a sentence instead of the table', () => {
    const { container, getByTestId } = render(() => <BrandStats report={{ ...REPORT, brands: [], intervals: [] }} fileName="x" />);
    expect(container.querySelector('table')).toBeNull();
    expect(getByTestId('brand-stats').textContent).toContain('No brand was seen');
  });
});
