/**
 * segment_field: where the playing field is, and what is not field.
 *
 * On a copy at most `workWidth` wide: pixels in the field's HSV range
 * (OpenCV's scale: H 0–180, S and V 0–255), opened to drop specks and
 * closed to swallow the pitch's painted lines, then only green components
 * large enough to be a pitch (a green shirt or a green logo is not field).
 * Out come the field's share of the frame and candidate regions for the
 * stages after: every connected not-field region above a minimum area
 * (stands, overlays, things on the pitch) and the band just above the
 * field's top edge, where perimeter boards stand. A board often touches the
 * stands, so its region is the stands' too; the band is found per vertical
 * strip from the field's edge up to the strongest row-to-row colour change
 * (the board's top edge), or a fixed height where there is none. Boxes are
 * in full-resolution pixels.
 */
import type { Mat } from '@techstark/opencv-js';
import type { Box, Mask, RgbFrame } from './frame.ts';
import { cvError, type MatScope, matScope, type OpenCv, workImage } from './mats.ts';

export interface FieldConfig {
  /** Width the mask is computed at (the frame is never upscaled). */
  workWidth: number;
  hueMin: number;
  hueMax: number;
  satMin: number;
  valMin: number;
  /** Kernel sides (work pixels) of the opening (specks) and closing (painted lines). */
  openPx: number;
  closePx: number;
  /** A green component smaller than this share of the frame is not field. */
  minFieldShare: number;
  /** Not-field regions smaller than this share of the frame are not candidates. */
  minRegionShare: number;
  /** Vertical strips the top edge is followed in. */
  bandStrips: number;
  /** The band's height range above the edge, as shares of the frame height. */
  bandMinShare: number;
  bandMaxShare: number;
  /** Height used when no row-to-row change stands out, as a share of the frame height. */
  bandDefaultShare: number;
  /** Mean colour change (0–255) between rows that counts as a board's top edge. */
  bandEdgeDelta: number;
}

export const DEFAULT_FIELD_CONFIG: Readonly<FieldConfig> = Object.freeze({
  workWidth: 640,
  hueMin: 35,
  hueMax: 85,
  satMin: 40,
  valMin: 40,
  openPx: 3,
  closePx: 9,
  minFieldShare: 0.02,
  minRegionShare: 0.002,
  bandStrips: 8,
  bandMinShare: 0.015,
  bandMaxShare: 0.2,
  bandDefaultShare: 0.08,
  bandEdgeDelta: 30,
});

export interface FieldRegion {
  box: Box;
  /** A connected not-field region, or the band above the field's top edge. */
  kind: 'region' | 'band';
  /** Not-field pixels of a region, the box's area for a band (full-resolution pixels). */
  area: number;
}

export interface FieldResult {
  /** Share of the frame that is field (0–1). */
  share: number;
  /** The field at the working size (255 = field). */
  mask: Mask;
  /** Working pixels per full-resolution pixel. */
  scale: number;
  /** Per working column, the first field row from the top (-1 where the column has no field). */
  top: Int16Array;
  regions: FieldRegion[];
}

const toFull = (b: Box, scale: number, frame: { width: number; height: number }): Box => {
  const x = Math.max(0, Math.floor(b.x / scale));
  const y = Math.max(0, Math.floor(b.y / scale));
  return { x, y, w: Math.min(frame.width, Math.ceil((b.x + b.w) / scale)) - x, h: Math.min(frame.height, Math.ceil((b.y + b.h) / scale)) - y };
};

interface Component {
  box: Box;
  area: number;
}

/** Labels of a binary Mat: the label image (a copy) and each component's box and area (label 0 is the background). */
const components = ({ cv }: OpenCv, bin: Mat, scope: MatScope): { labels: Int32Array; parts: Component[] } => {
  const labels = scope.track(new cv.Mat());
  const stats = scope.track(new cv.Mat());
  const centroids = scope.track(new cv.Mat());
  const n = cv.connectedComponentsWithStats(bin, labels, stats, centroids, 8, cv.CV_32S);
  const s = stats.data32S;
  const parts: Component[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * 5;
    parts.push({ box: { x: s[o]!, y: s[o + 1]!, w: s[o + 2]!, h: s[o + 3]! }, area: s[o + 4]! });
  }
  return { labels: labels.data32S.slice(), parts };
};

/** The field mask at working size: the green range, cleaned, large components only. */
const fieldMask = (ocv: OpenCv, work: Mat, cfg: FieldConfig, scope: MatScope): Uint8Array => {
  const { cv } = ocv;
  const hsv = scope.track(new cv.Mat());
  cv.cvtColor(work, hsv, cv.COLOR_RGB2HSV);
  // opencv.js's inRange takes bounds only as Mats, not Scalars.
  const lo = scope.track(new cv.Mat(hsv.rows, hsv.cols, hsv.type(), [cfg.hueMin, cfg.satMin, cfg.valMin, 0]));
  const hi = scope.track(new cv.Mat(hsv.rows, hsv.cols, hsv.type(), [cfg.hueMax, 255, 255, 255]));
  const green = scope.track(new cv.Mat());
  cv.inRange(hsv, lo, hi, green);
  // Rectangular kernels: OpenCV runs them as separable row and column
  // passes (a 9 px ellipse closing took ~6x as long on a 640 wide mask).
  const openK = scope.track(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(cfg.openPx, cfg.openPx)));
  const closeK = scope.track(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(cfg.closePx, cfg.closePx)));
  cv.morphologyEx(green, green, cv.MORPH_OPEN, openK);
  cv.morphologyEx(green, green, cv.MORPH_CLOSE, closeK);
  const { labels, parts } = components(ocv, green, scope);
  const minArea = cfg.minFieldShare * hsv.rows * hsv.cols;
  const keep = parts.map((p, i) => i > 0 && p.area >= minArea);
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) if (keep[labels[i]!]) out[i] = 255;
  return out;
};

