/**
 * The output frame grid (pure). A transcode's video is constant frame rate:
 * output frame i sits at exactly i / fps seconds from the start of what is
 * encoded. Chunks are ranges of that grid, counted in frames, not seconds:
 * cutting by seconds rounds at the edges, which is how joined chunks get
 * overlapping timestamps and extra frames (Av1an and StaxRip's chunk mode
 * cut by frame number for the same reason).
 */
import { fpsRational } from './ladder.ts';

export interface Fraction {
  num: number;
  den: number;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The exact rate ffmpeg is given (30000/1001 for 29.97), as a reduced fraction. */
export const fpsFraction = (fps: number): Fraction => {
  const r = fpsRational(fps);
  const m = /^(\d+)\/(\d+)$/.exec(r);
  let num = m ? Number(m[1]) : Math.round(fps * 1000);
  let den = m ? Number(m[2]) : 1000;
  const g = gcd(num, den);
  num /= g;
  den /= g;
  return { num, den };
};

/** `30000/1001`, `25/1`: what ffmpeg's fps filter and -r take. */
export const fractionText = (f: Fraction): string => `${f.num}/${f.den}`;

/** Seconds at which grid frame `i` starts. */
export const frameTime = (i: number, f: Fraction): number => (i * f.den) / f.num;

/** The grid frame nearest to `seconds`. */
export const frameAt = (seconds: number, f: Fraction): number => Math.round((seconds * f.num) / f.den);

/** Whole frames in one segment of `seconds` (at least one). */
export const segmentFrames = (seconds: number, f: Fraction): number => Math.max(1, frameAt(seconds, f));
