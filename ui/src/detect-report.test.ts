import { describe, expect, test } from 'bun:test';
import type { BrandSummary, ReportInterval } from '../../src/types/detect.ts';
import { brandReport as report, brandSummary as summary, reportInterval as interval } from '../test/detect-fixtures.ts';
import {
  arcPath,
  axisSpan,
  barGeometry,
  colourOf,
  costText,
  exportNames,
  framesOf,
  laneLayout,
  locate,
  mmss,
  pct,
  seqAt,
  sortBrands,
  sourceOf,
  sovSlices,
  timeOfSeq,
  timeTicks,
} from './detect-report.ts';

describe('lanes and bars', () => {
  test('one lane per brand by exposure, intervals by start; a brand without a summary still gets a lane', () => {
    const r = report(
      [interval('Acme', 20, 25), interval('Zeta', 3, 9), interval('Acme', 2, 4), interval('Ghost', 1, 2)],
      [summary('Acme', { exposureSeconds: 7 }), summary('Zeta', { exposureSeconds: 6 }), summary('Beta', { exposureSeconds: 7 })],
    );
    const lanes = laneLayout(r);
    expect(lanes.map((l) => [l.brand, l.exposureSeconds])).toEqual([
      ['Acme', 7],
      ['Beta', 7],
      ['Zeta', 6],
      ['Ghost', 1],
    ]);
    expect(lanes[0]!.intervals.map((i) => i.start)).toEqual([2, 20]);
    expect(lanes[1]!.intervals).toEqual([]);
  });

  test('bars are % of the span, clamped, with a minimum width kept inside the track', () => {
    expect(barGeometry({ start: 10, end: 20 }, 100)).toEqual({ left: 10, width: 10 });
    expect(barGeometry({ start: 50, end: 50.01 }, 100, 0.5)).toEqual({ left: 50, width: 0.5 });
    expect(barGeometry({ start: 99.9, end: 100 }, 100, 1)).toEqual({ left: 99, width: 1 });
    expect(barGeometry({ start: 90, end: 130 }, 100)).toEqual({ left: 90, width: 10 });
    expect(barGeometry({ start: 1, end: 2 }, 0)).toEqual({ left: 0, width: 0 });
    // A report that runs past the stated duration stretches the axis.
    expect(axisSpan(report([interval('A', 0, 12)], []), 10)).toBe(12);
    expect(axisSpan(report([], []), 10)).toBe(10);
  });

  test('ticks at a round step, labelled mm:ss', () => {
    expect(timeTicks(60, 6).map((t) => t.label)).toEqual(['00:00', '00:10', '00:20', '00:30', '00:40', '00:50', '01:00']);
    expect(timeTicks(60, 6)[3]!.left).toBe(50);
    expect(timeTicks(7200, 4).map((t) => t.label)).toEqual(['00:00', '30:00', '1:00:00', '1:30:00', '2:00:00']);
    expect(timeTicks(0)).toEqual([]);
    expect(mmss(65.4)).toBe('01:05');
  });
});

describe('frames and seconds', () => {
  test('seq = round(t / samplePeriod), and back', () => {
    expect(seqAt(12.5, 0.5)).toBe(25);
    expect(seqAt(12.74, 0.5)).toBe(25);
    expect(seqAt(-1, 0.5)).toBe(0);
    expect(timeOfSeq(3, 0.1)).toBe(0.3);
    // The end is the last hit plus half a period: frames 4 … 9.
    expect(framesOf(interval('A', 2, 4.75), 0.5)).toEqual({ first: 4, last: 9 });
  });

  test('a timeline second maps onto the pick that plays it', () => {
    const picks = [
      { assetId: 'a', start: 10, end: 20 },
      { assetId: 'b', start: 0, end: 5 },
      { assetId: 'a', start: 100, end: 102.5 },
    ];
    expect(locate(picks, 0)).toEqual({ assetId: 'a', seconds: 10, pick: 0 });
    expect(locate(picks, 9.9)).toEqual({ assetId: 'a', seconds: 19.9, pick: 0 });
    expect(locate(picks, 10)).toEqual({ assetId: 'b', seconds: 0, pick: 1 });
    expect(locate(picks, 16)).toEqual({ assetId: 'a', seconds: 101, pick: 2 });
    expect(locate(picks, 99)).toEqual({ assetId: 'a', seconds: 102.5, pick: 2 });
    expect(locate(picks, -3)).toEqual({ assetId: 'a', seconds: 10, pick: 0 });
    expect(locate([], 3)).toBeNull();
  });
});

