/**
 * Frames out of a video, into Bun, as packed RGB24: one ffmpeg per pick,
 * decoding [start, end) sampled at `fps`, scaled to a target size and piped
 * as `-f rawvideo`. ffmpeg sends I420 (`-pix_fmt yuv420p`, limited range)
 * and the reader converts it to RGB24 with the video's matrix (yuv.ts):
 * half the bytes through the pipe, and the colour conversion off ffmpeg's
 * main thread, which on a 2-core machine is what kept extraction below
 * 0.9x of a bare decode. Where WebAssembly SIMD is missing ffmpeg converts
 * (`-pix_fmt rgb24`), as it did before. The frames are an async iterator pulled
 * by the consumer: frames are read only a couple ahead of it
 * (extract-reader.ts), so a slow consumer blocks ffmpeg on a full pipe (at
 * most the frame it holds, two read ahead and the pipe's 1 MiB are in
 * flight), and a consumer that stops early (`break`, a throw, an abort)
 * kills ffmpeg and awaits its exit. Each frame owns its buffer until the
 * consumer calls its `release()`, which hands the buffer back for a later
 * frame: call it once the pixels are no longer needed (not calling it is
 * correct, it only allocates more).
 */
import { AppError, errorMessage } from '../errors.ts';
import { type Binaries, resolveBinaries } from '../media/binaries.ts';
import { childEnded, childStarted } from '../media/children.ts';
import { ffmpegError, runFfprobeJson, stallError, watchStall } from '../media/ffmpeg.ts';
import { ffmpegReason } from '../media/ffmpeg-errors.ts';
import { createTail, pumpLines } from '../media/output-lines.ts';
import { inputArgs } from '../media/probe-input.ts';
import { displayRotation, parseRate } from '../media/probe-parse.ts';
import type { DemuxOptions } from '../types/media.ts';
import { type FrameSource, openFramePipe, pipeSource, streamSource } from './extract-reader.ts';
import type { FrameRef, RgbFrame } from './frame.ts';
import { i420Supported, matrixOf, type YuvMatrix } from './yuv.ts';

export interface SourceVideo {
  /** Display size: after rotation, with non-square pixels made square. */
  width: number;
  height: number;
  /** Container duration in seconds, null when unknown. */
  duration: number | null;
  /** The YUV matrix its pictures are tagged with (BT.601 when untagged, as ffmpeg takes it). */
  matrix: YuvMatrix;
  /** Full-range YUV (JPEG levels: a `yuvj` format or tagged `pc`); limited when false or unknown. */
  fullRange: boolean;
}

export interface ExtractOptions {
  input: string;
  /** Seconds from the start of the file's timeline; frames at start + k / fps for every k with that time < end. */
  start: number;
  end: number;
  /** Samples per second (the `fps` filter's rate). */
  fps: number;
  /**
   * The box the frames must fit in, keeping the aspect ratio (either side
   * alone fixes the other); never larger than the source, dimensions even.
   */
  width?: number;
  height?: number;
  signal?: AbortSignal;
  /** ffmpeg and ffprobe; resolveBinaries() when absent. */
  bins?: Binaries;
  /** The source's display size and duration when the caller already probed it (saves one ffprobe). */
  source?: SourceVideo;
  /** How the file must be opened (a probe's `demux`), null for ffmpeg's own sniffing. */
  demux?: DemuxOptions | null;
  /** ffmpeg's pid, for tests and diagnostics. */
  onSpawn?: (pid: number) => void;
  /**
   * The stall watchdog: ffmpeg sending no bytes for this long while we wait
   * for them (a consumer holding frames back does not count) means it hangs;
   * it is killed and the extraction rejects with an FfmpegStall ('unavailable').
   */
  stallMs?: number;
  /** How the pipe is read: 'worker' (the default where it can be made, else 'stream') or 'stream' (see extract-reader.ts). */
  via?: 'worker' | 'stream';
  /** Where YUV becomes RGB: 'here' (the default where WebAssembly SIMD runs) or 'ffmpeg'. */
  convert?: 'here' | 'ffmpeg';
}

export interface ExtractedFrame extends FrameRef {
  frame: RgbFrame;
  /** Gives the frame's buffer back for a later frame: `frame.data` is empty after. Call it at most once the pixels are dead. */
  release(): void;
}

const cancelled = () => new AppError('invalid_state', 'cancelled');

const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2));

/** Pure: the output size for a source and an optional bounding box (aspect kept, no upscaling, even sides). */
export const targetSize = (source: { width: number; height: number }, box: { width?: number; height?: number }): { width: number; height: number } => {
  const sw = box.width ?? Number.POSITIVE_INFINITY;
  const sh = box.height ?? Number.POSITIVE_INFINITY;
  const scale = Math.min(1, sw / source.width, sh / source.height);
  return { width: even(source.width * scale), height: even(source.height * scale) };
};

