/**
 * The brand report as the results views show it (pure, tested in
 * detect-report.test.ts): lanes and bar geometry for the timeline, sorting
 * of the per-brand rows, export names, frame numbers ⇄ seconds, a timeline
 * second → its source asset and second, and share-of-voice slices.
 */
import type { BrandReport, BrandSummary, ReportInterval } from '../../src/types/detect.ts';
import type { Pick } from '../../src/types/detect-setup.ts';
import { PLACEMENTS } from '../../src/work/detect/report-csv.ts';

/** Part 2 of detection says which engine saw an interval and what it cost; older reports say neither. */
export type IntervalSeen = ReportInterval & { source?: string; cost?: number };

/** The stages whose output can be drawn on a frame (the server's OVERLAY_STAGES), in pipeline order. */
export const OVERLAY_STAGES = ['extract_frames', 'filter_scenes', 'segment_field', 'detect_edges', 'preprocess', 'ocr', 'match_brands'] as const;

export const sourceOf = (i: ReportInterval): string => (i as IntervalSeen).source ?? 'ocr';
export const costOf = (i: ReportInterval): number | null => {
  const c = (i as IntervalSeen).cost;
  return typeof c === 'number' && Number.isFinite(c) ? c : null;
};

/* ---- numbers as people read them ---- */

/** 0.1234 → "12.3%" (a share or a confidence, 0 to 1). */
export const pct = (x: number, digits = 1): string => (Number.isFinite(x) ? `${(x * 100).toFixed(digits)}%` : '—');

/** Seconds on an axis: "00:05", "01:30", "1:02:03" past an hour. */
export const mmss = (t: number): string => {
  if (!Number.isFinite(t) || t < 0) return '—';
  const s = Math.round(t);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
};

/** A length of exposure: "4.5 s", "2 min 05 s". */
export const seconds = (t: number): string => {
  if (!Number.isFinite(t) || t < 0) return '—';
  if (t < 60) return `${Number(t.toFixed(1))} s`;
  const s = Math.round(t);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
};

export const costText = (i: ReportInterval): string => {
  const c = costOf(i);
  // Model calls cost fractions of a cent: below a dime, two significant digits rather than cents.
  return c === null ? '—' : `$${c < 0.1 && c > 0 ? c.toPrecision(2) : c.toFixed(2)}`;
};

/* ---- frames ⇄ seconds (frames are sampled at t = seq × samplePeriod) ---- */

export const seqAt = (t: number, samplePeriod: number): number => (samplePeriod > 0 ? Math.max(0, Math.round(t / samplePeriod)) : 0);

export const timeOfSeq = (seq: number, samplePeriod: number): number => Number((seq * samplePeriod).toFixed(6));

/** The first and last sampled frame of an interval (its end is the last hit plus half a period, or the timeline's end). */
export const framesOf = (i: ReportInterval, samplePeriod: number): { first: number; last: number } => {
  const first = seqAt(i.start, samplePeriod);
  return { first, last: Math.max(first, seqAt(i.end - samplePeriod / 2, samplePeriod)) };
};

/* ---- the timeline: lanes, bars, ticks ---- */

export interface Lane {
  brand: string;
  exposureSeconds: number;
  /** Its intervals by start. */
  intervals: ReportInterval[];
}

/** One lane per brand, by exposure (largest first, then by name); a brand with intervals but no summary still gets one. */
export const laneLayout = (report: BrandReport): Lane[] => {
  const lanes = new Map<string, Lane>();
  for (const b of report.brands) lanes.set(b.brand, { brand: b.brand, exposureSeconds: b.exposureSeconds, intervals: [] });
  for (const i of report.intervals) {
    let lane = lanes.get(i.brand);
    if (!lane) {
      lane = { brand: i.brand, exposureSeconds: 0, intervals: [] };
      lanes.set(i.brand, lane);
    }
    lane.intervals.push(i);
  }
  const known = new Set(report.brands.map((b) => b.brand));
  for (const lane of lanes.values()) {
    lane.intervals.sort((a, b) => a.start - b.start);
    if (!known.has(lane.brand)) lane.exposureSeconds = lane.intervals.reduce((sum, i) => sum + i.duration, 0);
  }
  return [...lanes.values()].sort((a, b) => b.exposureSeconds - a.exposureSeconds || cmpText(a.brand, b.brand));
};

/** The span the axis covers: the timeline's duration, stretched to the last interval's end should the report run past it. */
export const axisSpan = (report: BrandReport, duration: number): number =>
  Math.max(Number.isFinite(duration) ? duration : 0, ...report.intervals.map((i) => i.end), 0);

/** Where a bar sits, as % of the span; at least `minWidth` % wide so a one-frame hit stays visible and clickable. */
export const barGeometry = (i: { start: number; end: number }, span: number, minWidth = 0.4): { left: number; width: number } => {
  if (!(span > 0)) return { left: 0, width: 0 };
  const left = clamp((i.start / span) * 100, 0, 100);
  const right = clamp((i.end / span) * 100, left, 100);
  const width = Math.max(right - left, minWidth);
  return { left: Math.min(left, 100 - width), width: Math.min(width, 100) };
};

/** Axis ticks at a round step, about `count` of them: 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h … */
export const timeTicks = (span: number, count = 6): { t: number; left: number; label: string }[] => {
  if (!(span > 0)) return [];
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  const want = span / Math.max(1, count);
  const step = steps.find((s) => s >= want) ?? Math.ceil(want / 3600) * 3600;
  const out: { t: number; left: number; label: string }[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) out.push({ t, left: (t / span) * 100, label: mmss(t) });
  return out;
};

/* ---- the stats table ---- */

