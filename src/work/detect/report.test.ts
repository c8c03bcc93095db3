import { describe, expect, test } from 'bun:test';
import { compileReport, type ReportFrame, type ReportHit } from './report.ts';
import { csvField, reportToCsv } from './report-csv.ts';

const W = 1280;
const H = 720;
/** A 128×72 box (1% of the frame) centred in the given grid cell. */
const inCell = (col: number, row: number) => ({ x: col * (W / 3) + 100, y: row * (H / 3) + 80, w: 128, h: 72 });
const hit = (brand: string, over: Partial<ReportHit> = {}): ReportHit => ({ brand, box: inCell(1, 1), confidence: 0.9, ocrConfidence: 0.95, ...over });
/** Frames at the given times, each showing `brand` once. */
const seen = (brand: string, times: number[], over: Partial<ReportHit> = {}): ReportFrame[] => times.map((t) => ({ t, hits: [hit(brand, over)] }));
const report = (frames: ReportFrame[], o: { samplePeriod?: number; gapBridgeSeconds?: number; minDurationSeconds?: number; duration?: number } = {}) =>
  compileReport(
    { frames, frameWidth: W, frameHeight: H, samplePeriod: o.samplePeriod ?? 0.5, ...(o.duration !== undefined ? { duration: o.duration } : {}) },
    {
      ...(o.gapBridgeSeconds !== undefined ? { gapBridgeSeconds: o.gapBridgeSeconds } : {}),
      ...(o.minDurationSeconds !== undefined ? { minDurationSeconds: o.minDurationSeconds } : {}),
    },
  );
const spans = (r: ReturnType<typeof report>) => r.intervals.map((i) => [i.brand, i.start, i.end]);

describe('compileReport: intervals', () => {
  test('an interval runs from its first hit to its last hit + half a sample period', () => {
    // A board shown on [1.0, 3.0) sampled at 2 fps: hits at 1.0 … 2.5; the frame at 3.0 no longer shows it.
    const r = report(seen('ZANTORA', [1, 1.5, 2, 2.5]));
    expect(spans(r)).toEqual([['ZANTORA', 1, 2.75]]);
    expect(r.intervals[0]!.duration).toBe(1.75);
    expect(r.intervals[0]!.hits).toBe(4);
    // At 1 fps the end moves by half a second.
    expect(spans(report(seen('ZANTORA', [1, 2]), { samplePeriod: 1 }))).toEqual([['ZANTORA', 1, 2.5]]);
  });

  test('gaps up to gapBridgeSeconds (the unsampled stretch between hits) are bridged', () => {
    // 2 fps: 1.0 s between hits is one missed sample (0.5 s unseen); 1.5 s is two (1.0 s unseen): bridged.
    expect(spans(report(seen('Z', [0, 0.5, 1.5, 3, 3.5])))).toEqual([['Z', 0, 3.75]]);
    // 2.0 s between hits: 1.5 s unseen, not bridged.
    expect(spans(report(seen('Z', [0, 0.5, 2.5, 3])))).toEqual([
      ['Z', 0, 0.75],
      ['Z', 2.5, 3.25],
    ]);
    // Consecutive samples always join, whatever the rate.
    expect(spans(report(seen('Z', [0, 3, 6]), { samplePeriod: 3, gapBridgeSeconds: 0 }))).toEqual([['Z', 0, 7.5]]);
    expect(spans(report(seen('Z', [0, 0.5, 1.5]), { gapBridgeSeconds: 0, minDurationSeconds: 0 }))).toEqual([
      ['Z', 0, 0.75],
      ['Z', 1.5, 1.75],
    ]);
  });

  test('intervals shorter than minDurationSeconds are dropped, and count nowhere', () => {
    const frames = [...seen('Z', [0, 0.5, 1]), ...seen('Z', [5], { box: { x: 0, y: 0, w: W, h: H } })];
    const r = report(frames);
    expect(spans(r)).toEqual([['Z', 0, 1.25]]); // the lone hit at 5 s lasts 0.25 s < 0.5
    expect(r.brands[0]!.maxScreenShare).toBe(0.01); // the dropped full-frame hit does not count
    expect(spans(report(frames, { minDurationSeconds: 0 }))).toEqual([
      ['Z', 0, 1.25],
      ['Z', 5, 5.25],
    ]);
    expect(report(seen('Q', [2]))).toMatchObject({ intervals: [], brands: [], totalExposureSeconds: 0 });
  });

  test('the timeline end caps an interval; frames in any order; several boxes in a frame are one hit', () => {
    expect(spans(report(seen('Z', [9, 9.5, 9.9]), { duration: 10 }))).toEqual([['Z', 9, 10]]);
    const r = report([
      { t: 1, hits: [hit('Z'), hit('Z', { box: inCell(0, 0) })] },
      { t: 0, hits: [hit('Z')] },
      { t: 0.5, hits: [] },
    ]);
    expect(spans(r)).toEqual([['Z', 0, 1.25]]);
    expect(r.intervals[0]!.hits).toBe(2);
  });

  test('bad inputs are refused', () => {
    expect(() => report([], { samplePeriod: 0 })).toThrow('samplePeriod: must be a positive number');
    expect(() => compileReport({ frames: [], frameWidth: 0, frameHeight: H, samplePeriod: 0.5 })).toThrow('frameWidth');
  });
});