/** Pure: how many samples [start, end) holds at fps: those at start + k / fps before end. */
export const sampleCount = (start: number, end: number, fps: number): number => Math.max(0, Math.ceil((end - start) * fps - 1e-9));

/** inputArgs is written for ffprobe (the input last, bare); ffmpeg wants it after -i. */
const ffmpegInput = (input: string, demux?: DemuxOptions | null): string[] => {
  const args = inputArgs(input, demux);
  return [...args.slice(0, -1), '-i', args.at(-1)!];
};

/**
 * Pure: ffmpeg's arguments for one pick (after the binary). `pixFmt` is what
 * it writes: I420 at limited range for the reader to convert, or RGB24.
 */
export const extractArgs = (o: {
  input: string;
  start: number;
  end: number;
  fps: number;
  width: number;
  height: number;
  pixFmt: 'yuv420p' | 'rgb24';
  /** The source is full range: I420 must be brought to limited range (a swscale pass saved otherwise). */
  fullRange?: boolean;
  demux?: DemuxOptions | null;
}): string[] => [
  '-hide_banner',
  '-nostdin',
  '-nostats',
  '-loglevel',
  'warning',
  // Before -i: a keyframe seek, then ffmpeg decodes and drops the frames up
  // to `start` itself (accurate_seek), so output time 0 is exactly `start`.
  ...(o.start > 0 ? ['-ss', o.start.toFixed(6)] : []),
  ...ffmpegInput(o.input, o.demux),
  // A frame count, not -t: with -t ffmpeg 5.1 drops a sample that the fps
  // filter put inside the range (1.1 s + 2.2 s at 2 fps gave 4 of 5 frames).
  '-frames:v',
  String(sampleCount(o.start, o.end, o.fps)),
  '-map',
  '0:v:0',
  '-an',
  '-sn',
  '-dn',
  // fps first, so scaling and any conversion run only on the frames kept;
  // one swscale pass does both. I420 must come out at limited range (yuv.ts
  // assumes it): a full-range source is told so, since the scale filter
  // converts ranges only when asked. A limited one at its own size and
  // format passes the scale filter untouched, with no swscale pass at all.
  '-vf',
  `fps=${o.fps},scale=${o.width}:${o.height}:flags=bilinear${o.pixFmt === 'yuv420p' && o.fullRange ? ':out_range=tv' : ''},setsar=1,format=${o.pixFmt}`,
  '-f',
  'rawvideo',
  '-pix_fmt',
  o.pixFmt,
  'pipe:1',
];

type Json = Record<string, unknown>;

/** The first video stream's display size and the container's duration. */
export const probeSource = async (input: string, opts: { bins?: Binaries; signal?: AbortSignal; demux?: DemuxOptions | null } = {}): Promise<SourceVideo> => {
  const json = (await runFfprobeJson(
    [
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=width,height,sample_aspect_ratio,pix_fmt,color_space,color_range:stream_side_data=side_data_type,rotation:stream_tags=rotate:format=duration',
      ...inputArgs(input, opts.demux),
    ],
    { bin: opts.bins?.ffprobe, signal: opts.signal },
  )) as { streams?: Json[]; format?: Json };
  const s = json.streams?.[0];
  const w = Number(s?.width);
  const h = Number(s?.height);
  if (!s || !(w > 0) || !(h > 0)) throw new AppError('validation', `${input} has no video stream to take frames from`);
  // A non-square pixel (DVD's 720x576 at 16:15) is widened, as a player shows it.
  const sar = parseRate(typeof s.sample_aspect_ratio === 'string' ? s.sample_aspect_ratio.replace(':', '/') : undefined) ?? 1;
  const dw = Math.round(w * sar);
  const turned = displayRotation(s) % 180 !== 0;
  const duration = Number(json.format?.duration);
  return {
    width: turned ? h : dw,
    height: turned ? dw : h,
    duration: Number.isFinite(duration) && duration > 0 ? duration : null,
    matrix: matrixOf(typeof s.color_space === 'string' ? s.color_space : null),
    fullRange: s.color_range === 'pc' || String(s.pix_fmt ?? '').startsWith('yuvj'),
  };
};

