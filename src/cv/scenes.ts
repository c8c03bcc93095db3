/**
 * filter_scenes: scene cuts, shots and a per-frame region change map.
 *
 * Each frame is summarised as a small colour thumbnail (grid × cellPx on a
 * side, area-averaged) and a coarse colour histogram. A cut is a frame
 * whose thumbnail differs from the previous one almost everywhere even
 * after the best small shift (so a pan is not a cut) and whose histogram
 * moved too, or whose structure changed outright; transitions closer
 * than a minimum shot length are one (dissolves, flashes, a shot of a few
 * frames). Nothing is ever dropped for being similar: a board appearing
 * moves a whole-frame hash by ~2 bits, so the region map is what says what
 * may be reused. A grid cell is "changed" when its thumbnail differs from
 * its content at the last frame it was marked changed (not just from the
 * previous frame), so slow drift adds up and a stage that reuses a cell's
 * results from `refSeq` reuses them for content that still looks the same.
 */
import type { Box, FrameRef, RgbFrame } from './frame.ts';

export interface SceneConfig {
  /** Cells per side of the region grid (grid × grid cells). */
  grid: number;
  /** Thumbnail pixels per cell side. */
  cellPx: number;
  /** A thumbnail pixel differs when one of its channels moved by more than this (0–255). */
  pixelDelta: number;
  /** A cell changed when at least this share of its thumbnail pixels differ. */
  cellShare: number;
  /** Largest shift (thumbnail pixels) tried when comparing whole frames, so camera motion is not a cut. */
  maxShift: number;
  /** Cut when (differing share after the best shift + histogram distance) / 2 reaches this. */
  cutThreshold: number;
  /** Cut when the differing share after the best shift alone reaches this (a cut between look-alike shots). */
  structureThreshold: number;
  /** A transition within this many seconds of the one before is part of it (a dissolve, a flash, a shot of a few frames): no new cut. */
  minShotSeconds: number;
}

export const DEFAULT_SCENE_CONFIG: Readonly<SceneConfig> = Object.freeze({
  grid: 8,
  cellPx: 6,
  pixelDelta: 24,
  cellShare: 0.05,
  maxShift: 3,
  cutThreshold: 0.55,
  structureThreshold: 0.8,
  minShotSeconds: 0.5,
});

/** What a frame is compared by: an RGB thumbnail (side × side, 3 floats a pixel) and a 64-bin colour histogram (sums to 1). */
export interface FrameSignature {
  side: number;
  rgb: Float32Array;
  hist: Float32Array;
}

export interface FrameDifference {
  /** Share of thumbnail pixels that differ after the best shift (0–1). */
  changed: number;
  /** Half the L1 distance of the histograms (0–1). */
  hist: number;
  /** (changed + hist) / 2. */
  score: number;
}

/** Pure: a frame's signature. Reads every second pixel of every second row: the thumbnail averages areas anyway. */
export const frameSignature = (frame: RgbFrame, cfg: Pick<SceneConfig, 'grid' | 'cellPx'> = DEFAULT_SCENE_CONFIG): FrameSignature => {
  const side = cfg.grid * cfg.cellPx;
  const { width: w, height: h, data } = frame;
  const sums = new Float64Array(side * side * 3);
  const counts = new Uint32Array(side * side);
  const hist = new Float32Array(64);
  const xbin = new Uint16Array(w);
  for (let x = 0; x < w; x++) xbin[x] = Math.min(side - 1, Math.floor((x * side) / w));
  let n = 0;
  for (let y = 0; y < h; y += 2) {
    const row = Math.min(side - 1, Math.floor((y * side) / h)) * side;
    for (let x = 0; x < w; x += 2) {
      const i = (y * w + x) * 3;
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      const c = row + xbin[x]!;
      sums[c * 3]! += r;
      sums[c * 3 + 1]! += g;
      sums[c * 3 + 2]! += b;
      counts[c]!++;
      hist[(r >> 6) * 16 + (g >> 6) * 4 + (b >> 6)]!++;
      n++;
    }
  }
  const rgb = new Float32Array(side * side * 3);
  for (let c = 0; c < side * side; c++) {
    const k = counts[c]! || 1;
    rgb[c * 3] = sums[c * 3]! / k;
    rgb[c * 3 + 1] = sums[c * 3 + 1]! / k;
    rgb[c * 3 + 2] = sums[c * 3 + 2]! / k;
  }
  for (let i = 0; i < 64; i++) hist[i]! /= n || 1;
  return { side, rgb, hist };
};

