/**
 * The `transcode` job kind: a source and a preset become an HLS ladder, an
 * MP4 rendition, an audio extract or thumbnails.
 * - plan: the ladder for this source, keyframe-aligned time chunks (one per
 *   worker and more for long inputs), plus one chunk for the audio track;
 * - run: a video chunk is one ffmpeg process that decodes its time range
 *   once and encodes every rung (and the thumbnails) from it; the audio
 *   chunk encodes the whole track once; outputs go to deterministic keys
 *   under the attempt's prefix, so a chunk run twice writes the same files;
 * - finish (transcode-package.ts): playlists, master, sprites, MP4 join.
 */
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import type { ChunkSpec } from '../events/job.ts';
import type { Binaries } from '../media/binaries.ts';
import { planFrameChunks } from '../media/chunks.ts';
import { audioArgs, videoChunkArgs, type RungOutput } from '../media/encode-args.ts';
import { runFfmpeg } from '../media/ffmpeg.ts';
import { parseMediaPlaylist } from '../media/hls.ts';
import { fpsFraction, frameAt, segmentFrames, type Fraction } from '../media/frame-grid.ts';
import { outputFps, planLadder } from '../media/ladder.ts';
import { planThumbnails, type ThumbnailPlan } from '../media/sprites.ts';
import type { PlannedRung, Preset } from '../media/types.ts';
import { toolInput, type Storage } from '../storage/index.ts';
import type { JobContext, JobKind, WorkContext } from './kinds.ts';
import { discardOutputs, finishTranscode } from './transcode-package.ts';
import { recheckSource } from './transcode-source.ts';
import { checkPresetFitsSource, outputDuration, outputPrefix, rangeStart, validateTranscodeParams, type TranscodeParams } from './transcode-params.ts';

export interface TranscodeDeps {
  input: Storage;
  output: Storage;
  bins: () => Binaries;
  /** Local scratch space; each chunk works in its own folder and removes it. */
  workDir: string;
  /** Chunks that run at once: the plan makes whole rounds of them. */
  workers: number;
  /** Built-in or user preset by id (for a fork that names another preset). */
  findPreset?: (id: string) => Preset | null;
}

/** Pure: what decides the bytes a chunk makes; names and descriptions do not. */
const encodingOf = (p: Record<string, unknown>) => {
  const preset = (p.preset ?? {}) as Partial<Preset>;
  return JSON.stringify([p.inputKey, p.source, preset.output, preset.video, preset.audio, preset.segmentSeconds, preset.thumbnails]);
};

export type VideoChunkSpec = {
  type: 'video';
  /** Output seconds (from the output's start, which is the trimmed range's start). */
  start: number;
  end: number;
  /** The chunk's frames on the output grid (absent on jobs planned before frame-exact chunks: derived from start/end). */
  startFrame?: number;
  frames?: number | null;
  weight: number;
  thumbs: { first: number; count: number } | null;
  /** x264 threads per encoder: null lets x264 decide (one chunk alone has every core). */
  threads?: number | null;
};
export type AudioChunkSpec = { type: 'audio'; weight: number };

export interface SegmentRef {
  key: string;
  duration: number;
  bytes: number;
}

export type ChunkResult =
  /** `thumbs`: keys of the chunk's thumbnail frames (`.../thumbs/t/t_<index>.jpg`). */
  | { type: 'video'; start: number; end: number; rungs: { name: string; segments: SegmentRef[] }[]; thumbs: string[] }
  | { type: 'audio'; segments: SegmentRef[] }
  | { type: 'audio-file'; key: string; bytes: number };

/** Pure: the ladder this job encodes (empty when it encodes no video). */
export const ladderOf = (p: TranscodeParams): PlannedRung[] => {
  const v = p.preset.video;
  if (!v || p.source.videoStream === null || (p.preset.output !== 'hls' && p.preset.output !== 'mp4')) return [];
  return planLadder(v, { displayWidth: p.source.displayWidth!, displayHeight: p.source.displayHeight!, fps: outputFps(p.source.fps, p.source.avgFps, v.maxFps) });
};