describe('compileReport: per brand', () => {
  const frames: ReportFrame[] = [
    // ZANTORA: two appearances, 2.25 s + 1.25 s = 3.5 s, top-left mostly.
    ...seen('ZANTORA', [0, 0.5, 1, 1.5, 2], { box: inCell(0, 0), confidence: 0.8, ocrConfidence: 0.9 }),
    ...seen('ZANTORA', [6, 6.5, 7], { box: { ...inCell(2, 2), w: 256 }, confidence: 0.6, ocrConfidence: 0.7 }),
    // QUVELLO: one appearance of 1.75 s, centre, overlapping nothing.
    ...seen('QUVELLO', [3, 3.5, 4, 4.5]),
  ];
  const r = report(frames);

  test('exposure, appearances, share of voice; brands by exposure', () => {
    expect(r.brands.map((b) => [b.brand, b.exposureSeconds, b.appearances, b.shareOfVoice])).toEqual([
      ['ZANTORA', 3.5, 2, 0.6667],
      ['QUVELLO', 1.75, 1, 0.3333],
    ]);
    expect(r.totalExposureSeconds).toBe(5.25);
    // Two brands at once both count in full.
    const both = report([...seen('A', [0, 0.5, 1]), ...seen('B', [0, 0.5, 1])]);
    expect(both.brands.map((b) => [b.brand, b.exposureSeconds, b.shareOfVoice])).toEqual([
      ['A', 1.25, 0.5],
      ['B', 1.25, 0.5],
    ]);
    expect(both.totalExposureSeconds).toBe(2.5);
    expect(r.brands[0]).toMatchObject({ firstSeen: 0, lastSeen: 7.25, hits: 8 });
  });

  test('screen share: box area ÷ frame area, mean and max over hits', () => {
    const z = r.brands[0]!;
    expect(z.maxScreenShare).toBe(0.02);
    expect(z.meanScreenShare).toBe(Math.round(((5 * 0.01 + 3 * 0.02) / 8) * 1e4) / 1e4);
    expect(r.intervals[0]!.meanScreenShare).toBe(0.01);
  });

  test('position over a 3×3 grid and the named placement', () => {
    const z = r.brands[0]!;
    expect(z.positionGrid).toEqual([0.625, 0, 0, 0, 0, 0, 0, 0, 0.375]);
    expect(z.placement).toBe('top-left');
    expect(r.brands[1]!.placement).toBe('centre');
    const bottom = report(seen('B', [0, 0.5], { box: { x: 600, y: 650, w: 80, h: 40 } }));
    expect(bottom.brands[0]!.placement).toBe('bottom');
    const right = report(seen('R', [0, 0.5], { box: { x: 1200, y: 300, w: 200, h: 40 } })); // centre past the edge still counts as right
    expect(right.brands[0]!.placement).toBe('right');
  });

  test('clarity is the mean OCR confidence; interval confidence the mean hit confidence', () => {
    expect(r.brands[0]!.clarity).toBe(Math.round(((5 * 0.9 + 3 * 0.7) / 8) * 1e4) / 1e4);
    expect(r.intervals[0]!.meanConfidence).toBe(0.8);
    const noOcr = report(seen('X', [0, 0.5], { confidence: 0.66, ocrConfidence: undefined }));
    expect(noOcr.brands[0]!.clarity).toBe(0.66);
  });

  test('the JSON shape', () => {
    expect(r.intervals[0]).toEqual({ brand: 'ZANTORA', start: 0, end: 2.25, duration: 2.25, hits: 5, meanConfidence: 0.8, meanScreenShare: 0.01 });
    expect(r.settings).toEqual({ samplePeriod: 0.5, gapBridgeSeconds: 1, minDurationSeconds: 0.5 });
    expect(r.frame).toEqual({ width: W, height: H });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe('reportToCsv', () => {
  test('RFC 4180 fields: quotes where needed, doubled inside; formulas defused', () => {
    expect(csvField('ZANTORA')).toBe('ZANTORA');
    expect(csvField('Ben, Jerry')).toBe('"Ben, Jerry"');
    expect(csvField('The "Best"')).toBe('"The ""Best"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+1 Sports')).toBe("'+1 Sports");
    expect(csvField(0.25)).toBe('0.25');
  });

  test('two tables: intervals and brands, CRLF line ends', () => {
    const r = report([...seen('Ben, "Jerry"', [0, 0.5, 1]), ...seen('Q', [2, 2.5])]);
    const { intervals, brands } = reportToCsv(r);
    expect(intervals).toBe(
      'brand,start,end,duration,hits,mean_confidence,mean_screen_share\r\n' + '"Ben, ""Jerry""",0,1.25,1.25,3,0.9,0.01\r\n' + 'Q,2,2.75,0.75,2,0.9,0.01\r\n',
    );
    const rows = brands.split('\r\n');
    expect(rows[0]).toBe(
      'brand,exposure_seconds,appearances,share_of_voice,mean_screen_share,max_screen_share,placement,clarity,first_seen,last_seen,hits,' +
        'grid_top_left,grid_top,grid_top_right,grid_left,grid_centre,grid_right,grid_bottom_left,grid_bottom,grid_bottom_right',
    );
    expect(rows[1]).toBe('"Ben, ""Jerry""",1.25,1,0.625,0.01,0.01,centre,0.95,0,1.25,3,0,0,0,0,1,0,0,0,0');
    expect(rows).toHaveLength(4); // header, two brands, and the empty string after the final CRLF
  });
});
