/**
 * Turns the tail of ffmpeg/ffprobe stderr into one sentence a person can act
 * on. Pure. The patterns are ffmpeg's own wording (checked against 5.1); the
 * most specific ones come first because one failure often prints several
 * (a text file gives "low score", then "moov atom not found", then
 * "Invalid data found").
 */

import type { ErrorCode } from '../errors.ts';

type Rule = { test: RegExp; reason: (m: RegExpMatchArray, tail: string) => string };

/** Lines ffmpeg prints after the real error, or that carry no cause. */
const NOISE = [
  /^Conversion failed!?$/,
  /^Error initializing output stream/,
  /^Consider increasing the value for the 'analyzeduration'/,
  /^To ignore this, add a trailing '\?' to the map/,
  /^frame=\s*\d+/,
  /^size=/,
  /^video:\d+kB audio:/,
  /^\s*(Stream|Metadata|Duration|Input|Output|encoder|handler_name|vendor_id|major_brand|Side data|Press \[q\])\b/,
  /Qavg: /,
  /^Exiting normally/,
];

/**
 * Lines that never explain a failure, however many of them there are: a
 * scaler warning printed once per scaler context (dozens for a thumbnail
 * grid), ffmpeg's own repeat counter, the stats line. Kept out of the stderr
 * tail so they cannot push the error lines out of it.
 */
const DETAIL_NOISE = [
  /deprecated pixel format used, make sure you did set range correctly/,
  /^\s*Last message repeated \d+ times?/,
  /No accelerated colorspace conversion found from/,
  /^Guessed Channel Layout for Input Stream/,
  /^frame=\s*\d+.*\bfps=/,
  /^size=\s*\S+ time=/,
];

/** "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55d2...] moov atom not found" → "moov atom not found". */
const stripContext = (line: string): string => line.replace(/^(\[[^\]]+ @ 0x[0-9a-f]+\]\s*)+/i, '').trim();

/** Pure: true for a stderr line that is known noise (see DETAIL_NOISE). */
export const isStderrNoise = (line: string): boolean => {
  const l = stripContext(line);
  return l.length === 0 || DETAIL_NOISE.some((re) => re.test(l));
};

/**
 * Pure: the lines of a stderr tail that can explain a failure, as ffmpeg
 * printed them, known noise dropped; null when nothing is left. This is the
 * `detail` a failed chunk or job shows under its reason.
 */
export const stderrDetail = (stderrTail: string): string | null => {
  const kept = stderrTail.split(/\r?\n|\r/).filter((l) => !isStderrNoise(l));
  return kept.length > 0 ? kept.join('\n') : null;
};

const count = (tail: string, re: RegExp): number => tail.match(new RegExp(re.source, 'gi'))?.length ?? 0;

/** The subject of "path: message" lines, shortened for a sentence. */
const subject = (path: string): string => {
  const p = path.trim();
  if (/^https?:\/\//i.test(p)) return p.length > 120 ? `${p.slice(0, 117)}...` : p;
  const parts = p.split('/');
  return parts.at(-1) || p;
};

const RULES: Rule[] = [
  // "/srv/out/x.ts: Read-only file system" (strerror(EROFS)): not a permission the owner could grant.
  { test: /^(.*): Read-only file system$/im, reason: (m) => `read-only file system: ffmpeg cannot write ${stripContext(m[1]!)}` },
  { test: /Cannot allocate memory|Out of memory/i, reason: () => 'ffmpeg ran out of memory' },
  {
    test: /^(.*): Permission denied$/im,
    reason: (m) => `permission denied: ffmpeg may not read or write ${subject(stripContext(m[1]!))}`,
  },
  // "Server returned 404 Not Found", "Server returned 5XX Server Error reply".
  { test: /Server returned ([^\r\n]+?)(?: reply)?$/im, reason: (m) => `the media server answered ${m[1]!.trim()}` },
  {
    test: /^(https?:\/\/.*): (Connection refused|Connection timed out|Network is unreachable|Name or service not known|Connection reset by peer|I\/O error)/im,
    reason: (m) => `cannot download ${subject(m[1]!)}: ${m[2]!.toLowerCase()}`,
  },
  { test: /: Is a directory$/im, reason: () => 'this is a folder, not a file' },
  {
    test: /^(.*): No such file or directory$/im,
    reason: (m) => `the file or folder does not exist: ${subject(stripContext(m[1]!))}`,
  },
  // Low score means ffmpeg only guessed the format (from the name); the
  // moov/invalid-data lines that follow are symptoms, not the cause.
  {
    test: /detected only with low score of \d+, misdetection possible/i,
    reason: () => 'ffmpeg cannot read this file: it is not a supported media file or it is damaged',
  },
  {
    test: /moov atom not found/i,
    reason: () => 'the file is not a complete MP4/MOV (moov atom not found): a truncated or failed upload?',
  },
  {
    test: /Decoder \(codec (\S+)\) not found for input stream #?(\d+:\d+)/i,
    reason: (m) =>
      m[1] === 'none'
        ? `stream #${m[2]} has no codec description (a broken track): leave it out`
        : `this ffmpeg cannot decode the ${m[1]} codec (stream #${m[2]})`,
  },
  { test: /Decoder \(codec (\S+)\) not found/i, reason: (m) => `this ffmpeg cannot decode the ${m[1]} codec` },
  { test: /Unknown encoder '([^']+)'/i, reason: (m) => `this ffmpeg has no ${m[1]} encoder` },
  { test: /Encoder \(codec (\S+)\) not found/i, reason: (m) => `this ffmpeg has no encoder for ${m[1]}` },
  {
    test: /Output file #\d+ does not contain any stream/i,
    reason: () => 'the output would be empty: the input has none of the streams asked for',
  },
  { test: /Stream map '([^']*)' matches no streams/i, reason: (m) => `the input has no stream matching ${m[1]} (no such track)` },
  { test: /does not contain any stream/i, reason: () => 'the file contains no audio or video stream' },
  {
    test: /Output file is empty, nothing was encoded/i,
    reason: () => 'nothing was encoded: the input ended before any frame could be read (truncated, or a seek past the end?)',
  },
  { test: /partial file|File ended prematurely|Truncating packet|Truncated (?:packet|file)|Unexpected end of file/i, reason: () => 'the file is truncated' },
  {
    test: /Error while decoding|error while decoding MB|corrupt decoded frame|Invalid NAL unit size|Packet corrupt/i,
    reason: (_m, tail) =>
      count(tail, /Error while decoding|error while decoding MB|corrupt decoded frame/) >= 3
        ? 'the file is damaged: ffmpeg hit many errors while decoding it'
        : 'the file is damaged: ffmpeg hit an error while decoding it',
  },
  {
    test: /Invalid data found when processing input/i,
    reason: () => 'ffmpeg cannot read this file: it is not a supported media file or it is damaged',
  },
  { test: /Unrecognized option '([^']+)'/i, reason: (m) => `this ffmpeg does not know the option -${m[1]} (too old a version?)` },
  { test: /No such filter: '([^']+)'/i, reason: (m) => `this ffmpeg has no ${m[1]} filter` },
];

