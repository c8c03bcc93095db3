/**
 * The `compile_report` stage: per-frame brand hits → intervals per brand and
 * the per-brand figures of the report (src/types/detect.ts). Pure; the CSV
 * form is report-csv.ts.
 *
 * Intervals follow the sampling (FACTS.md, "Sampling"): the frame at a
 * board's end no longer shows it, so an interval runs [first hit, last hit +
 * half a sample period). Two hits join when the stretch between them that no
 * sample covered, `t₂ − t₁ − samplePeriod`, is at most `gapBridgeSeconds`:
 * that stretch estimates how long the brand was really gone (consecutive
 * samples give 0, one missed sample gives one period), whatever the sampling
 * rate. With the default 1 s at 2 fps, hits 0.5, 1.0 and 1.5 s apart join
 * (up to two missed samples); 2.0 s apart do not.
 */
import type { Box } from '../../cv/frame.ts';
import { AppError } from '../../errors.ts';
import type { BrandReport, BrandSummary, ReportInterval } from '../../types/detect.ts';
import { PLACEMENTS } from './report-csv.ts';

/** One brand seen on one frame: what match.ts's BrandHit carries that the report reads. */
export interface ReportHit {
  brand: string;
  box: Box;
  /** OCR confidence × similarity. */
  confidence: number;
  /** The OCR confidence alone (clarity); `confidence` stands in when absent. */
  ocrConfidence?: number;
}

export interface ReportFrame {
  /** Seconds from the timeline's start. */
  t: number;
  hits: readonly ReportHit[];
}

export interface ReportInput {
  /** The sampled frames, any order; frames without hits may be left out. */
  frames: readonly ReportFrame[];
  frameWidth: number;
  frameHeight: number;
  /** Seconds between samples (1 / fps). */
  samplePeriod: number;
  /** The timeline's length: an interval never ends past it. */
  duration?: number;
}

export interface ReportConfig {
  gapBridgeSeconds: number;
  minDurationSeconds: number;
}

/** As the `compile_report` stage's defaults (stages.ts). At 2 fps, 0.5 s means a brand needs two hits. */
export const REPORT_DEFAULTS: Readonly<ReportConfig> = Object.freeze({ gapBridgeSeconds: 1, minDurationSeconds: 0.5 });

const EPS = 1e-9;
const sec = (x: number) => Math.round(x * 1000) / 1000;
const frac = (x: number) => Math.round(x * 10000) / 10000;
const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

const positive = (v: number, name: string) => {
  if (!(Number.isFinite(v) && v > 0)) throw new AppError('validation', `${name}: must be a positive number, got ${v}`);
};

interface Timed {
  t: number;
  hit: ReportHit;
}

interface Built {
  interval: ReportInterval;
  hits: Timed[];
}

/** Pure: one brand's hits (sorted by time) cut into intervals, short ones dropped. */
const intervalsOf = (brand: string, hits: readonly Timed[], input: ReportInput, c: ReportConfig, area: number): Built[] => {
  const out: Built[] = [];
  const half = input.samplePeriod / 2;
  const close = (group: Timed[]) => {
    const start = group[0]!.t;
    const last = group[group.length - 1]!.t;
    const end = input.duration === undefined ? last + half : Math.max(start, Math.min(last + half, input.duration));
    if (end - start < c.minDurationSeconds - EPS) return;
    out.push({
      interval: {
        brand,
        start: sec(start),
        end: sec(end),
        duration: sec(end - start),
        hits: new Set(group.map((g) => g.t)).size,
        meanConfidence: frac(mean(group.map((g) => g.hit.confidence))),
        meanScreenShare: frac(mean(group.map((g) => shareOf(g.hit.box, area)))),
      },
      hits: group,
    });
  };
  let group: Timed[] = [];
  for (const h of hits) {
    const prev = group[group.length - 1];
    if (prev && h.t - prev.t - input.samplePeriod > c.gapBridgeSeconds + EPS) {
      close(group);
      group = [];
    }
    group.push(h);
  }
  if (group.length > 0) close(group);
  return out;
};

