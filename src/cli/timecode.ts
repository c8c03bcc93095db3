/** Times on the command line (pure): `90`, `90.5`, `1:30`, `00:01:30.250` are all seconds. */
import { AppError } from '../errors.ts';

export const parseTimecode = (flag: string, v: string): number => {
  const m = /^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)$/.exec(v.trim());
  const bad = () => new AppError('validation', `--${flag} needs a time as seconds or [hh:]mm:ss[.fff], got "${v}"`);
  if (!m) throw bad();
  const [h, min, sec] = [Number(m[1] ?? 0), Number(m[2] ?? 0), Number(m[3])];
  // In hh:mm:ss, minutes and seconds stay below 60; plain seconds may be anything.
  if (m[2] !== undefined && (min >= 60 || sec >= 60)) throw bad();
  return h * 3600 + min * 60 + sec;
};

/** `--from A --to B` as a trim range; null when neither is given (the end defaults to the source's end). */
export const rangeFromFlags = (from: string | undefined, to: string | undefined): { start: number; end?: number } | null => {
  if (from === undefined && to === undefined) return null;
  return { start: from === undefined ? 0 : parseTimecode('from', from), ...(to === undefined ? {} : { end: parseTimecode('to', to) }) };
};
