/**
 * Probing a file or http(s) URL with ffprobe: streams and format, how much
 * media is really there (a packet scan), whether a few seconds of it decode,
 * keyframe times, and a verdict on whether the file can be used at all.
 */
import { stat } from 'node:fs/promises';
import { AppError, isAppError } from '../errors.ts';
import { resolveBinaries } from './binaries.ts';
import { classifyProbe, errorShare, isTruncated } from './classify.ts';
import { checkDecode, decodeWindows } from './decode-check.ts';
import { demuxerForExtension, demuxerName, isDemuxer } from './demuxers.ts';
import { ffmpegError, runFfprobeJson, runFfprobeLines } from './ffmpeg.ts';
import { ffmpegReason } from './ffmpeg-errors.ts';
import { extensionOf, field, inputArgs, isUrl, time } from './probe-input.ts';
import { formatStartTime, parseProbe } from './probe-parse.ts';
import type { DemuxOptions, Probe, ProbeVerdict } from '../types/media.ts';

export interface ProbeOptions {
  signal?: AbortSignal;
  bins?: { ffprobe: string };
  /** Per ffprobe run (default 60 s). */
  timeoutMs?: number;
  /** Open the input this way (a probe's `demux`) instead of letting ffprobe sniff it. */
  demux?: DemuxOptions | null;
}

/** Files at least this long get the cheap tail scan first. */
const TAIL_SCAN_MIN_SECONDS = 60;
/** How far before the stated end the tail scan starts (it begins at the keyframe before). */
const TAIL_SCAN_SECONDS = 30;

const ffprobeOf = (opts: ProbeOptions): string => opts.bins?.ffprobe ?? resolveBinaries().ffprobe;

const localSize = async (input: string): Promise<number> => {
  try {
    return (await stat(input)).size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('not_found', 'the file does not exist', { cause: e });
    if (code === 'EACCES') throw new AppError('unrecoverable', 'permission denied: the file cannot be read', { cause: e });
    throw e;
  }
};

interface PacketSpan {
  packets: number;
  /** Smallest timestamp and largest end (timestamp + duration) seen, over the streams asked for. */
  minStart: number | null;
  maxEnd: number | null;
  exitCode: number;
  timedOut: boolean;
}

/**
 * Reads packet headers without decoding, from `fromSeconds` (a seek) or the
 * start, keeping two numbers whatever the file's length.
 */
const scanPackets = async (input: string, streams: ReadonlySet<number>, opts: ProbeOptions & { fromSeconds?: number }): Promise<PacketSpan> => {
  let packets = 0;
  let minStart = Infinity;
  let maxEnd = -Infinity;
  const r = await runFfprobeLines(
    [
      ...(opts.fromSeconds !== undefined ? ['-read_intervals', `${opts.fromSeconds.toFixed(3)}%`] : []),
      '-show_entries',
      'packet=stream_index,pts_time,dts_time,duration_time',
      '-of',
      'compact=p=0',
      ...inputArgs(input, opts.demux),
    ],
    (line) => {
      if (!streams.has(Number(field(line, 'stream_index')))) return;
      const t = time(field(line, 'pts_time')) ?? time(field(line, 'dts_time'));
      if (t === null) return;
      packets++;
      if (t < minStart) minStart = t;
      const end = t + (time(field(line, 'duration_time')) ?? 0);
      if (end > maxEnd) maxEnd = end;
    },
    { signal: opts.signal, timeoutMs: opts.timeoutMs, bin: ffprobeOf(opts) },
  );
  return {
    packets,
    minStart: packets > 0 ? minStart : null,
    maxEnd: packets > 0 ? maxEnd : null,
    exitCode: r.exitCode,
    timedOut: r.timedOut,
  };
};

/**
 * Seconds of media present: the end of the last audio/video packet minus
 * where the timeline starts (the earlier of format.start_time and the first
 * packet: an MPEG-TS starts at 1.4 s, an M4A's priming packets before its
 * start_time). Cover art and data tracks do not count.
 * A file whose stated duration is long is first checked near its end only;
 * when that shows the end is there, the whole file need not be read (a 2 h
 * upload costs one seek). Null when the scan could not tell (timeout, ffprobe
 * error), 0 when the file holds no packets at all.
 */
