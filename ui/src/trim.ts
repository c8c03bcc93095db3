/**
 * Trim ranges as people type them (pure, tested in trim.test.ts): a time is
 * `hh:mm:ss(.fff)`, `mm:ss(.fff)` or plain seconds; a range is checked
 * against the asset's duration the way the server will check it, so the
 * form can say what is wrong beside the field before anything is sent.
 */
import type { TimeRange } from '../../src/types/api.ts';

/** Seconds, `m:ss` or `h:mm:ss`, each with an optional fraction; blank → null; anything else → NaN. */
export const parseTime = (text: string): number | null => {
  const t = text.trim();
  if (t === '') return null;
  if (/^\d+(\.\d+)?$|^\.\d+$/.test(t)) return Number(t);
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(t);
  if (!m) return Number.NaN;
  const h = m[1] === undefined ? 0 : Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3]);
  // With hours given, minutes are a clock's (< 60); seconds always are.
  if (s >= 60 || (m[1] !== undefined && min >= 60)) return Number.NaN;
  return h * 3600 + min * 60 + s;
};

/** `65.5` → `1:05.5`, `3723.25` → `1:02:03.25`, `5` → `0:05` (milliseconds kept, trailing zeros dropped). */
export const formatTime = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const frac =
    ms % 1000
      ? `.${String(ms % 1000)
          .padStart(3, '0')
          .replace(/0+$/, '')}`
      : '';
  const ss = `${String(s).padStart(2, '0')}${frac}`;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
};

/** The server refuses shorter ranges (src/work/transcode/params.ts). */
export const MIN_RANGE_SECONDS = 0.1;

const FORMAT_HINT = 'as hh:mm:ss.fff or seconds, like 1:05.5 or 65.5';

export interface RangeCheck {
  /** What to send: null means the whole asset (both fields blank, or a range that covers it all). */
  range: TimeRange | null;
  errors: { start?: string; end?: string };
}

/**
 * Checks the typed start and end against a source of `duration` seconds
 * (null: not known, so only the order is checked). A blank start is 0, a
 * blank end the end of the source.
 */
export const checkRange = (startText: string, endText: string, duration: number | null): RangeCheck => {
  const errors: RangeCheck['errors'] = {};
  const start = parseTime(startText);
  const end = parseTime(endText);
  const known = duration !== null && Number.isFinite(duration) && duration > 0;
  if (start !== null && Number.isNaN(start)) errors.start = `Type the start ${FORMAT_HINT}.`;
  if (end !== null && Number.isNaN(end)) errors.end = `Type the end ${FORMAT_HINT}.`;
  if (errors.start || errors.end) return { range: null, errors };
  if (start === null && end === null) return { range: null, errors };
  const s = start ?? 0;
  const e = end ?? (known ? duration : null);
  if (known && s >= duration) errors.start = `The start must be before the end of the asset (${formatTime(duration)}).`;
  else if (e !== null && e <= s) errors.end = 'The end must come after the start.';
  else if (known && e !== null && e > duration + 1e-3) errors.end = `The end is past the end of the asset (${formatTime(duration)}).`;
  else if (e !== null && e - s < MIN_RANGE_SECONDS) errors.end = 'The range must be at least a tenth of a second long.';
  if (errors.start || errors.end) return { range: null, errors };
  if (e === null) return { range: null, errors: { end: 'Type an end: the length of this asset is not known.' } };
  const range = { start: s, end: known ? Math.min(e, duration) : e };
  return { range: known && range.start === 0 && range.end >= duration ? null : range, errors };
};

export const hasErrors = (c: RangeCheck): boolean => !!(c.errors.start || c.errors.end);