export type StatColumn =
  | 'brand'
  | 'exposureSeconds'
  | 'appearances'
  | 'shareOfVoice'
  | 'meanScreenShare'
  | 'maxScreenShare'
  | 'placement'
  | 'clarity'
  | 'firstSeen'
  | 'lastSeen'
  | 'hits';
export type SortDir = 'asc' | 'desc';

/** Text columns start A→Z, and a number column largest first (what one usually wants on the first click). */
export const firstDir = (c: StatColumn): SortDir => (c === 'brand' || c === 'placement' || c === 'firstSeen' || c === 'lastSeen' ? 'asc' : 'desc');

const cmpText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** A new array of the rows sorted by `column`; ties go by brand name A→Z, whichever way the column runs. */
export const sortBrands = (rows: readonly BrandSummary[], column: StatColumn, dir: SortDir): BrandSummary[] => {
  const sign = dir === 'asc' ? 1 : -1;
  const key = (b: BrandSummary): number | string => {
    if (column === 'brand') return b.brand.toLowerCase();
    if (column === 'placement') return PLACEMENTS.indexOf(b.placement); // grid order, not by name
    return b[column];
  };
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : cmpText(String(x), String(y));
    return sign * c || cmpText(a.brand, b.brand);
  });
};

/* ---- export (the CSV itself is the server's format: src/work/detect/report-csv.ts, run here as it is) ---- */

/** Download names from the report's name: "Match 3.json" → match-3-brands.csv, match-3-intervals.csv, match-3-report.json. */
export const exportNames = (fileName: string): { brands: string; intervals: string; json: string } => {
  const stem =
    fileName
      .replace(/\.(json|csv)$/i, '')
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'brand-report';
  return { brands: `${stem}-brands.csv`, intervals: `${stem}-intervals.csv`, json: `${stem}-report.json` };
};

/* ---- a timeline second → the source that plays it ---- */

/** Which pick plays timeline second `t`, and where in its asset; picks run back to back, each [start, end) of its asset. */
export const locate = (picks: readonly Pick[], t: number): { assetId: string; seconds: number; pick: number } | null => {
  if (picks.length === 0) return null;
  let at = 0;
  const time = Math.max(0, Number.isFinite(t) ? t : 0);
  for (let n = 0; n < picks.length; n++) {
    const p = picks[n]!;
    const len = Math.max(0, p.end - p.start);
    if (time < at + len) return { assetId: p.assetId, seconds: round6(p.start + (time - at)), pick: n };
    at += len;
  }
  const last = picks[picks.length - 1]!;
  return { assetId: last.assetId, seconds: last.end, pick: picks.length - 1 };
};

const round6 = (x: number) => Number(x.toFixed(6));

/* ---- share of voice ---- */

export const PALETTE = ['#5b8def', '#3fb97a', '#e0a43a', '#e5585b', '#a97be8', '#3fc1c9', '#e57bb8', '#9fb84a', '#d98b5f', '#7b8794'];
export const colourOf = (index: number): string => PALETTE[index % PALETTE.length]!;

export interface Slice {
  brand: string;
  share: number;
  /** Where it starts and ends around the circle, 0 to 1. */
  from: number;
  to: number;
  colour: string;
}

/**
 * Slices by share, largest first; past `max` - 1 brands the rest are summed as "Other" (its colour the palette's grey).
 * Colours follow the brands' rank in exposure (as laneLayout orders lanes), so a slice matches its timeline lane.
 */
export const sovSlices = (brands: readonly BrandSummary[], max = 8): Slice[] => {
  const rank = new Map([...brands].sort((a, b) => b.exposureSeconds - a.exposureSeconds || cmpText(a.brand, b.brand)).map((b, n) => [b.brand, n]));
  const byShare = brands
    .map((b) => ({ brand: b.brand, share: Number.isFinite(b.shareOfVoice) ? Math.max(0, b.shareOfVoice) : 0, colour: colourOf(rank.get(b.brand)!) }))
    .filter((b) => b.share > 0)
    .sort((a, b) => b.share - a.share || cmpText(a.brand, b.brand));
  const shown = byShare.length > max ? byShare.slice(0, max - 1) : byShare;
  const rest = byShare.slice(shown.length);
  const parts = rest.length ? [...shown, { brand: 'Other', share: rest.reduce((s, b) => s + b.share, 0), colour: PALETTE[PALETTE.length - 1]! }] : shown;
  const total = parts.reduce((s, b) => s + b.share, 0);
  let at = 0;
  return parts.map((b) => {
    const from = at;
    at += total > 0 ? b.share / total : 0;
    return { ...b, from: round6(from), to: round6(at) };
  });
};

/** A donut segment's SVG path from `from` to `to` (fractions of a turn, clockwise from 12 o'clock). */
export const arcPath = (cx: number, cy: number, r: number, inner: number, from: number, to: number): string => {
  // A whole turn has equal end points, which SVG's arc cannot draw: two halves instead.
  if (to - from >= 0.999999) return `${arcPath(cx, cy, r, inner, from, from + 0.5)} ${arcPath(cx, cy, r, inner, from + 0.5, to)}`;
  const at = (f: number, rad: number) => {
    const a = f * 2 * Math.PI;
    return `${fix(cx + rad * Math.sin(a))} ${fix(cy - rad * Math.cos(a))}`;
  };
  const large = to - from > 0.5 ? 1 : 0;
  return `M ${at(from, r)} A ${r} ${r} 0 ${large} 1 ${at(to, r)} L ${at(to, inner)} A ${inner} ${inner} 0 ${large} 0 ${at(from, inner)} Z`;
};

const fix = (x: number) => Number(x.toFixed(3));