const pixelDiffers = (a: Float32Array, i: number, b: Float32Array, j: number, delta: number): boolean =>
  Math.abs(a[i]! - b[j]!) > delta || Math.abs(a[i + 1]! - b[j + 1]!) > delta || Math.abs(a[i + 2]! - b[j + 2]!) > delta;

/** Pure: how different two frames are as wholes (see FrameDifference). */
export const frameDifference = (
  a: FrameSignature,
  b: FrameSignature,
  cfg: Pick<SceneConfig, 'pixelDelta' | 'maxShift'> = DEFAULT_SCENE_CONFIG,
): FrameDifference => {
  const s = a.side;
  let best = 1;
  for (let dy = -cfg.maxShift; dy <= cfg.maxShift; dy++) {
    for (let dx = -cfg.maxShift; dx <= cfg.maxShift; dx++) {
      let differ = 0;
      let total = 0;
      for (let y = Math.max(0, -dy); y < s - Math.max(0, dy); y++) {
        for (let x = Math.max(0, -dx); x < s - Math.max(0, dx); x++) {
          total++;
          if (pixelDiffers(a.rgb, (y * s + x) * 3, b.rgb, ((y + dy) * s + x + dx) * 3, cfg.pixelDelta)) differ++;
        }
      }
      if (total > 0) best = Math.min(best, differ / total);
    }
  }
  let h = 0;
  for (let i = 0; i < 64; i++) h += Math.abs(a.hist[i]! - b.hist[i]!);
  const hist = h / 2;
  return { changed: best, hist, score: (best + hist) / 2 };
};

/** Pure: share of cell `cell`'s thumbnail pixels that differ between two signatures (no shift). */
export const cellChange = (a: FrameSignature, b: FrameSignature, cell: number, grid: number, pixelDelta: number): number => {
  const k = a.side / grid;
  const cx = (cell % grid) * k;
  const cy = Math.floor(cell / grid) * k;
  let differ = 0;
  for (let y = cy; y < cy + k; y++) {
    for (let x = cx; x < cx + k; x++) {
      const i = (y * a.side + x) * 3;
      if (pixelDiffers(a.rgb, i, b.rgb, i, pixelDelta)) differ++;
    }
  }
  return differ / (k * k);
};

export interface SceneStep extends FrameRef {
  /** Index of the shot this frame belongs to (0 from the first frame). */
  shot: number;
  /** This frame starts a new shot after a detected transition (false for the first frame). */
  cut: boolean;
  /** The difference to the previous frame; null for the first frame. */
  diff: FrameDifference | null;
  /** Per cell, row-major (grid × grid): 1 when its content changed since its results were last computed (every cell on a shot's first frame). */
  changed: Uint8Array;
  /** Per cell: the seq of the frame whose content this cell still shows (this frame's seq where changed). */
  refSeq: Int32Array;
}

export interface SceneTracker {
  readonly config: Readonly<SceneConfig>;
  push(ref: FrameRef, frame: RgbFrame): SceneStep;
}

