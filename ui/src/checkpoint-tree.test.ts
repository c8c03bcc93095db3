import { describe, expect, test } from 'bun:test';
import type { CheckpointNode } from '../../src/types/detect-setup.ts';
import { J1, J2, J3, J4, J5, checkpoints, report, reportJ1, reportJ2, reportJ3 } from '../test/checkpoint-fixtures.ts';
import { reportInterval } from '../test/detect-fixtures.ts';
import {
  buildForest,
  commonAncestor,
  configDiff,
  keyStats,
  layoutForest,
  msText,
  pathSettings,
  pathTo,
  reportDiff,
  signed,
  statsDiff,
  valueText,
} from './checkpoint-tree.ts';

const ids = (ns: readonly CheckpointNode[]) => ns.map((n) => n.id);

describe('the forest', () => {
  test('children by parent oldest first, two roots (the new run starts its own), depth from the root', () => {
    const f = buildForest(checkpoints());
    expect(ids(f.roots)).toEqual([`${J1}-extract_frames`, `${J5}-extract_frames`]);
    expect(ids(f.children.get(`${J1}-preprocess`)!)).toEqual([`${J1}-ocr`, `${J3}-ocr`]);
    expect(ids(f.children.get(`${J1}-ocr`)!)).toEqual([`${J1}-match_brands`, `${J2}-match_brands`]);
    expect(ids(f.children.get(`${J2}-match_brands`)!)).toEqual([`${J2}-compile_report`, `${J4}-compile_report`]);
    expect(f.depth.get(`${J1}-extract_frames`)).toBe(0);
    expect(f.depth.get(`${J4}-compile_report`)).toBe(6);
    expect(f.depth.get(`${J3}-ocr`)).toBe(4);
  });

  test('a list out of order is sorted by time; a parent not in the list makes a root; a parent loop is cut', () => {
    const list = checkpoints().reverse();
    expect(ids(buildForest(list).roots)).toEqual([`${J1}-extract_frames`, `${J5}-extract_frames`]);
    const ocrOnly = checkpoints().filter((n) => n.stage === 'ocr'); // GET /checkpoints/:tl/ocr
    const f = buildForest(ocrOnly);
    expect(ids(f.roots)).toEqual([`${J1}-ocr`, `${J3}-ocr`]);
    expect(layoutForest(f).rows.map((r) => r.orphan)).toEqual([true, true]);
    const a = { ...ocrOnly[0]!, id: 'a', parent: 'b' };
    const b = { ...ocrOnly[1]!, id: 'b', parent: 'a' };
    const loop = buildForest([a, b]);
    expect(ids(loop.roots)).toEqual(['a']);
    expect(ids(pathTo(loop, 'b'))).toEqual(['a', 'b']);
  });
});

describe('the layout', () => {
  const { rows, lanes } = layoutForest(buildForest(checkpoints()));
  const row = (id: string) => rows.find((r) => r.node.id === id)!;
  const lines = (id: string) => Object.fromEntries(row(id).lines.map((l) => [l.lane, l.part]));

  test('rows depth first, the first try carrying on in its lane, replays branching to the right', () => {
    expect(rows.map((r) => r.node.id)).toEqual([
      `${J1}-extract_frames`,
      `${J1}-filter_scenes`,
      `${J1}-detect_edges`,
      `${J1}-preprocess`,
      `${J1}-ocr`,
      `${J1}-match_brands`,
      `${J1}-compile_report`,
      `${J2}-match_brands`,
      `${J2}-compile_report`,
      `${J4}-compile_report`,
      `${J3}-ocr`,
      `${J3}-match_brands`,
      `${J3}-compile_report`,
      `${J5}-extract_frames`,
    ]);
    expect(rows.map((r) => r.lane)).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 3, 3, 0]);
    expect(lanes).toBe(4);
  });

  test('lines: a branch leaves its parent sideways and runs down its lane past the rows between', () => {
    expect(lines(`${J1}-extract_frames`)).toEqual({ 0: 'bottom' });
    expect(row(`${J1}-preprocess`).branches).toEqual([3]); // J3's ocr, drawn after J1's and J2's lines
    expect(lines(`${J1}-preprocess`)).toEqual({ 0: 'full', 3: 'bottom' });
    expect(row(`${J1}-ocr`).branches).toEqual([1]);
    expect(lines(`${J1}-ocr`)).toEqual({ 0: 'full', 1: 'bottom', 3: 'full' });
    expect(lines(`${J1}-compile_report`)).toEqual({ 0: 'top', 1: 'full', 3: 'full' }); // J2's branch runs down past it
    expect(lines(`${J2}-match_brands`)).toEqual({ 1: 'full', 2: 'bottom', 3: 'full' });
    expect(lines(`${J4}-compile_report`)).toEqual({ 2: 'top', 3: 'full' });
    expect(lines(`${J3}-ocr`)).toEqual({ 3: 'full' });
    expect(lines(`${J3}-compile_report`)).toEqual({ 3: 'top' });
    expect(lines(`${J5}-extract_frames`)).toEqual({}); // a root alone
    expect(rows.every((r) => !r.orphan)).toBe(true);
  });

  test('an empty list lays out no rows', () => {
    expect(layoutForest(buildForest([]))).toEqual({ rows: [], lanes: 1 });
  });
});

