/**
 * The pure half of the `transcode` job kind: what a job encodes (ladder,
 * frame grid, thumbnails, audio) and how it splits into chunks, from its
 * params alone. kind.ts runs the chunks; package.ts packages.
 */
import { AppError } from '../../errors.ts';
import type { ChunkSpec } from '../../events/job.ts';
import { planFrameChunks } from '../../media/chunks.ts';
import { fpsFraction, frameAt, segmentFrames, type Fraction } from '../../media/frame-grid.ts';
import { outputFps, planLadder } from '../../media/ladder.ts';
import { planThumbnails, type ThumbnailPlan } from '../../media/sprites.ts';
import type { PlannedRung } from '../../types/media.ts';
import { outputDuration, rangeStart, type TranscodeParams } from './params.ts';
import { subtitleChunkSpec, type SubtitleChunkResult, type SubtitleChunkSpec } from './subtitles.ts';

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
  /** A fork's chunk whose rungs are reused (these, recorded by its parent): only its thumbnails are made. */
  reuseRungs?: { name: string; segments: SegmentRef[] }[];
};
export type AudioChunkSpec = { type: 'audio'; weight: number };
/** What a transcode chunk does: a range of video (every rung and the thumbnails), the subtitles, or the whole audio track. */
export type TranscodeChunkSpec = VideoChunkSpec | AudioChunkSpec | SubtitleChunkSpec;
export type TranscodeChunk = ChunkSpec<TranscodeChunkSpec>;

export interface SegmentRef {
  key: string;
  duration: number;
  bytes: number;
}

export type ChunkResult =
  /** `thumbs`: keys of the chunk's thumbnail frames (`.../thumbs/t/t_<index>.jpg`). */
  | { type: 'video'; start: number; end: number; rungs: { name: string; segments: SegmentRef[] }[]; thumbs: string[] }
  | { type: 'audio'; segments: SegmentRef[] }
  | { type: 'audio-file'; key: string; bytes: number }
  | SubtitleChunkResult;

/** Pure: the ladder this job encodes (empty when it encodes no video). */
export const ladderOf = (p: TranscodeParams): PlannedRung[] => {
  const v = p.preset.video;
  if (!v || p.source.videoStream === null || (p.preset.output !== 'hls' && p.preset.output !== 'mp4')) return [];
  return planLadder(v, {
    displayWidth: p.source.displayWidth!,
    displayHeight: p.source.displayHeight!,
    fps: outputFps(p.source.fps, p.source.avgFps, v.maxFps),
  });
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
export const encoderThreads = (parallel: number, cores: number, balanced = true): number | null =>
  // Chunks of unequal length (segment boundaries do not always split a short
  // input evenly: 30 s of 6 s segments is 18 + 12 s) leave a core idle once
  // the short one ends; multi-threaded encoders let the long one take it.
  parallel >= 2 && balanced ? Math.max(1, Math.floor(cores / parallel)) : null;

/** Pure: whether chunk lengths are within 10 % of each other (then each chunk keeps to its own core). */
export const balancedChunks = (lengths: readonly number[]): boolean => lengths.length < 2 || Math.max(...lengths) <= 1.1 * Math.min(...lengths);

/** Pure: the output frame grid of a job that encodes video. */
export const gridOf = (p: TranscodeParams): Fraction => fpsFraction(fpsOf(p));

/** Pure: the thumbnails of a plan whose times fall in a video chunk's range (the last chunk takes any past its end). */
export const thumbsInChunk = (plan: ThumbnailPlan | null, c: { start: number; end: number }, last: boolean): VideoChunkSpec['thumbs'] => {
  if (!plan) return null;
  const inChunk = plan.times.map((time, i) => ({ time, i })).filter(({ time }) => time >= c.start && (time < c.end || last));
  return inChunk.length > 0 ? { first: inChunk[0]!.i, count: inChunk.length } : null;
};

/** Pure: the chunk plan. Video chunks are ranges of the output frame grid, cut on segment boundaries. */
export const planTranscode = (p: TranscodeParams, workers: number, cores: number | null = navigator.hardwareConcurrency): TranscodeChunk[] => {
  const rungs = ladderOf(p);
  const thumbs = thumbnailsOf(p);
  const duration = outputDuration(p);
  const specs: TranscodeChunk[] = [];
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
    // Cores unknown (a configured pool): each encoder picks its own threads.
    const threads = cores === null ? null : encoderThreads(Math.min(workers, chunks.length), cores, balancedChunks(chunks.map((c) => c.end - c.start)));
    for (const c of chunks) {
      const t = thumbsInChunk(thumbs, c, c.n === chunks.length - 1);
      const spec: VideoChunkSpec = {
        type: 'video',
        start: c.start,
        end: c.end,
        startFrame: c.startFrame,
        frames: c.frames,
        weight: (c.end - c.start) * pixels,
        thumbs: t,
        threads,
      };
      specs.push({ n: c.n, spec });
    }
  }
  const subs = subtitleChunkSpec(p);
  if (subs) specs.push({ n: specs.length, spec: subs });
  if (audioOutputOf(p)) {
    const spec: AudioChunkSpec = { type: 'audio', weight: duration * 0.03 };
    specs.push({ n: specs.length, spec });
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

/** Pure: the span of the source a video chunk covers (its output seconds moved by the trim's start), with its thumbnails once it ran. */
export const sourceSpanOf = (chunk: TranscodeChunk, result: unknown, p: Pick<TranscodeParams, 'range'>) => {
  if (chunk.spec.type !== 'video') return null;
  const at = rangeStart(p);
  const r = result as ChunkResult | undefined;
  return { start: at + chunk.spec.start, end: at + chunk.spec.end, thumbs: r?.type === 'video' ? r.thumbs : [] };
};