export const measurePresentDuration = async (input: string, probe: Probe, startTime: number | null, opts: ProbeOptions = {}): Promise<number | null> => {
  const streams = new Set(probe.streams.filter((s) => (s.type === 'video' && !s.attachedPic) || s.type === 'audio').map((s) => s.index));
  if (streams.size === 0) return null;
  const measured = (span: PacketSpan, start: number | null): number | null => {
    if (span.timedOut) return null;
    if (span.packets === 0) return span.exitCode === 0 ? 0 : null;
    // Rounded to the microsecond ffprobe prints, so sums read 362.766666, not 362.76666600000004.
    return Math.round(Math.max(0, span.maxEnd! - (start ?? span.minStart!)) * 1e6) / 1e6;
  };
  const duration = probe.duration;
  if (duration !== null && duration >= TAIL_SCAN_MIN_SECONDS && startTime !== null) {
    const tail = measured(await scanPackets(input, streams, { ...opts, fromSeconds: startTime + duration - TAIL_SCAN_SECONDS }), startTime);
    if (tail !== null && !isTruncated(tail, duration)) return tail;
  }
  const full = await scanPackets(input, streams, opts);
  return measured(full, startTime === null || full.minStart === null ? startTime : Math.min(startTime, full.minStart));
};

interface Inspected {
  probe: Probe;
  /** From the decode check: where the first good frame sits (past junk, the real stream's start). */
  firstFramePos: number | null;
}

const inspect = async (input: string, opts: ProbeOptions): Promise<Inspected> => {
  const size = isUrl(input) ? Number.NaN : await localSize(input);
  if (size === 0) throw new AppError('corrupt', 'the file is empty (0 bytes)');
  // -v warning: on failure stderr then also says "detected only with low
  // score", which tells a non-media file from a truncated MP4.
  const json = await runFfprobeJson(['-v', 'warning', '-show_format', '-show_streams', ...inputArgs(input, opts.demux)], {
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    bin: ffprobeOf(opts),
  });
  const parsed = parseProbe(json, size);
  const startTime = formatStartTime(json);
  const presentDuration = await measurePresentDuration(input, parsed, startTime, opts);
  const length = presentDuration ?? parsed.duration ?? 0;
  const hasMedia = parsed.streams.some((s) => (s.type === 'video' && !s.attachedPic) || s.type === 'audio');
  const decoded =
    hasMedia && length > 0 ? await checkDecode(input, decodeWindows(startTime ?? 0, length), { ...opts, bins: { ffprobe: ffprobeOf(opts) } }) : null;
  return {
    probe: { ...parsed, presentDuration, startTime, demux: opts.demux ?? null, decode: decoded?.check ?? null },
    firstFramePos: decoded?.firstFramePos ?? null,
  };
};

/**
 * ffprobe -show_format -show_streams, parsed, plus presentDuration,
 * startTime and a decode check of a few seconds at the start, middle and end.
 * Throws: AppError not_found (no such file), corrupt (empty, or ffprobe
 * cannot read it; an FfmpegError with the stderr tail), unrecoverable
 * (timeout), unavailable (no ffprobe), invalid_state (aborted).
 */
export const probeFile = async (input: string, opts: ProbeOptions = {}): Promise<Probe> => (await inspect(input, opts)).probe;

interface Attempt {
  probe: Probe | null;
  verdict: ProbeVerdict;
  firstFramePos?: number | null;
}

const attempt = async (input: string, opts: ProbeOptions): Promise<Attempt> => {
  try {
    const r = await inspect(input, opts);
    return { ...r, verdict: classifyProbe(r.probe) };
  } catch (e) {
    if (isAppError(e, 'invalid_state') || isAppError(e, 'unavailable')) throw e;
    if (e instanceof AppError) return { probe: null, verdict: classifyProbe(null, e.message) };
    const message = e instanceof Error ? e.message : String(e);
    return { probe: null, verdict: classifyProbe(null, `the file cannot be read: ${message}`) };
  }
};

/**
 * Pure: for a file that fails to decode at first but then has good frames,
 * the same demuxer started at the first good frame (the bytes before it were
 * junk). Null when that does not apply.
 */