describe('paths and the config diff', () => {
  const f = buildForest(checkpoints());

  test('the path from the root, the checkpoint two paths share', () => {
    const a = pathTo(f, `${J2}-compile_report`);
    expect(a.map((n) => n.stage)).toEqual(['extract_frames', 'filter_scenes', 'detect_edges', 'preprocess', 'ocr', 'match_brands', 'compile_report']);
    expect(a.map((n) => n.job_id)).toEqual([J1, J1, J1, J1, J1, J2, J2]);
    expect(commonAncestor(a, pathTo(f, `${J3}-compile_report`))!.id).toBe(`${J1}-preprocess`);
    expect(commonAncestor(a, pathTo(f, `${J5}-extract_frames`))).toBeNull();
    expect(pathTo(f, 'nope')).toEqual([]);
  });

  test('overrides accumulate down a path; the diff says per stage which keys were added, removed or changed', () => {
    const a = pathSettings(pathTo(f, `${J2}-compile_report`));
    const b = pathSettings(pathTo(f, `${J3}-compile_report`));
    expect(a.match_brands).toEqual({ min_similarity: 0.99 });
    expect(configDiff(a, b)).toEqual({
      rows: [
        { stage: 'ocr', key: 'det_width', a: undefined, b: 960, change: 'added' },
        { stage: 'match_brands', key: 'min_similarity', a: 0.99, b: undefined, change: 'removed' },
      ],
      onlyA: [],
      onlyB: [],
    });
    const c = pathSettings(pathTo(f, `${J4}-compile_report`));
    expect(configDiff(a, c).rows).toEqual([{ stage: 'compile_report', key: 'min_duration_seconds', a: undefined, b: 1, change: 'added' }]);
  });

  test('changed values, arrays and objects by value whatever their key order; stages on one path only', () => {
    const a = { segment_field: { hue: [35, 85], x: { p: 1, q: 2 } }, ocr: { det_width: 736 } };
    const b = { segment_field: { hue: [35, 85], x: { q: 2, p: 1 } }, ocr: { det_width: 960 }, match_brands: {} };
    expect(configDiff(a, b)).toEqual({
      rows: [{ stage: 'ocr', key: 'det_width', a: 736, b: 960, change: 'changed' }],
      onlyA: [],
      onlyB: ['match_brands'],
    });
    expect(configDiff(b, a).onlyA).toEqual(['match_brands']);
  });
});

describe('the stats diff', () => {
  const f = buildForest(checkpoints());

  test('only the stages after the shared checkpoint, only figures that differ, with the time each took', () => {
    const rows = statsDiff(pathTo(f, `${J2}-compile_report`), pathTo(f, `${J3}-compile_report`));
    expect(rows).toEqual([
      // J1's ocr is on A's path (J2 replayed only match_brands), J3's on B's
      { stage: 'ocr', key: 'lines', a: 52, b: 61, delta: 9 },
      { stage: 'ocr', key: 'ms', a: 14_200, b: 19_800, delta: 5600 },
      { stage: 'match_brands', key: 'hits', a: 24, b: 36, delta: 12 },
      { stage: 'match_brands', key: 'unresolved', a: 9, b: 5, delta: -4 },
      { stage: 'match_brands', key: 'ms', a: 90, b: 101, delta: 11 },
      { stage: 'compile_report', key: 'brands', a: 2, b: 4, delta: 2 },
      { stage: 'compile_report', key: 'intervals', a: 3, b: 6, delta: 3 },
      { stage: 'compile_report', key: 'ms', a: 38, b: 44, delta: 6 },
    ]);
  });

  test('a stage on one path only has no figure on the other side', () => {
    const rows = statsDiff(pathTo(f, `${J1}-filter_scenes`), pathTo(f, `${J5}-extract_frames`));
    expect(rows.filter((r) => r.stage === 'filter_scenes').map((r) => [r.key, r.a, r.b, r.delta])).toEqual([
      ['frames', 20, null, null],
      ['items', 1, null, null],
      ['cuts', 1, null, null],
      ['ms', 420, null, null],
    ]);
    expect(rows.filter((r) => r.stage === 'extract_frames')).toEqual([
      { stage: 'extract_frames', key: 'cached', a: 0, b: 1, delta: 1 },
      { stage: 'extract_frames', key: 'ms', a: 2310, b: 150, delta: -2160 },
    ]);
    expect(statsDiff(pathTo(f, `${J1}-ocr`), pathTo(f, `${J1}-ocr`))).toEqual([]);
  });
});