const shareOf = (b: Box, area: number) => (Math.max(0, b.w) * Math.max(0, b.h)) / area;

/** The grid cell (0–8, row by row) of a box's centre. */
const cellOf = (b: Box, width: number, height: number): number => {
  const col = Math.min(2, Math.max(0, Math.floor(((b.x + b.w / 2) / width) * 3)));
  const row = Math.min(2, Math.max(0, Math.floor(((b.y + b.h / 2) / height) * 3)));
  return row * 3 + col;
};

/** Pure: the report of a timeline's brand hits. */
export const compileReport = (input: ReportInput, config: Partial<ReportConfig> = {}): BrandReport => {
  const c: ReportConfig = { ...REPORT_DEFAULTS, ...config };
  positive(input.frameWidth, 'frameWidth');
  positive(input.frameHeight, 'frameHeight');
  positive(input.samplePeriod, 'samplePeriod');
  if (!(c.gapBridgeSeconds >= 0)) throw new AppError('validation', `gapBridgeSeconds: must be 0 or more, got ${c.gapBridgeSeconds}`);
  if (!(c.minDurationSeconds >= 0)) throw new AppError('validation', `minDurationSeconds: must be 0 or more, got ${c.minDurationSeconds}`);
  const area = input.frameWidth * input.frameHeight;

  const byBrand = new Map<string, Timed[]>();
  for (const f of input.frames) {
    for (const hit of f.hits) {
      let list = byBrand.get(hit.brand);
      if (!list) {
        list = [];
        byBrand.set(hit.brand, list);
      }
      list.push({ t: f.t, hit });
    }
  }

  const intervals: ReportInterval[] = [];
  const partial: Omit<BrandSummary, 'shareOfVoice'>[] = [];
  for (const [brand, hits] of byBrand) {
    hits.sort((a, b) => a.t - b.t);
    const built = intervalsOf(brand, hits, input, c, area);
    if (built.length === 0) continue;
    intervals.push(...built.map((b) => b.interval));
    const kept = built.flatMap((b) => b.hits);
    const shares = kept.map((k) => shareOf(k.hit.box, area));
    const grid = new Array<number>(9).fill(0);
    for (const k of kept) grid[cellOf(k.hit.box, input.frameWidth, input.frameHeight)]!++;
    const top = grid.indexOf(Math.max(...grid));
    partial.push({
      brand,
      exposureSeconds: sec(built.reduce((s, b) => s + (b.interval.end - b.interval.start), 0)),
      appearances: built.length,
      meanScreenShare: frac(mean(shares)),
      maxScreenShare: frac(Math.max(...shares)),
      positionGrid: grid.map((n) => frac(n / kept.length)),
      placement: PLACEMENTS[top]!,
      clarity: frac(mean(kept.map((k) => k.hit.ocrConfidence ?? k.hit.confidence))),
      firstSeen: built[0]!.interval.start,
      lastSeen: built[built.length - 1]!.interval.end,
      hits: built.reduce((s, b) => s + b.interval.hits, 0),
    });
  }
  const total = partial.reduce((s, b) => s + b.exposureSeconds, 0);
  const brands: BrandSummary[] = partial
    .map((b) => ({ ...b, shareOfVoice: total > 0 ? frac(b.exposureSeconds / total) : 0 }))
    .sort((a, b) => b.exposureSeconds - a.exposureSeconds || a.brand.localeCompare(b.brand));
  intervals.sort((a, b) => a.start - b.start || a.brand.localeCompare(b.brand));
  return {
    intervals,
    brands,
    totalExposureSeconds: sec(total),
    frame: { width: input.frameWidth, height: input.frameHeight },
    settings: { samplePeriod: input.samplePeriod, gapBridgeSeconds: c.gapBridgeSeconds, minDurationSeconds: c.minDurationSeconds },
  };
};
