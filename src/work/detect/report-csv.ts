/**
 * The brand report as two CSV files, the one format wherever a report is
 * exported: the detect job's outputs (steps.ts), `mpr detect --out x.csv`,
 * and the web UI's export buttons, which run this module in the browser (it
 * imports nothing but types; src/layering.test.ts keeps it so). Pure.
 */
import type { BrandReport, Placement } from '../../types/detect.ts';

/** The 3×3 grid's cells, row by row from the top left: the order of `positionGrid` and of the grid columns. */
export const PLACEMENTS: readonly Placement[] = ['top-left', 'top', 'top-right', 'left', 'centre', 'right', 'bottom-left', 'bottom', 'bottom-right'];

/**
 * One RFC 4180 field. Text a spreadsheet would run as a formula (= + - @ or a
 * tab or CR first) gets a leading apostrophe: brand names come from users and
 * the CSV is meant for spreadsheets (OWASP's CSV injection advice).
 */
export const csvField = (v: string | number): string => {
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

const csv = (header: readonly string[], rows: readonly (readonly (string | number)[])[]): string =>
  [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');

const GRID_COLUMNS = PLACEMENTS.map((p) => `grid_${p.replace('-', '_')}`);

/**
 * Pure: the report as two CSV files (RFC 4180: CRLF line ends, a header
 * row, quotes only where needed): `intervals`, one row per interval, and
 * `brands`, one row per brand with its summary. Two files rather than two
 * sections of one, so each opens as a plain table with one header.
 */
export const reportToCsv = (report: BrandReport): { intervals: string; brands: string } => ({
  intervals: csv(
    ['brand', 'start', 'end', 'duration', 'hits', 'mean_confidence', 'mean_screen_share'],
    report.intervals.map((i) => [i.brand, i.start, i.end, i.duration, i.hits, i.meanConfidence, i.meanScreenShare]),
  ),
  brands: csv(
    [
      'brand',
      'exposure_seconds',
      'appearances',
      'share_of_voice',
      'mean_screen_share',
      'max_screen_share',
      'placement',
      'clarity',
      'first_seen',
      'last_seen',
      'hits',
      ...GRID_COLUMNS,
    ],
    report.brands.map((b) => [
      b.brand,
      b.exposureSeconds,
      b.appearances,
      b.shareOfVoice,
      b.meanScreenShare,
      b.maxScreenShare,
      b.placement,
      b.clarity,
      b.firstSeen,
      b.lastSeen,
      b.hits,
      ...b.positionGrid,
    ]),
  ),
});