/** Per column, the first field row (-1: none). */
const topEdge = (mask: Uint8Array, w: number, h: number): Int16Array => {
  const top = new Int16Array(w).fill(-1);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      if (mask[y * w + x]) {
        top[x] = y;
        break;
      }
    }
  }
  return top;
};

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/**
 * Band boxes (working pixels) above the top edge, one per strip of columns,
 * merged across strips whose vertical ranges mostly overlap.
 */
const bands = (rgb: Uint8Array, w: number, h: number, top: Int16Array, cfg: FieldConfig): Box[] => {
  const strip = Math.max(1, Math.ceil(w / cfg.bandStrips));
  const minBand = Math.max(2, Math.round(cfg.bandMinShare * h));
  const maxBand = Math.max(minBand + 1, Math.round(cfg.bandMaxShare * h));
  const out: Box[] = [];
  for (let x0 = 0; x0 < w; x0 += strip) {
    const x1 = Math.min(w, x0 + strip);
    const cols: number[] = [];
    for (let x = x0; x < x1; x++) if (top[x]! > 0) cols.push(x);
    // A strip mostly without field, or whose field reaches the frame's top, has no band.
    if (cols.length < (x1 - x0) / 2) continue;
    const edge = median(cols.map((x) => top[x]!));
    if (edge < minBand) continue;
    // Summed colour of each row above the edge, over this strip's field columns.
    const rows = Math.min(maxBand, edge);
    const mean = new Float64Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      const y = edge - 1 - r;
      for (const x of cols) {
        const i = (y * w + x) * 3;
        mean[r * 3]! += rgb[i]!;
        mean[r * 3 + 1]! += rgb[i + 1]!;
        mean[r * 3 + 2]! += rgb[i + 2]!;
      }
    }
    let best = -1;
    let bestDelta = cfg.bandEdgeDelta * cols.length;
    for (let r = minBand; r < rows; r++) {
      const d = Math.max(
        Math.abs(mean[r * 3]! - mean[(r - 1) * 3]!),
        Math.abs(mean[r * 3 + 1]! - mean[(r - 1) * 3 + 1]!),
        Math.abs(mean[r * 3 + 2]! - mean[(r - 1) * 3 + 2]!),
      );
      if (d > bestDelta) {
        bestDelta = d;
        best = r;
      }
    }
    const height = best > 0 ? best : Math.min(rows, Math.round(cfg.bandDefaultShare * h));
    out.push({ x: cols[0]!, y: edge - height, w: cols.at(-1)! - cols[0]! + 1, h: height });
  }
  return mergeBands(out);
};

const mergeBands = (boxes: Box[]): Box[] => {
  const merged: Box[] = [];
  for (const b of boxes) {
    const last = merged.at(-1);
    const overlap = last ? Math.min(last.y + last.h, b.y + b.h) - Math.max(last.y, b.y) : 0;
    if (last && last.x + last.w >= b.x - 1 && overlap >= 0.5 * Math.min(last.h, b.h)) {
      const y = Math.min(last.y, b.y);
      const bottom = Math.max(last.y + last.h, b.y + b.h);
      merged[merged.length - 1] = { x: last.x, y, w: b.x + b.w - last.x, h: bottom - y };
    } else merged.push(b);
  }
  return merged;
};

/** Finds the field and the not-field candidate regions of one frame. */
export const segmentField = (ocv: OpenCv, frame: RgbFrame, overrides: Partial<FieldConfig> = {}): FieldResult => {
  const cfg: FieldConfig = { ...DEFAULT_FIELD_CONFIG, ...overrides };
  const { cv } = ocv;
  const scope = matScope();
  try {
    const work = workImage(ocv, frame, cfg.workWidth, scope);
    const w = work.mat.cols;
    const h = work.mat.rows;
    const field = fieldMask(ocv, work.mat, cfg, scope);
    let fieldPx = 0;
    for (let i = 0; i < field.length; i++) if (field[i]) fieldPx++;

    const notField = scope.track(new cv.Mat(h, w, cv.CV_8UC1));
    const nf = notField.data;
    for (let i = 0; i < field.length; i++) nf[i] = field[i] ? 0 : 255;
    const { parts } = components(ocv, notField, scope);
    const minArea = cfg.minRegionShare * w * h;
    const area = 1 / (work.scale * work.scale);
    const regions: FieldRegion[] = parts
      .filter((p, i) => i > 0 && p.area >= minArea)
      .sort((a, b) => b.area - a.area)
      .map((p) => ({ box: toFull(p.box, work.scale, frame), kind: 'region' as const, area: Math.round(p.area * area) }));

    const top = topEdge(field, w, h);
    if (fieldPx > 0) {
      for (const b of bands(work.mat.data, w, h, top, cfg)) {
        const box = toFull(b, work.scale, frame);
        regions.push({ box, kind: 'band', area: box.w * box.h });
      }
    }
    return { share: fieldPx / field.length, mask: { width: w, height: h, data: field }, scale: work.scale, top, regions };
  } catch (e) {
    throw cvError(ocv, e);
  } finally {
    scope.free();
  }
};