/** A fold over frames in order: each push compares with the frames before it. */
export const createSceneTracker = (overrides: Partial<SceneConfig> = {}): SceneTracker => {
  const config = Object.freeze({ ...DEFAULT_SCENE_CONFIG, ...overrides });
  const cells = config.grid * config.grid;
  let prev: FrameSignature | null = null;
  // Per cell, the thumbnail as it was when the cell last counted as changed.
  let ref: FrameSignature | null = null;
  const refSeq = new Int32Array(cells).fill(-1);
  let shot = -1;
  // The start of the video is no transition: a cut may follow it at once.
  let lastTransition = Number.NEGATIVE_INFINITY;
  return {
    config,
    push(at, frame) {
      const sig = frameSignature(frame, config);
      const diff = prev ? frameDifference(prev, sig, config) : null;
      const transition = diff !== null && (diff.score >= config.cutThreshold || diff.changed >= config.structureThreshold);
      const cut = transition && at.t - lastTransition >= config.minShotSeconds;
      if (transition) lastTransition = at.t;
      const changed = new Uint8Array(cells);
      if (!prev || cut) shot++;
      if (!ref || transition) {
        // A new shot, or a transition inside one: nothing earlier applies.
        changed.fill(1);
        ref = { side: sig.side, rgb: sig.rgb.slice(), hist: sig.hist };
        refSeq.fill(at.seq);
      } else {
        for (let c = 0; c < cells; c++) {
          if (cellChange(ref, sig, c, config.grid, config.pixelDelta) < config.cellShare) continue;
          changed[c] = 1;
          refSeq[c] = at.seq;
          copyCell(sig, ref, c, config.grid);
        }
      }
      prev = sig;
      return { seq: at.seq, t: at.t, shot, cut, diff, changed, refSeq: refSeq.slice() };
    },
  };
};

const copyCell = (from: FrameSignature, to: FrameSignature, cell: number, grid: number) => {
  const k = from.side / grid;
  const cx = (cell % grid) * k;
  const cy = Math.floor(cell / grid) * k;
  for (let y = cy; y < cy + k; y++) {
    const i = (y * from.side + cx) * 3;
    to.rgb.set(from.rgb.subarray(i, i + k * 3), i);
  }
};

/** Runs a tracker over a stream of frames (e.g. extractFrames), yielding each frame with its step. */
export async function* trackScenes<F extends FrameRef & { frame: RgbFrame }>(
  frames: AsyncIterable<F>,
  overrides: Partial<SceneConfig> = {},
): AsyncGenerator<F & { scene: SceneStep }, void, undefined> {
  const tracker = createSceneTracker(overrides);
  for await (const f of frames) yield { ...f, scene: tracker.push(f, f.frame) };
}

export interface Shot {
  index: number;
  startSeq: number;
  endSeq: number;
  /** Time of the shot's first frame and of the frame after its last (or its last frame's, for the final shot). */
  start: number;
  end: number;
}

/** Pure: the shots of a run of steps, in order (frames between cuts). */
export const shotsOf = (steps: readonly SceneStep[]): Shot[] => {
  const shots: Shot[] = [];
  for (const s of steps) {
    const last = shots.at(-1);
    if (!last || last.index !== s.shot) {
      if (last) last.end = s.t;
      shots.push({ index: s.shot, startSeq: s.seq, endSeq: s.seq, start: s.t, end: s.t });
    } else {
      last.endSeq = s.seq;
      last.end = s.t;
    }
  }
  return shots;
};

/** Pure: the grid cells (row-major indices) a full-resolution box touches. */
export const cellsOf = (box: Box, frame: { width: number; height: number }, grid: number): number[] => {
  const x0 = Math.max(0, Math.floor((box.x / frame.width) * grid));
  const y0 = Math.max(0, Math.floor((box.y / frame.height) * grid));
  const x1 = Math.min(grid - 1, Math.floor(((box.x + box.w - 1) / frame.width) * grid));
  const y1 = Math.min(grid - 1, Math.floor(((box.y + box.h - 1) / frame.height) * grid));
  const out: number[] = [];
  for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) out.push(y * grid + x);
  return out;
};

/**
 * Pure: the frame whose results for `box` still hold at this step (every
 * cell the box touches unchanged since then), or null when the box must be
 * analysed again.
 */
export const reusableFrom = (step: SceneStep, box: Box, frame: { width: number; height: number }, grid: number): number | null => {
  let from = -1;
  for (const c of cellsOf(box, frame, grid)) {
    if (step.changed[c]) return null;
    from = Math.max(from, step.refSeq[c]!);
  }
  return from >= 0 ? from : null;
};
