/**
 * Thumbnail sprites: which frames to grab, how they tile into sheets, and the
 * WebVTT track and JSON index players use to find them. Pure arithmetic; the
 * ffmpeg side only follows the plan.
 */
import { AppError } from '../errors.ts';
import type { ThumbnailSpec } from '../types/media.ts';

export interface SpriteSheet {
  index: number;
  file: string;
  /** Index of the sheet's first thumbnail in the whole sequence. */
  first: number;
  count: number;
  columns: number;
  rows: number;
}

export interface ThumbnailPlan {
  interval: number;
  count: number;
  width: number;
  height: number;
  /** Grid of a full sheet (fewer columns when all thumbnails fit in one row). */
  columns: number;
  rows: number;
  sheets: SpriteSheet[];
  /** Seconds of the frame each thumbnail shows. */
  times: number[];
}

export interface ThumbnailCue {
  start: number;
  end: number;
  /** Index into sheets. */
  sheet: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface ThumbnailsIndex {
  interval: number;
  width: number;
  height: number;
  columns: number;
  rows: number;
  count: number;
  sheets: { file: string; first: number; count: number; columns: number; rows: number }[];
  cues: ThumbnailCue[];
}

/**
 * Intervals a grown spacing snaps to, so cue times stay readable (0:20, 0:40)
 * instead of 18.137 s apart. Past the list, whole minutes.
 */
const NICE_INTERVALS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 600];

/**
 * A thumbnail starting within a millisecond of the end would show nothing
 * the previous one does not (and ffmpeg may find no frame there).
 */
const END_SLACK = 0.001;

const even = (x: number): number => Math.max(2, Math.round(x / 2) * 2);
const ms = (t: number): number => Math.round(t * 1000) / 1000;

const countFor = (duration: number, interval: number): number => Math.max(1, Math.ceil((duration - END_SLACK) / interval));

const growInterval = (duration: number, spec: ThumbnailSpec): number => {
  if (countFor(duration, spec.intervalSeconds) <= spec.maxCount) return spec.intervalSeconds;
  const least = duration / spec.maxCount;
  const nice = NICE_INTERVALS.find((n) => n >= least && countFor(duration, n) <= spec.maxCount);
  return nice ?? Math.ceil(least / 60) * 60;
};

/**
 * Plan thumbnails for a clip: one every `interval` seconds from 0, the
 * interval grown to the next nice value when the spec's would exceed
 * maxCount. Sheets hold columns x rows; the last sheet only as many rows as
 * it fills, and a clip with fewer thumbnails than a row gets that many columns.
 */
export const planThumbnails = (duration: number, spec: ThumbnailSpec, display: { width: number; height: number }): ThumbnailPlan => {
  if (!(duration > 0 && Number.isFinite(duration))) throw new AppError('validation', `thumbnails: duration must be positive, got ${duration}`);
  if (!(display.width > 0 && display.height > 0))
    throw new AppError('validation', `thumbnails: display size must be positive, got ${display.width}x${display.height}`);
  const interval = growInterval(duration, spec);
  const count = countFor(duration, interval);
  const width = even(spec.width);
  const height = even((width * display.height) / display.width);
  const columns = Math.min(spec.columns, count);
  const rows = Math.min(spec.rows, Math.ceil(count / columns));
  const perSheet = columns * rows;
  const sheets: SpriteSheet[] = [];
  for (let first = 0; first < count; first += perSheet) {
    const n = Math.min(perSheet, count - first);
    const index = sheets.length;
    sheets.push({ index, file: `sprite_${String(index).padStart(3, '0')}.jpg`, first, count: n, columns, rows: Math.ceil(n / columns) });
  }
  const times = Array.from({ length: count }, (_, i) => ms(i * interval));
  return { interval, count, width, height, columns, rows, sheets, times };
};

const cuesOf = (plan: ThumbnailPlan, duration: number): ThumbnailCue[] => {
  const last = plan.times[plan.times.length - 1] ?? 0;
  if (!(duration > last)) throw new AppError('validation', `thumbnails: duration ${duration} does not reach past the last thumbnail at ${last}`);
  return plan.sheets.flatMap((sheet) =>
    Array.from({ length: sheet.count }, (_, k): ThumbnailCue => {
      const i = sheet.first + k;
      return {
        start: plan.times[i]!,
        end: i + 1 < plan.count ? plan.times[i + 1]! : ms(duration),
        sheet: sheet.index,
        x: (k % sheet.columns) * plan.width,
        y: Math.floor(k / sheet.columns) * plan.height,
        w: plan.width,
        h: plan.height,
      };
    }),
  );
};

/** HH:MM:SS.mmm, computed in whole milliseconds so 59.9996 never prints as 60.000. */
export const vttTimestamp = (seconds: number): string => {
  const total = Math.round(seconds * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor(total / 60_000) % 60;
  const s = Math.floor(total / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(total % 1000, 3)}`;
};

/**
 * The WebVTT thumbnail track: one cue per thumbnail pointing into its sheet
 * with a media fragment (#xywh=x,y,w,h), the last cue ending at the clip's end.
 */
export const writeThumbnailsVtt = (plan: ThumbnailPlan, opts: { duration: number; urlPrefix?: string }): string => {
  const prefix = opts.urlPrefix ?? '';
  const blocks = cuesOf(plan, opts.duration).map(
    (c) => `${vttTimestamp(c.start)} --> ${vttTimestamp(c.end)}\n${prefix}${plan.sheets[c.sheet]!.file}#xywh=${c.x},${c.y},${c.w},${c.h}`,
  );
  return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
};

/** The same track as plain JSON, for players that would rather not parse VTT. */
export const thumbnailsIndex = (plan: ThumbnailPlan, opts: { duration: number }): ThumbnailsIndex => ({
  interval: plan.interval,
  width: plan.width,
  height: plan.height,
  columns: plan.columns,
  rows: plan.rows,
  count: plan.count,
  sheets: plan.sheets.map(({ file, first, count, columns, rows }) => ({ file, first, count, columns, rows })),
  cues: cuesOf(plan, opts.duration),
});

/**
 * Where to grab the poster: 10% in, capped at 5 s, but at least half a
 * second (or a third of the clip when shorter than 1.5 s) to get past the
 * black or fading first frames many clips open with.
 */
export const posterTime = (duration: number): number => {
  if (!(duration > 0 && Number.isFinite(duration))) return 0;
  return ms(Math.min(5, Math.max(duration * 0.1, Math.min(0.5, duration / 3))));
};
