/**
 * Parses ffmpeg's `-progress` output: blocks of key=value lines, each closed
 * by `progress=continue` or `progress=end`. Pure: no clock, no I/O.
 */

export interface FfmpegProgress {
  /** Output position in seconds. */
  outTimeSeconds: number;
  /** 0-100 against the expected duration, null when it is unknown. */
  percent: number | null;
  fps: number | null;
  /** Times realtime, e.g. 4.2 for "4.2x". */
  speed: number | null;
  etaSeconds: number | null;
  frame: number | null;
  /** True for the last block (progress=end). */
  done: boolean;
}

/** A number, or null for "N/A", blanks and garbage. */
const num = (v: string | undefined): number | null => {
  if (v === undefined) return null;
  const n = Number.parseFloat(v);
  return Number.isFinite(n) ? n : null;
};

/** "HH:MM:SS.micro", possibly negative ("-00:00:00.023220" before the first packet). */
const clock = (v: string | undefined): number | null => {
  const m = v?.match(/^(-?)(\d+):(\d\d):(\d\d(?:\.\d+)?)$/);
  if (!m) return null;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? -s : s;
};

/** Output time in seconds from one block's fields. */
export const outTimeOf = (fields: ReadonlyMap<string, string>): number | null => {
  const us = num(fields.get('out_time_us'));
  if (us !== null) return us / 1e6;
  // ffmpeg prints microseconds under out_time_ms too (a long-standing
  // misnomer: see MIDDLE in the test, captured from 5.1), so it is read as such.
  const ms = num(fields.get('out_time_ms'));
  if (ms !== null) return ms / 1e6;
  return clock(fields.get('out_time'));
};

/**
 * ffmpeg prints fps=0 until it has run for a second (it divides frames by
 * the elapsed time t only once t > 1), so a chunk that takes less never
 * shows one. Its speed is out_time / t over the same t, so frames * speed /
 * out_time is frames / t: the same figure, available from the first block.
 * Not for the last block, whose speed ffmpeg computes differently.
 */
const fpsOf = (reported: number | null, frame: number | null, speed: number | null, outTime: number, done: boolean): number | null => {
  if ((reported !== null && reported > 0) || done || frame === null || frame <= 0 || speed === null || speed <= 0 || outTime <= 0) return reported;
  return Math.round(((frame * speed) / outTime) * 100) / 100;
};

/**
 * Turns one complete block into a progress report. Before the first packet
 * ffmpeg prints a negative or N/A time; that reads as 0.
 */
export const progressFromBlock = (fields: ReadonlyMap<string, string>, durationSeconds: number | null | undefined): FfmpegProgress => {
  const done = fields.get('progress') === 'end';
  const outTimeSeconds = Math.max(0, outTimeOf(fields) ?? 0);
  const speedField = fields.get('speed');
  const speed = num(speedField?.endsWith('x') ? speedField.slice(0, -1) : speedField);
  const known = durationSeconds !== null && durationSeconds !== undefined && durationSeconds > 0 ? durationSeconds : null;
  const percent = known === null ? null : done ? 100 : Math.min(100, (outTimeSeconds / known) * 100);
  const etaSeconds = done ? 0 : known !== null && speed !== null && speed > 0 ? Math.max(0, known - outTimeSeconds) / speed : null;
  const frame = num(fields.get('frame'));
  return {
    outTimeSeconds,
    percent,
    fps: fpsOf(num(fields.get('fps')), frame, speed, outTimeSeconds, done),
    speed,
    etaSeconds,
    frame: frame === null ? null : Math.trunc(frame),
    done,
  };
};

/**
 * Feeds lines of `-progress` output; returns a report when a line closes a
 * block, else null.
 */
export const createProgressParser = (durationSeconds?: number | null) => {
  let fields = new Map<string, string>();
  return (line: string): FfmpegProgress | null => {
    const eq = line.indexOf('=');
    if (eq <= 0) return null;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    fields.set(key, value);
    if (key !== 'progress') return null;
    const report = progressFromBlock(fields, durationSeconds);
    fields = new Map();
    return report;
  };
};