describe('sorting the stats rows', () => {
  const rows = [
    summary('beta', { exposureSeconds: 5, placement: 'bottom', clarity: 0.7 }),
    summary('Alpha', { exposureSeconds: 9, placement: 'top', clarity: 0.7 }),
    summary('gamma', { exposureSeconds: 5, placement: 'top-left', clarity: 0.95 }),
  ];
  const names = (r: BrandSummary[]) => r.map((b) => b.brand);
  test('by any column both ways; ties by name', () => {
    expect(names(sortBrands(rows, 'brand', 'asc'))).toEqual(['Alpha', 'beta', 'gamma']);
    expect(names(sortBrands(rows, 'brand', 'desc'))).toEqual(['gamma', 'beta', 'Alpha']);
    expect(names(sortBrands(rows, 'exposureSeconds', 'desc'))).toEqual(['Alpha', 'beta', 'gamma']);
    expect(names(sortBrands(rows, 'exposureSeconds', 'asc'))).toEqual(['beta', 'gamma', 'Alpha']);
    expect(names(sortBrands(rows, 'clarity', 'desc'))).toEqual(['gamma', 'Alpha', 'beta']);
    // Placement runs in grid order (top-left, top, …, bottom), not by name.
    expect(names(sortBrands(rows, 'placement', 'asc'))).toEqual(['gamma', 'Alpha', 'beta']);
    expect(names(sortBrands(rows, 'placement', 'desc'))).toEqual(['beta', 'Alpha', 'gamma']);
    expect(names(rows)).toEqual(['beta', 'Alpha', 'gamma']); // the input is left alone
  });
});

describe('export', () => {
  test('download names from the report name', () => {
    expect(exportNames('Match 3 / Final.json')).toEqual({
      brands: 'match-3-final-brands.csv',
      intervals: 'match-3-final-intervals.csv',
      json: 'match-3-final-report.json',
    });
    expect(exportNames('  ').json).toBe('brand-report-report.json');
  });
});

describe('display helpers', () => {
  test('source and cost read as optional', () => {
    expect(sourceOf(interval('A', 0, 1))).toBe('ocr');
    expect(sourceOf({ ...interval('A', 0, 1), source: 'cloud_llm' } as ReportInterval)).toBe('cloud_llm');
    expect(costText(interval('A', 0, 1))).toBe('—');
    expect(costText({ ...interval('A', 0, 1), cost: 0.5 } as ReportInterval)).toBe('$0.50');
    expect(costText({ ...interval('A', 0, 1), cost: 0.0012 } as ReportInterval)).toBe('$0.0012');
    expect(pct(0.1234)).toBe('12.3%');
  });
});

describe('share of voice', () => {
  test('slices by share cover the whole turn; past the limit the rest is Other', () => {
    const brands = [
      summary('A', { shareOfVoice: 0.5 }),
      summary('B', { shareOfVoice: 0.3 }),
      summary('C', { shareOfVoice: 0.15 }),
      summary('D', { shareOfVoice: 0.05 }),
    ];
    const all = sovSlices(brands);
    expect(all.map((s) => [s.brand, s.from, s.to])).toEqual([
      ['A', 0, 0.5],
      ['B', 0.5, 0.8],
      ['C', 0.8, 0.95],
      ['D', 0.95, 1],
    ]);
    const three = sovSlices(brands, 3);
    expect(three.map((s) => s.brand)).toEqual(['A', 'B', 'Other']);
    expect(three[2]!.share).toBeCloseTo(0.2);
    expect(sovSlices([summary('A', { shareOfVoice: 0 })])).toEqual([]);
  });

  test('arcs: a quarter, and a whole turn drawn as two halves', () => {
    expect(arcPath(50, 50, 40, 20, 0, 0.25)).toBe('M 50 10 A 40 40 0 0 1 90 50 L 70 50 A 20 20 0 0 0 50 30 Z');
    expect(arcPath(50, 50, 40, 20, 0, 1).match(/M /g)!.length).toBe(2);
  });
});

describe('colours', () => {
  test('a slice takes the colour of its brand’s timeline lane', () => {
    const brands = [
      summary('B', { exposureSeconds: 5, shareOfVoice: 0.25 }),
      summary('A', { exposureSeconds: 5, shareOfVoice: 0.25 }),
      summary('C', { exposureSeconds: 10, shareOfVoice: 0.5 }),
    ];
    const lanes = laneLayout(report([], brands)).map((l) => l.brand);
    expect(lanes).toEqual(['C', 'A', 'B']);
    expect(sovSlices(brands).map((s) => [s.brand, s.colour])).toEqual([
      ['C', colourOf(0)],
      ['A', colourOf(1)],
      ['B', colourOf(2)],
    ]);
  });
});