const validate = (o: ExtractOptions) => {
  const bad = (m: string) => new AppError('validation', `extractFrames: ${m}`);
  if (!(Number.isFinite(o.start) && o.start >= 0)) throw bad(`start must be a number of seconds ≥ 0, got ${o.start}`);
  if (!(Number.isFinite(o.end) && o.end > o.start)) throw bad(`end must be after start (${o.start}), got ${o.end}`);
  if (!(Number.isFinite(o.fps) && o.fps > 0 && o.fps <= 240)) throw bad(`fps must be in (0, 240], got ${o.fps}`);
  for (const k of ['width', 'height'] as const) {
    const v = o[k];
    if (v !== undefined && !(Number.isInteger(v) && v >= 2)) throw bad(`${k} must be a whole number ≥ 2, got ${v}`);
  }
};

/**
 * Yields `{ seq, t, frame, release }` for the frames of [start, end) at
 * `fps`, seq counting from 0 and t = start + seq / fps. Rejects with
 * AppError 'validation' for a range past the end of the video, the
 * FfmpegError of the probe or of ffmpeg ('corrupt' / 'unrecoverable' with
 * ffmpeg's reason) for input it cannot read, an FfmpegStall when `stallMs`
 * passed with nothing from ffmpeg, and 'invalid_state' (cancelled) on abort.
 */
export async function* extractFrames(o: ExtractOptions): AsyncGenerator<ExtractedFrame, void, undefined> {
  validate(o);
  if (o.signal?.aborted) throw cancelled();
  const bins = o.bins ?? resolveBinaries();
  const source = o.source ?? (await probeSource(o.input, { bins, signal: o.signal, demux: o.demux }));
  if (source.duration !== null && o.start >= source.duration)
    throw new AppError('validation', `no frames from ${o.start} s: the video is ${source.duration.toFixed(3)} s long`);
  const { width, height } = targetSize(source, o);
  const frameBytes = width * height * 3;
  const i420 = o.convert !== 'ffmpeg' && i420Supported() ? { width, height, matrix: source.matrix } : undefined;

  if (o.signal?.aborted) throw cancelled();
  const pipe = o.via === 'stream' ? null : openFramePipe();
  let proc: Bun.Subprocess<'ignore', 'pipe' | number, 'pipe'>;
  try {
    proc = Bun.spawn([bins.ffmpeg, ...extractArgs({ ...o, width, height, pixFmt: i420 ? 'yuv420p' : 'rgb24', fullRange: source.fullRange })], {
      stdin: 'ignore',
      stdout: pipe?.write ?? 'pipe',
      stderr: 'pipe',
    });
  } catch (e) {
    pipe?.close();
    throw new AppError('unavailable', `cannot start ${bins.ffmpeg}: ${errorMessage(e)}`, { cause: e });
  }
  childStarted(proc.pid, bins.ffmpeg);
  pipe?.closeWrite();
  o.onSpawn?.(proc.pid);
  let stop: 'stopped' | 'stalled' | null = null;
  const kill = (why: 'stopped' | 'stalled' = 'stopped') => {
    stop ??= why;
    proc.kill('SIGKILL');
  };
  const onAbort = () => kill();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const tail = createTail(30, 4096);
  const stderrDone = pumpLines(proc.stderr, (l) => tail.add(l), 2048).catch(() => {});
  let frames: FrameSource | null = null;
  let watchdog: ReturnType<typeof setInterval> | null = null;
  let seq = 0;
  try {
    const from = pipe ? pipeSource(pipe, frameBytes, i420) : streamSource(proc.stdout as ReadableStream<Uint8Array>, frameBytes, i420);
    frames = from;
    // Only time spent waiting on ffmpeg counts (see FrameSource.silentMs).
    watchdog = watchStall(o.stallMs, from.silentMs, () => kill('stalled'));
    for (;;) {
      const data = await from.next();
      // Frames read before a stop are not handed out: the run ends as it was told.
      if (!data || stop || o.signal?.aborted) break;
      const frame: RgbFrame = { width, height, data };
      yield { seq, t: o.start + seq / o.fps, frame, release: () => from.release(data) };
      seq++;
    }
    const exitCode = await proc.exited;
    await stderrDone;
    if (stop === 'stalled') throw stallError(o.stallMs!, 'sent nothing', tail.text());
    if (o.signal?.aborted || stop) throw cancelled();
    if (exitCode !== 0) throw ffmpegError('unrecoverable', ffmpegReason(tail.text(), exitCode), tail.text(), exitCode);
    if (seq === 0)
      throw new AppError(
        'validation',
        `no frames in [${o.start}, ${o.end}) s of ${o.input}: the range is past the end of the video, or it has no decodable frame there`,
      );
  } finally {
    if (watchdog) clearInterval(watchdog);
    o.signal?.removeEventListener('abort', onAbort);
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await proc.exited;
    }
    childEnded(proc.pid);
    if (frames) await frames.close();
    else pipe?.close();
  }
}