/** Exit codes a shell (and Bun's `exited`) reports for deaths by signal (128 + n). */
const SIGNALS: Record<number, string> = { 137: 'SIGKILL', 143: 'SIGTERM', 132: 'SIGILL', 134: 'SIGABRT', 135: 'SIGBUS', 136: 'SIGFPE', 139: 'SIGSEGV' };

/**
 * Signals by which a program dies of its own fault (a crash), not because
 * something outside killed it. A crash on a frame is usually a race or a
 * flaky machine, so it is retried; one that repeats fails after the retries.
 */
const CRASHES = new Set(['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGABRT', 'SIGFPE']);

/** The last stderr line that says something, without its [demuxer @ 0x...] prefix. */
export const lastMeaningfulLine = (stderrTail: string): string | null => {
  const lines = stderrTail.split(/\r?\n|\r/).map(stripContext);
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.length > 0 && !NOISE.some((re) => re.test(l))) return l.length > 300 ? `${l.slice(0, 297)}...` : l;
  }
  return null;
};

/**
 * The file a "No space left on device" line names: "Error writing trailer of
 * /out/a.ts: No space left on device", "/out/a_001.ts: No space left on
 * device"; null for lines that name none ("av_interleaved_write_frame(): ...").
 */
const fullPathOf = (tail: string): string | null => {
  for (const raw of tail.split(/\r?\n|\r/)) {
    const m = /^(?:Error (?:writing trailer of|closing file|opening output file)\s+|Failed to open file\s+)?'?(.+?)'?: No space left on device/i.exec(
      stripContext(raw),
    );
    if (m && /^(\/|file:)/.test(m[1]!)) return m[1]!;
  }
  return null;
};

export interface FfmpegFailure {
  /** 'unavailable' (retried: a crash), 'insufficient_storage' (failed at once) or 'unrecoverable' (the same run fails the same way). */
  code: Extract<ErrorCode, 'unavailable' | 'insufficient_storage' | 'unrecoverable'>;
  reason: string;
}

/**
 * Pure: why a run of ffmpeg (or ffprobe: `tool`) failed, and whether trying
 * again can help. A full disk fails at once (a retry fills it again); a crash
 * signal is transient; everything else is the input's or the arguments'
 * fault. `writesTo` (the run's output folder) is named when stderr names no
 * file.
 */
export const ffmpegFailure = (stderrTail: string, exitCode: number, opts: { tool?: string; writesTo?: string } = {}): FfmpegFailure => {
  const tool = opts.tool ?? 'ffmpeg';
  if (/No space left on device/i.test(stderrTail)) {
    return { code: 'insufficient_storage', reason: `disk full: ${fullPathOf(stderrTail) ?? opts.writesTo ?? `the folder ${tool} writes to`}` };
  }
  const signal = SIGNALS[exitCode];
  // Before the rules: a crash after "error while decoding" is still a crash, and still worth a retry.
  if (signal && CRASHES.has(signal)) {
    const last = lastMeaningfulLine(stderrTail);
    return { code: 'unavailable', reason: `${tool} crashed (${signal})${last ? `: ${last}` : ''}` };
  }
  for (const rule of RULES) {
    const m = stderrTail.match(rule.test);
    if (m) return { code: 'unrecoverable', reason: rule.reason(m, stderrTail).replace(/\bffmpeg\b/, tool) };
  }
  if (signal) {
    const hint = signal === 'SIGKILL' ? ' (out of memory?)' : '';
    return { code: 'unrecoverable', reason: `${tool} was killed by ${signal}${hint}` };
  }
  const last = lastMeaningfulLine(stderrTail);
  return { code: 'unrecoverable', reason: last ? `${tool} failed (exit ${exitCode}): ${last}` : `${tool} failed (exit ${exitCode}) without an error message` };
};

/**
 * A sentence for why ffmpeg (or ffprobe: pass tool) failed (see
 * ffmpegFailure). exitCode 137 and friends (killed by a signal) are reported
 * as such when stderr names no other cause.
 */
export const ffmpegReason = (stderrTail: string, exitCode: number, tool = 'ffmpeg'): string => ffmpegFailure(stderrTail, exitCode, { tool }).reason;