export const fpsOf = (p: TranscodeParams): number => outputFps(p.source.fps, p.source.avgFps, p.preset.video?.maxFps ?? 60);

/** Pure: the thumbnail plan, or null when the job makes none. */
export const thumbnailsOf = (p: TranscodeParams): ThumbnailPlan | null => {
  const t = p.preset.thumbnails;
  if (!t || p.source.videoStream === null) return null;
  return planThumbnails(outputDuration(p), t, { width: p.source.displayWidth!, height: p.source.displayHeight! });
};

/** Pure: whether the job encodes the audio track, and into what. */
export const audioOutputOf = (p: TranscodeParams): 'hls' | 'm4a' | null => {
  if (!p.preset.audio || p.source.audioStream === null) return null;
  if (p.preset.output === 'hls') return 'hls';
  if (p.preset.output === 'mp4' || p.preset.output === 'audio') return 'm4a';
  return null;
};

/**
 * Pure: x264 threads per encoder when `parallel` chunk processes share
 * `cores`. ffmpeg 5.1 encodes a process's rungs one after another on its
 * main thread; with one chunk per core, single-threaded encoders keep every
 * core busy without x264's frame-threading overhead (measured: 3-5% faster
 * than letting each encoder start a thread per core).
 */
export const encoderThreads = (parallel: number, cores: number): number | null => (parallel >= 2 ? Math.max(1, Math.floor(cores / parallel)) : null);

/** Pure: the output frame grid of a job that encodes video. */
export const gridOf = (p: TranscodeParams): Fraction => fpsFraction(fpsOf(p));

/** Pure: the chunk plan. Video chunks are ranges of the output frame grid, cut on segment boundaries. */
export const planTranscode = (p: TranscodeParams, workers: number, cores = navigator.hardwareConcurrency): ChunkSpec[] => {
  const rungs = ladderOf(p);
  const thumbs = thumbnailsOf(p);
  const duration = outputDuration(p);
  const specs: ChunkSpec[] = [];
  if (rungs.length > 0 || thumbs) {
    const seg = p.preset.segmentSeconds;
    const fps = gridOf(p);
    const chunks = planFrameChunks({
      duration,
      totalFrames: Math.max(1, frameAt(duration, fps)),
      fps,
      segmentFrames: segmentFrames(seg, fps),
      capLast: p.range != null,
      workers,
      minChunkSeconds: Math.max(10, 2 * seg),
      maxChunkSeconds: 120,
    });
    // Encoding cost grows with pixels: weight chunks by seconds x ladder size, for progress.
    const pixels = rungs.reduce((a, r) => a + r.width * r.height, 0) / (1920 * 1080) + 0.05;
    const threads = encoderThreads(Math.min(workers, chunks.length), cores);
    for (const c of chunks) {
      let t: VideoChunkSpec['thumbs'] = null;
      if (thumbs) {
        const inChunk = thumbs.times.map((time, i) => ({ time, i })).filter(({ time }) => time >= c.start && (time < c.end || c.n === chunks.length - 1));
        if (inChunk.length > 0) t = { first: inChunk[0]!.i, count: inChunk.length };
      }
      const spec: VideoChunkSpec = { type: 'video', start: c.start, end: c.end, startFrame: c.startFrame, frames: c.frames, weight: (c.end - c.start) * pixels, thumbs: t, threads };
      specs.push({ n: c.n, spec: spec as unknown as Record<string, unknown> });
    }
  }
  if (audioOutputOf(p)) {
    const spec: AudioChunkSpec = { type: 'audio', weight: duration * 0.03 };
    specs.push({ n: specs.length, spec: spec as unknown as Record<string, unknown> });
  }
  if (specs.length === 0) throw new AppError('validation', `preset ${p.preset.id} makes no output from this asset`);
  return specs;
};