export const recoveryOf = (a: Pick<Attempt, 'probe' | 'verdict' | 'firstFramePos'>): DemuxOptions | null => {
  const p = a.probe;
  if (a.verdict.status !== 'invalid' || !p?.decode || p.decode.errors === 0 || !a.firstFramePos) return null;
  if (p.demux && p.demux.skipInitialBytes > 0) return null;
  const format = p.demux?.format ?? demuxerName(p.container);
  return format ? { format, skipInitialBytes: a.firstFramePos } : null;
};

/**
 * Pure: the attempt to keep. A ready one that decodes with the fewest errors,
 * the earliest on a tie (ffprobe's own sniffing comes first); when none is
 * ready, the first, whose reason describes the file as ffmpeg sees it.
 */
export const pickAttempt = <A extends Pick<Attempt, 'probe' | 'verdict'>>(tried: readonly A[]): A => {
  let best: A | null = null;
  for (const a of tried) {
    if (a.verdict.status !== 'ready') continue;
    if (!best || errorShare(a.probe?.decode) < errorShare(best.probe?.decode)) best = a;
  }
  return best ?? tried[0]!;
};

/**
 * probeFile then classifyProbe. Anything wrong with the input becomes an
 * invalid verdict with a sentence; only a cancel (invalid_state) and a
 * missing ffprobe (unavailable) are thrown.
 * Without `opts.demux`, a file is also opened with the demuxer its extension
 * names when ffprobe's sniffing picked another, and a file whose start does
 * not decode is tried again from its first good frame; the cleanest reading
 * wins and its probe's `demux` says how to open the file from then on.
 */
export const probeAndClassify = async (input: string, opts: ProbeOptions = {}): Promise<{ probe: Probe | null; verdict: ProbeVerdict }> => {
  if (opts.demux) {
    const { probe, verdict } = await attempt(input, opts);
    return { probe, verdict };
  }
  const sniffed = await attempt(input, opts);
  const tried = [sniffed];
  const byExtension = demuxerForExtension(extensionOf(input));
  if (byExtension && !(sniffed.probe && isDemuxer(sniffed.probe.container, byExtension))) {
    tried.push(await attempt(input, { ...opts, demux: { format: byExtension, skipInitialBytes: 0 } }));
  }
  const seen = new Set<string>();
  for (const a of [...tried]) {
    const demux = recoveryOf(a);
    if (!demux || seen.has(`${demux.format}@${demux.skipInitialBytes}`)) continue;
    seen.add(`${demux.format}@${demux.skipInitialBytes}`);
    tried.push(await attempt(input, { ...opts, demux }));
  }
  const { probe, verdict } = pickAttempt(tried);
  return { probe, verdict };
};

/**
 * Keyframe times of one video stream (`streamIndex`, the ffprobe index, or
 * the first video stream), in seconds, ascending, on the timeline that
 * ffmpeg's input `-ss` and Probe.duration use: the packet pts minus the
 * container's start_time. Raw pts would be off by that start (1.5 s in a
 * typical MPEG-TS), and `-ss` counts from the start. Empty for no video.
 */
export const keyframeTimes = async (input: string, opts: ProbeOptions & { streamIndex?: number } = {}): Promise<number[]> => {
  const pts: number[] = [];
  let start = 0;
  const r = await runFfprobeLines(
    [
      '-select_streams',
      opts.streamIndex === undefined ? 'v:0' : String(opts.streamIndex),
      // The format section is printed after the packets, as its own line.
      '-show_entries',
      'packet=pts_time,flags:format=start_time',
      '-of',
      'compact=p=0',
      ...inputArgs(input, opts.demux),
    ],
    (line) => {
      const formatStart = field(line, 'start_time');
      if (formatStart !== undefined) start = time(formatStart) ?? 0;
      else if (field(line, 'flags')?.includes('K')) {
        const t = time(field(line, 'pts_time'));
        if (t !== null) pts.push(t);
      }
    },
    { signal: opts.signal, timeoutMs: opts.timeoutMs, bin: ffprobeOf(opts) },
  );
  if (r.timedOut) throw ffmpegError('unrecoverable', 'the keyframe scan did not finish in time', r.stderrTail, null);
  if (r.exitCode !== 0) throw ffmpegError('corrupt', ffmpegReason(r.stderrTail, r.exitCode, 'ffprobe'), r.stderrTail, r.exitCode);
  const times = pts.map((t) => Math.round((t - start) * 1e6) / 1e6).sort((a, b) => a - b);
  return times.filter((t, i) => i === 0 || t !== times[i - 1]);
};
