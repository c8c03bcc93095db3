/**
 * Pure: resampling a region of an RGB frame straight into a normalised CHW
 * float tensor, the one copy the models need. Detection and recognition
 * both go through here, so a frame is never resized into an intermediate
 * image first.
 *
 * Shrinking averages the source pixels each output pixel covers (what
 * OpenCV's INTER_AREA does), so small text in a 1280- or 1920-wide frame does
 * not alias away on the way to 640; growing interpolates between pixel
 * centres (INTER_LINEAR). At exactly 2× both are a 2×2 mean.
 */
import type { RgbFrame } from '../frame.ts';

/** For each output index along one axis, `k` source indices and weights (summing to 1; unused ones weigh 0). */
export interface AxisTaps {
  n: number;
  k: number;
  idx: Int32Array;
  w: Float32Array;
}

const clampIndex = (i: number, limit: number): number => (i < 0 ? 0 : i >= limit ? limit - 1 : i);

/** Taps mapping `n` outputs onto the source span [start, start + len) of an axis `limit` pixels long. */
export const axisTaps = (start: number, len: number, n: number, limit: number): AxisTaps => {
  const scale = len / n;
  if (scale > 1) {
    // An output covers at most ceil(scale) + 1 source pixels, often one fewer (exactly 2 at 2×): size k to the most used.
    const most = Math.ceil(scale) + 1;
    const idx = new Int32Array(n * most);
    const w = new Float32Array(n * most);
    let k = 1;
    for (let i = 0; i < n; i++) {
      const a = start + i * scale;
      const b = a + scale;
      let m = 0;
      let sum = 0;
      for (let p = Math.floor(a); p < b && m < most; p++) {
        const overlap = Math.min(b, p + 1) - Math.max(a, p);
        if (overlap <= 1e-9) continue;
        idx[i * most + m] = clampIndex(p, limit);
        w[i * most + m] = overlap;
        sum += overlap;
        m++;
      }
      for (let j = 0; j < m; j++) w[i * most + j]! /= sum;
      if (m > k) k = m;
    }
    if (k === most) return { n, k, idx, w };
    const idxK = new Int32Array(n * k);
    const wK = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      idxK.set(idx.subarray(i * most, i * most + k), i * k);
      wK.set(w.subarray(i * most, i * most + k), i * k);
    }
    return { n, k, idx: idxK, w: wK };
  }
  const idx = new Int32Array(n * 2);
  const w = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const x = start + (i + 0.5) * scale - 0.5;
    const x0 = Math.floor(x);
    const f = x - x0;
    idx[i * 2] = clampIndex(x0, limit);
    idx[i * 2 + 1] = clampIndex(x0 + 1, limit);
    w[i * 2] = 1 - f;
    w[i * 2 + 1] = f;
  }
  return { n, k: 2, idx, w };
};

/** The same taps in reverse output order: a mirrored axis (used to rotate a crop). */
export const reversedTaps = (t: AxisTaps): AxisTaps => {
  const idx = new Int32Array(t.idx.length);
  const w = new Float32Array(t.w.length);
  for (let i = 0; i < t.n; i++) {
    const from = (t.n - 1 - i) * t.k;
    idx.set(t.idx.subarray(from, from + t.k), i * t.k);
    w.set(t.w.subarray(from, from + t.k), i * t.k);
  }
  return { ...t, idx, w };
};

/** Per output channel (in tensor order): value = byte * scale + bias. */
export interface Norm {
  /** Which RGB byte feeds tensor channel 0, 1, 2: [2, 1, 0] is BGR, the order PaddleOCR trained on (OpenCV images). */
  order: readonly [number, number, number];
  scale: readonly [number, number, number];
  bias: readonly [number, number, number];
}

/** (byte / 255 - mean) / std for each tensor channel. */
export const normOf = (order: Norm['order'], mean: readonly number[], std: readonly number[]): Norm => ({
  order,
  scale: [0, 1, 2].map((c) => 1 / (255 * std[c]!)) as unknown as Norm['scale'],
  bias: [0, 1, 2].map((c) => -mean[c]! / std[c]!) as unknown as Norm['bias'],
});

export interface Target {
  /** The tensor: channel planes of `plane` floats, rows of `stride` floats. */
  out: Float32Array;
  offset: number;
  plane: number;
  stride: number;
}

/**
 * Writes rows.n × cols.n pixels into the target. Without `transpose`, output
 * rows follow the source's y axis and columns its x axis; with it, rows
 * follow x and columns y (a crop turned a quarter).
 */
export const resampleInto = (frame: RgbFrame, rows: AxisTaps, cols: AxisTaps, transpose: boolean, norm: Norm, t: Target): void => {
  const { data, width } = frame;
  const [o0, o1, o2] = norm.order;
  const [s0, s1, s2] = norm.scale;
  const [b0, b1, b2] = norm.bias;
  const { out, offset, plane, stride } = t;
  const rk = rows.k;
  const ck = cols.k;
  // Byte offsets of each tap: a pixel is at rowOff + colOff whichever axis each follows.
  const rowOff = rows.idx.map((i) => i * (transpose ? 3 : width * 3));
  const colOff = cols.idx.map((i) => i * (transpose ? width * 3 : 3));
  for (let v = 0; v < rows.n; v++) {
    const rowAt = offset + v * stride;
    for (let u = 0; u < cols.n; u++) {
      let c0 = 0;
      let c1 = 0;
      let c2 = 0;
      for (let a = v * rk; a < v * rk + rk; a++) {
        const wr = rows.w[a]!;
        const ro = rowOff[a]!;
        for (let b = u * ck; b < u * ck + ck; b++) {
          const wt = wr * cols.w[b]!;
          const p = ro + colOff[b]!;
          c0 += data[p + o0]! * wt;
          c1 += data[p + o1]! * wt;
          c2 += data[p + o2]! * wt;
        }
      }
      out[rowAt + u] = c0 * s0 + b0;
      out[plane + rowAt + u] = c1 * s1 + b1;
      out[2 * plane + rowAt + u] = c2 * s2 + b2;
    }
  }
};
