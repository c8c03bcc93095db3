/**
 * Chunks for parallel encoding (pure): ranges of the output frame grid
 * (frame-grid.ts) whose boundaries fall on segment boundaries, each long
 * enough that process start-up and encoder warm-up stay small next to the
 * work.
 */
import type { Fraction } from './frame-grid.ts';

export interface ChunkPlanInput {
  duration: number;
  /** Chunks that run at once: the plan makes a multiple of it when it can. */
  workers: number;
  /** Shortest chunk worth a process of its own (seconds). */
  minChunkSeconds: number;
  /** Longest chunk, so progress, retries and cancellation stay fine-grained (seconds). */
  maxChunkSeconds: number;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Pure: how many chunks to aim for (before snapping to segment boundaries). */
export const chunkCount = (i: ChunkPlanInput): number => {
  if (!(i.duration > 0)) return 1;
  const workers = Math.max(1, Math.floor(i.workers));
  const most = Math.max(1, Math.floor(i.duration / i.minChunkSeconds));
  // Whole rounds of the pool, each chunk at most maxChunkSeconds.
  const rounds = Math.max(1, Math.ceil(i.duration / (workers * i.maxChunkSeconds)));
  return Math.max(1, Math.min(most, rounds * workers));
};

/** A range of the output frame grid; `frames` null: to the end of the input. */
export interface FrameChunk {
  n: number;
  startFrame: number;
  frames: number | null;
  /** Where the chunk starts and ends on the output timeline, in seconds (for progress, thumbnails, lanes). */
  start: number;
  end: number;
}

export interface FramePlanInput extends ChunkPlanInput {
  /** Frames on the output grid (its length in seconds × fps, rounded). */
  totalFrames: number;
  fps: Fraction;
  /** Frames per HLS segment: inner boundaries fall on multiples of it, so every segment but the last has its full length. */
  segmentFrames: number;
  /** Whether the last chunk stops at totalFrames (a trimmed range) or reads to the end of the input. */
  capLast: boolean;
}

/**
 * Pure: chunks covering grid frames [0, totalFrames). Each inner boundary is
 * the segment boundary nearest the even split point; the decoder of a chunk
 * starts at the source keyframe before it and drops what comes earlier (at
 * most one source GOP decoded twice per join). A split point too close to its
 * neighbours is dropped, so the plan may have fewer chunks.
 */
export const planFrameChunks = (i: FramePlanInput): FrameChunk[] => {
  const total = Math.max(0, Math.floor(i.totalFrames));
  const count = chunkCount(i);
  const seg = Math.max(1, Math.floor(i.segmentFrames));
  const minGap = Math.max(seg, Math.ceil(((i.minChunkSeconds / 2) * i.fps.num) / i.fps.den));
  const bounds: number[] = [0];
  for (let b = 1; b < count; b++) {
    const g = Math.round((total * b) / count / seg) * seg;
    if (g - bounds.at(-1)! >= minGap && total - g >= minGap) bounds.push(g);
  }
  bounds.push(total);
  const seconds = (f: number) => round6((f * i.fps.den) / i.fps.num);
  return bounds.slice(0, -1).map((startFrame, n) => {
    const last = n === bounds.length - 2;
    const endFrame = bounds[n + 1]!;
    return {
      n,
      startFrame,
      frames: last && !i.capLast ? null : endFrame - startFrame,
      start: seconds(startFrame),
      end: last ? round6(i.duration) : seconds(endFrame),
    };
  });
};
