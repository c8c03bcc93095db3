/**
 * Time chunks for parallel encoding (pure). Boundaries sit on source
 * keyframes, so a chunk's ffmpeg starts decoding exactly where it begins
 * (no GOP decoded twice), and every chunk is long enough that process
 * start-up and encoder warm-up stay small next to the work.
 */

export interface TimeChunk {
  n: number;
  start: number;
  /** Exclusive; the last chunk ends at the source duration. */
  end: number;
}

export interface ChunkPlanInput {
  duration: number;
  /** Video keyframe times in seconds, sorted (empty: no video or unknown). */
  keyframes: readonly number[];
  /** Chunks that run at once: the plan makes a multiple of it when it can. */
  workers: number;
  /** Shortest chunk worth a process of its own (seconds). */
  minChunkSeconds: number;
  /** Longest chunk, so progress, retries and cancellation stay fine-grained (seconds). */
  maxChunkSeconds: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Pure: how many chunks to aim for (before snapping to keyframes). */
export const chunkCount = (i: Pick<ChunkPlanInput, 'duration' | 'workers' | 'minChunkSeconds' | 'maxChunkSeconds'>): number => {
  if (!(i.duration > 0)) return 1;
  const workers = Math.max(1, Math.floor(i.workers));
  const most = Math.max(1, Math.floor(i.duration / i.minChunkSeconds));
  // Whole rounds of the pool, each chunk at most maxChunkSeconds.
  const rounds = Math.max(1, Math.ceil(i.duration / (workers * i.maxChunkSeconds)));
  return Math.max(1, Math.min(most, rounds * workers));
};

/**
 * Pure: chunks covering [0, duration). Each inner boundary is the keyframe
 * nearest the even split point; a split point with no keyframe far enough
 * from its neighbours is dropped, so the plan may have fewer chunks.
 */
export const planTimeChunks = (i: ChunkPlanInput): TimeChunk[] => {
  const count = chunkCount(i);
  const keys = i.keyframes.filter((k) => k > 0 && k < i.duration);
  if (count <= 1 || keys.length === 0) return [{ n: 0, start: 0, end: round3(i.duration) }];
  const minGap = i.minChunkSeconds / 2;
  const bounds: number[] = [0];
  for (let b = 1; b < count; b++) {
    const target = (i.duration * b) / count;
    let best: number | null = null;
    for (const k of keys) {
      if (k - bounds.at(-1)! < minGap || i.duration - k < minGap) continue;
      if (best === null || Math.abs(k - target) < Math.abs(best - target)) best = k;
    }
    if (best !== null && best > bounds.at(-1)!) bounds.push(best);
  }
  bounds.push(i.duration);
  return bounds.slice(0, -1).map((start, n) => ({ n, start: round3(start), end: round3(bounds[n + 1]!) }));
};
