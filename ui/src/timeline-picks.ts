/**
 * A timeline's picks as the builder edits them (pure, tested in
 * timeline-picks.test.ts): add, remove and move picks, snap and clamp a
 * marked range to its asset, the filmstrip's x ↔ seconds mapping, and the
 * checks the server makes (src/work/detect/setup.ts `checkPicks`), so a bad
 * pick is named at its own field before anything is sent.
 */
import type { Pick } from '../../src/types/detect-setup.ts';
import { formatTime } from './trim.ts';

export type { Pick };

/** The server's limit on picks per timeline. */
export const MAX_PICKS = 500;
/** The server lets a pick end this far past the probed duration (container rounding). */
export const END_SLACK_SECONDS = 0.05;
/** Marked ranges snap to this grid (seconds), and are at least this long. */
export const SNAP_SECONDS = 0.1;

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** `picks` with `pick` inserted at `at` (default: the end). */
export const addPick = (picks: readonly Pick[], pick: Pick, at = picks.length): Pick[] => {
  const i = Math.max(0, Math.min(at, picks.length));
  return [...picks.slice(0, i), pick, ...picks.slice(i)];
};

export const removePick = (picks: readonly Pick[], index: number): Pick[] => picks.filter((_, i) => i !== index);

/** The pick at `from` moved to `to` (both clamped to the list); the others keep their order. */
export const movePick = (picks: readonly Pick[], from: number, to: number): Pick[] => {
  if (from < 0 || from >= picks.length) return [...picks];
  const target = Math.max(0, Math.min(to, picks.length - 1));
  const out = [...picks];
  const [moved] = out.splice(from, 1);
  out.splice(target, 0, moved!);
  return out;
};

/** `t` on the grid of `step` seconds. */
export const snap = (t: number, step = SNAP_SECONDS): number => (step > 0 ? round3(Math.round(t / step) * step) : t);

/**
 * A range marked between `a` and `b` (either order), snapped to the grid and
 * kept inside [0, duration]; at least one step long, so a click without a drag
 * still gives a range. `duration` null: only the lower bound is known.
 */
export const snapRange = (a: number, b: number, duration: number | null, step = SNAP_SECONDS): { start: number; end: number } => {
  const max = duration !== null && Number.isFinite(duration) && duration > 0 ? duration : Number.POSITIVE_INFINITY;
  const clamp = (t: number) => Math.max(0, Math.min(max, t));
  let start = clamp(snap(Math.min(a, b), step));
  let end = clamp(snap(Math.max(a, b), step));
  if (end - start < step) {
    end = Math.min(max, start + step);
    if (end - start < step) start = Math.max(0, end - step);
  }
  return { start: round3(start), end: round3(end) };
};

/**
 * One edge of a pick dragged to `t`: snapped, inside the asset, and never
 * closer than a step to the other edge (a handle cannot cross its partner).
 */
export const moveEdge = (pick: Pick, edge: 'start' | 'end', t: number, duration: number | null, step = SNAP_SECONDS): Pick => {
  const max = duration !== null && Number.isFinite(duration) && duration > 0 ? duration : Number.POSITIVE_INFINITY;
  const s = snap(t, step);
  if (edge === 'start') return { ...pick, start: round3(Math.max(0, Math.min(s, pick.end - step))) };
  return { ...pick, end: round3(Math.min(max, Math.max(s, pick.start + step))) };
};

/** Seconds of the whole timeline: the sum of its picks (a pick not yet valid counts nothing). */
export const timelineDuration = (picks: readonly Pick[]): number =>
  round3(picks.reduce((sum, p) => (Number.isFinite(p.start) && Number.isFinite(p.end) && p.end > p.start ? sum + (p.end - p.start) : sum), 0));

/** Where `x` pixels into a filmstrip `width` wide falls in an asset of `duration` seconds (clamped to the strip). */
export const xToSeconds = (x: number, width: number, duration: number): number => {
  if (!(width > 0) || !(duration > 0)) return 0;
  return (Math.max(0, Math.min(width, x)) / width) * duration;
};

/** The inverse: the x of second `t` on a strip `width` wide. */
export const secondsToX = (t: number, width: number, duration: number): number => {
  if (!(width > 0) || !(duration > 0)) return 0;
  return (Math.max(0, Math.min(duration, t)) / duration) * width;
};

/** A range as left and width in percent of the strip, for CSS. */
export const rangeStyle = (start: number, end: number, duration: number): { left: string; width: string } => {
  if (!(duration > 0)) return { left: '0%', width: '0%' };
  const l = Math.max(0, Math.min(1, start / duration));
  const r = Math.max(l, Math.min(1, end / duration));
  return { left: `${round3(l * 100)}%`, width: `${round3((r - l) * 100)}%` };
};

/** Which filmstrip frame shows second `t`: the one whose time is nearest (`times` ascending). */
export const frameAt = (times: readonly number[], t: number): number => {
  let best = 0;
  for (let i = 1; i < times.length; i++) if (Math.abs(times[i]! - t) < Math.abs(times[best]! - t)) best = i;
  return best;
};

/** Field path → message, as `data-field` names the inputs (`picks[1].end`). */
export type PickErrors = Record<string, string>;

/**
 * The checks the server makes on a timeline body, as sentences by field:
 * a name, at least one pick, each pick's start ≥ 0, end after start and not
 * past its asset (`durationOf` answers null when the length is not known).
 */
export const validateTimeline = (name: string, picks: readonly Pick[], durationOf: (assetId: string) => number | null): PickErrors => {
  const errors: PickErrors = {};
  const n = name.trim();
  if (n === '') errors.name = 'Give the timeline a name.';
  else if (n.length > 200) errors.name = 'A name is at most 200 characters.';
  if (picks.length === 0) errors.picks = 'Add at least one pick: mark a range on a filmstrip.';
  else if (picks.length > MAX_PICKS) errors.picks = `A timeline holds at most ${MAX_PICKS} picks.`;
  picks.forEach((p, i) => {
    const at = `picks[${i}]`;
    const okStart = Number.isFinite(p.start) && p.start >= 0;
    if (!okStart) errors[`${at}.start`] = 'The start must be a number of seconds, 0 or more.';
    if (!Number.isFinite(p.end) || p.end < 0) {
      errors[`${at}.end`] = 'The end must be a number of seconds, 0 or more.';
      return;
    }
    if (okStart && p.end <= p.start) {
      errors[`${at}.end`] = `The end must come after the start (${formatTime(p.start)}).`;
      return;
    }
    const d = durationOf(p.assetId);
    if (d !== null && Number.isFinite(d) && p.end > d + END_SLACK_SECONDS) errors[`${at}.end`] = `The end is past the end of the asset (${formatTime(d)}).`;
  });
  return errors;
};

/** Which pick row a field path belongs to (`picks[2].end` → 2), or null. */
export const pickIndexOf = (path: string): number | null => {
  const m = /^picks\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : null;
};