describe('the report diff', () => {
  test('a stricter match: Acme seen less (hits lost inside a kept interval), Initech lost with its interval', () => {
    const d = reportDiff(reportJ1(), reportJ2());
    expect(d.lost).toEqual(['Initech']);
    expect(d.gained).toEqual([]);
    const acme = d.brands.find((b) => b.brand === 'Acme')!;
    expect(acme).toMatchObject({
      change: 'changed',
      exposure: { a: 5.5, b: 4.5, delta: -1 },
      appearances: { a: 2, b: 2, delta: 0 },
      hits: { a: 12, b: 10, delta: -2 },
    });
    expect([acme.hitsGained, acme.hitsLost]).toEqual([0, 2]);
    const initech = d.brands.find((b) => b.brand === 'Initech')!;
    expect(initech).toMatchObject({ change: 'lost', exposure: { a: 1.75, b: 0, delta: -1.75 }, hitsLost: 4, hitsGained: 0 });
    // Globex's boards are the same, but its share of a smaller whole grew.
    const globex = d.brands.find((b) => b.brand === 'Globex')!;
    expect(globex.change).toBe('changed');
    expect(globex.exposure.delta).toBe(0);
    expect(globex.shareOfVoice.delta).toBeCloseTo(3.25 / 7.75 - 3.25 / 10.5, 9);
    expect(d.intervals).toEqual([{ brand: 'Initech', start: 7.5, end: 9.25, hits: 4, change: 'lost' }]);
    expect([d.hitsGained, d.hitsLost]).toEqual([0, 6]);
    expect(d.totalExposure).toEqual({ a: 10.5, b: 7.75, delta: -2.75 });
  });

  test('a wider OCR: Umbrella gained, Acme once more; brands by exposure, the larger side counting', () => {
    const d = reportDiff(reportJ1(), reportJ3());
    expect(d.gained).toEqual(['Umbrella']);
    expect(d.brands.map((b) => [b.brand, b.change])).toEqual([
      ['Acme', 'changed'],
      ['Globex', 'changed'],
      ['Initech', 'changed'],
      ['Umbrella', 'gained'],
    ]);
    expect(d.intervals.map((i) => [i.brand, i.start, i.end, i.change])).toEqual([
      ['Umbrella', 0.5, 2.25, 'gained'],
      ['Acme', 9, 9.75, 'gained'],
    ]);
    expect(d.brands.find((b) => b.brand === 'Acme')).toMatchObject({ hitsGained: 2, hitsLost: 0, appearances: { a: 2, b: 3, delta: 1 } });
    expect([d.hitsGained, d.hitsLost]).toEqual([6, 0]);
  });

  test('the same report: every brand the same, nothing gained or lost', () => {
    const d = reportDiff(reportJ2(), reportJ2());
    expect(d.brands.map((b) => b.change)).toEqual(['same', 'same']);
    expect([d.gained, d.lost, d.intervals, d.hitsGained, d.hitsLost]).toEqual([[], [], [], 0, 0]);
  });

  test('brands match whatever their case; overlapping intervals that moved are neither gained nor lost, their hits net out', () => {
    const iv = (brand: string, start: number, end: number, hits: number) =>
      reportInterval(brand, start, end, { hits, meanConfidence: 0.9, meanScreenShare: 0.01 });
    const a = report([iv('Acme', 0, 2, 4), iv('Acme', 2.5, 3, 1)]);
    const b = report([iv('ACME', 1, 4, 6)]);
    const d = reportDiff(a, b);
    expect(d.brands).toHaveLength(1);
    expect(d.brands[0]).toMatchObject({ brand: 'ACME', change: 'changed', hitsGained: 1, hitsLost: 0 });
    expect(d.intervals).toEqual([]);
    // Touching is not overlapping: [0,1) and [1,2) are one lost, one gained.
    const e = reportDiff(report([iv('Acme', 0, 1, 2)]), report([iv('Acme', 1, 2, 3)]));
    expect(e.intervals.map((i) => i.change)).toEqual(['lost', 'gained']);
    expect(e.brands[0]).toMatchObject({ change: 'changed', hitsGained: 3, hitsLost: 2 });
    // An empty report against a full one.
    const empty = report([]);
    expect(reportDiff(empty, reportJ1()).gained).toEqual(['Acme', 'Globex', 'Initech']);
  });
});

describe('formatting', () => {
  test('times, values, key stats, signs', () => {
    expect([msText(95), msText(2310), msText(14_200), msText(125_000), msText(-1)]).toEqual(['95 ms', '2.31 s', '14.2 s', '2 min 5 s', '—']);
    expect([valueText(0.99), valueText('anthropic'), valueText([35, 85]), valueText(undefined), valueText(null)]).toEqual([
      '0.99',
      'anthropic',
      '[35,85]',
      '—',
      'null',
    ]);
    expect(keyStats({ frames: 20, items: 1, hits: 30, unresolved: 6 })).toEqual([
      ['hits', 30],
      ['unresolved', 6],
      ['frames', 20],
    ]);
    expect(keyStats({ brands: 3, intervals: 4 })).toEqual([
      ['brands', 3],
      ['intervals', 4],
    ]);
    expect(keyStats({ zeta: 1, frames: 2 }, 2)).toEqual([
      ['frames', 2],
      ['zeta', 1],
    ]);
    expect([signed(3), signed(-1.5, 1), signed(0), signed(-0.0001, 2), signed(0.25, 2)]).toEqual(['+3', '−1.5', '0', '0.00', '+0.25']);
  });
});