/** Pure: a video chunk's frame range, also for chunks planned before frame-exact chunks (by seconds). */
export const chunkFrames = (p: TranscodeParams, c: VideoChunkSpec): { startFrame: number; frames: number | null } => {
  if (c.startFrame !== undefined && c.frames !== undefined) return { startFrame: c.startFrame, frames: c.frames };
  const fps = gridOf(p);
  const startFrame = frameAt(c.start, fps);
  const last = c.end >= outputDuration(p) - 1e-3;
  return { startFrame, frames: last && p.range == null ? null : frameAt(c.end, fps) - startFrame };
};


const chunkDir = (d: TranscodeDeps, ctx: JobContext, name: string) => join(d.workDir, ctx.jobId, `a${ctx.attempt}`, name);

const checkInput = async (d: TranscodeDeps, key: string) => {
  if (!(await d.input.stat(key))) throw new AppError('unrecoverable', `the input ${key} is no longer in the input store`);
};

const runVideoChunk = async (d: TranscodeDeps, p: TranscodeParams, n: number, c: VideoChunkSpec, ctx: WorkContext): Promise<ChunkResult> => {
  const rungs = ladderOf(p);
  const thumbs = thumbnailsOf(p);
  const dir = chunkDir(d, ctx, `c${n}`);
  await rm(dir, { recursive: true, force: true });
  const outputs: RungOutput[] = [];
  const ts = p.preset.output === 'mp4';
  for (const r of rungs) {
    await mkdir(join(dir, r.name), { recursive: true });
    outputs.push({ rung: r, playlist: join(dir, r.name, ts ? `c${n}.ts` : `c${n}.m3u8`), segmentPattern: join(dir, r.name, `c${n}_%03d.ts`) });
  }
  if (c.thumbs) await mkdir(join(dir, 'thumbs'), { recursive: true });
  const { startFrame, frames } = chunkFrames(p, c);
  try {
    await checkInput(d, p.inputKey);
    const args = videoChunkArgs({
      source: {
        input: await toolInput(d.input, p.inputKey),
        streamIndex: p.source.videoStream!,
        displayWidth: p.source.displayWidth!,
        displayHeight: p.source.displayHeight!,
        hdr: p.source.hdr,
      },
      fps: gridOf(p),
      origin: rangeStart(p),
      startFrame,
      frames,
      encoderPreset: p.preset.video?.encoderPreset ?? 'veryfast',
      segmentFrames: segmentFrames(p.preset.segmentSeconds, gridOf(p)),
      container: ts ? 'ts' : 'hls',
      rungs: outputs,
      thumbs: c.thumbs && thumbs ? { ...c.thumbs, interval: thumbs.interval, width: thumbs.width, height: thumbs.height, pattern: join(dir, 'thumbs', 't_%05d.jpg') } : null,
      threads: c.threads ?? null,
    });
    await runFfmpeg(args, {
      bin: d.bins().ffmpeg,
      signal: ctx.signal,
      durationSeconds: c.end - c.start,
      onProgress: (x) => ctx.progress({ percent: x.percent, fps: x.fps, speed: x.speed, etaSeconds: x.etaSeconds }),
    });
    const prefix = outputPrefix(ctx.jobId, ctx.attempt);
    const result: Extract<ChunkResult, { type: 'video' }> = { type: 'video', start: c.start, end: c.end, rungs: [], thumbs: [] };
    for (const o of outputs) {
      const segments: SegmentRef[] = [];
      if (ts) {
        const key = `${prefix}/parts/${o.rung.name}/c${n}.ts`;
        const s = await d.output.putFile(key, o.playlist);
        segments.push({ key, duration: c.end - c.start, bytes: s.size });
      } else {
        const list = parseMediaPlaylist(await Bun.file(o.playlist).text());
        for (const seg of list.segments) {
          const key = `${prefix}/hls/${o.rung.name}/${seg.uri}`;
          const s = await d.output.putFile(key, join(dir, o.rung.name, seg.uri));
          segments.push({ key, duration: seg.duration, bytes: s.size });
        }
      }
      result.rungs.push({ name: o.rung.name, segments });
    }
    if (c.thumbs) {
      for (const f of (await readdir(join(dir, 'thumbs'))).sort()) {
        const m = /^t_(\d+)\.jpg$/.exec(f);
        if (!m) continue;
        await d.output.putFile(`${prefix}/thumbs/t/${f}`, join(dir, 'thumbs', f));
        result.thumbs.push(`${prefix}/thumbs/t/${f}`);
      }
    }
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

const runAudioChunk = async (d: TranscodeDeps, p: TranscodeParams, n: number, ctx: WorkContext): Promise<ChunkResult> => {
  const container = audioOutputOf(p)!;
  const dir = chunkDir(d, ctx, `c${n}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const prefix = outputPrefix(ctx.jobId, ctx.attempt);
  try {
    await checkInput(d, p.inputKey);
    const output = join(dir, container === 'hls' ? 'index.m3u8' : 'audio.m4a');
    await runFfmpeg(
      audioArgs({
        input: await toolInput(d.input, p.inputKey),
        streamIndex: p.source.audioStream!,
        audio: p.preset.audio!,
        segmentSeconds: p.preset.segmentSeconds,
        range: p.range ?? null,
        container,
        output,
        segmentPattern: join(dir, 'a_%03d.ts'),
      }),
      {
        bin: d.bins().ffmpeg,
        signal: ctx.signal,
        durationSeconds: outputDuration(p),
        onProgress: (x) => ctx.progress({ percent: x.percent, fps: null, speed: x.speed, etaSeconds: x.etaSeconds }),
      },
    );
    if (container === 'm4a') {
      const key = p.preset.output === 'audio' ? `${prefix}/audio/audio.m4a` : `${prefix}/parts/audio.m4a`;
      const s = await d.output.putFile(key, output);
      return { type: 'audio-file', key, bytes: s.size };
    }
    const segments: SegmentRef[] = [];
    const list = parseMediaPlaylist(await Bun.file(output).text());
    if (list.segments.length === 0) throw new AppError('unrecoverable', 'the audio track decoded to nothing');
    for (const seg of list.segments) {
      const key = `${prefix}/hls/audio/${seg.uri}`;
      const s = await d.output.putFile(key, join(dir, seg.uri));
      segments.push({ key, duration: seg.duration, bytes: s.size });
    }
    return { type: 'audio', segments };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
};

export const createTranscodeKind = (d: TranscodeDeps): JobKind => ({
  name: 'transcode',
  validate(params) {
    const p = validateTranscodeParams(params);
    checkPresetFitsSource(p);
    return p as unknown as Record<string, unknown>;
  },
  async plan(params, ctx) {
    const p = params as unknown as TranscodeParams;
    await recheckSource(d, p, ctx.signal);
    return planTranscode(p, d.workers);
  },
  async run(chunk, params, ctx) {
    const p = params as unknown as TranscodeParams;
    const spec = chunk.spec as unknown as VideoChunkSpec | AudioChunkSpec;
    return spec.type === 'video' ? runVideoChunk(d, p, chunk.n, spec, ctx) : runAudioChunk(d, p, chunk.n, ctx);
  },
  reusable: (before, after) => encodingOf(before) === encodingOf(after),
  resolveOverrides(overrides) {
    // Naming another preset brings its settings, unless the overrides give them.
    if (typeof overrides.presetId !== 'string' || overrides.preset !== undefined) return overrides;
    const preset = d.findPreset?.(overrides.presetId);
    if (!preset) throw new AppError('not_found', `no preset ${overrides.presetId}`);
    return { ...overrides, preset };
  },
  combine: (results) => results,
  finish: (combined, params, ctx) => finishTranscode(d, params as unknown as TranscodeParams, combined as ChunkResult[], ctx),
  discard: (params, ctx) => discardOutputs(d, ctx),
});
