/**
 * detect_edges: line segments and rectangular board proposals.
 *
 * On a grey copy at most `workWidth` wide: Canny, then HoughLinesP for the
 * segments. Boards are proposed two ways, because each fails where the
 * other holds: (1) pairs of long near-horizontal, near-parallel segments a
 * plausible board height apart (a board's top and bottom edges, even when
 * its sides are lost against the stands), and (2) closed edge outlines
 * whose bounding box they nearly fill and whose shape is an ad board's,
 * wide and short (a board whose top edge is shared with the stands is still
 * a hole in the edge map). Overlapping proposals are thinned by IoU.
 * Segments and boxes are in full-resolution pixels.
 */
import type { Mat } from '@techstark/opencv-js';
import type { Box, RgbFrame } from './frame.ts';
import { iou } from './frame.ts';
import { cvError, type MatScope, matScope, type OpenCv, workImage } from './mats.ts';

export interface EdgeConfig {
  workWidth: number;
  /** Gaussian blur kernel side before Canny (0: none). */
  blurPx: number;
  cannyLow: number;
  cannyHigh: number;
  /** HoughLinesP accumulator votes; shortest segment as a share of the working width; largest gap joined (working pixels). */
  houghThreshold: number;
  minLineShare: number;
  maxLineGap: number;
  /** Segments within this many degrees of horizontal can be a board's edge. */
  maxTiltDeg: number;
  /** A pair's angles may differ by at most this. */
  parallelDeg: number;
  /** Collinear pieces this far apart (share of the frame's width) are one line. */
  joinGapShare: number;
  /** Board height range and least width, as shares of the frame's height and width. */
  minBoardHeightShare: number;
  maxBoardHeightShare: number;
  minBoardWidthShare: number;
  /** Width / height range of a board. */
  minAspect: number;
  maxAspect: number;
  /** An outline must fill at least this share of its bounding box. */
  minFill: number;
  /** Proposals overlapping a better one by this IoU are dropped. */
  nmsIou: number;
  maxProposals: number;
}

export const DEFAULT_EDGE_CONFIG: Readonly<EdgeConfig> = Object.freeze({
  workWidth: 640,
  blurPx: 3,
  cannyLow: 60,
  cannyHigh: 150,
  houghThreshold: 40,
  minLineShare: 0.08,
  maxLineGap: 10,
  maxTiltDeg: 12,
  parallelDeg: 4,
  joinGapShare: 0.05,
  minBoardHeightShare: 0.015,
  maxBoardHeightShare: 0.25,
  minBoardWidthShare: 0.06,
  minAspect: 2,
  maxAspect: 40,
  minFill: 0.75,
  nmsIou: 0.6,
  maxProposals: 30,
});

/** A segment; angle in degrees in (-90, 90], 0 horizontal, positive when it falls to the right (image y grows downward). */
export interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  angle: number;
  length: number;
}

export interface BoardProposal {
  box: Box;
  source: 'lines' | 'outline';
  /** Higher is more board-like: the width shared by the pair, or the outline's fill, times the box's width share. */
  score: number;
  /** The board's tilt in degrees (segment convention), 0 for outlines. */
  angle: number;
}

export interface EdgeResult {
  segments: Segment[];
  proposals: BoardProposal[];
  /** Working pixels per full-resolution pixel. */
  scale: number;
}

const segmentOf = (x1: number, y1: number, x2: number, y2: number): Segment => {
  // Left to right, so angles of one line agree whichever end Hough gave first.
  const [ax, ay, bx, by] = x1 <= x2 ? [x1, y1, x2, y2] : [x2, y2, x1, y1];
  let angle = (Math.atan2(by - ay, bx - ax) * 180) / Math.PI;
  if (angle <= -90) angle += 180;
  return { x1: ax, y1: ay, x2: bx, y2: by, angle, length: Math.hypot(bx - ax, by - ay) };
};

/** y of a (non-vertical) segment's line at x. */
const yAt = (s: Segment, x: number): number => (s.x2 === s.x1 ? s.y1 : s.y1 + ((s.y2 - s.y1) * (x - s.x1)) / (s.x2 - s.x1));

/**
 * Pure: near-horizontal segments joined into lines. HoughLinesP returns a
 * long edge as pieces (a board's edge against noisy grass came back as
 * 100–200 px fragments), which would each be too short to pair.
 */
export const joinCollinear = (segments: readonly Segment[], frame: { width: number; height: number }, cfg: EdgeConfig): Segment[] => {
  const tol = Math.max(2, cfg.minBoardHeightShare * frame.height * 0.5);
  const maxGap = cfg.joinGapShare * frame.width;
  const lines = segments.filter((s) => Math.abs(s.angle) <= cfg.maxTiltDeg).sort((a, b) => a.x1 - b.x1);
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      const a = lines[i]!;
      const b = lines[j]!;
      if (Math.abs(a.angle - b.angle) > cfg.parallelDeg) continue;
      const gap = Math.max(a.x1, b.x1) - Math.min(a.x2, b.x2);
      if (gap > maxGap) continue;
      // b's ends must lie on a's line.
      if (Math.abs(yAt(a, b.x1) - b.y1) > tol || Math.abs(yAt(a, b.x2) - b.y2) > tol) continue;
      const right = a.x2 >= b.x2 ? a : b;
      // Sorted by x1, so a is the left end; it grew, so the rest is looked at again.
      lines[i] = segmentOf(a.x1, a.y1, right.x2, right.y2);
      lines.splice(j, 1);
      j = i;
    }
  }
  return lines;
};

/** Pure: boxes between pairs of near-horizontal segments (full-resolution segments and frame size). */
export const linePairProposals = (segments: readonly Segment[], frame: { width: number; height: number }, cfg: EdgeConfig): BoardProposal[] => {
  const flat = joinCollinear(segments, frame, cfg);
  const minH = cfg.minBoardHeightShare * frame.height;
  const maxH = cfg.maxBoardHeightShare * frame.height;
  const minW = cfg.minBoardWidthShare * frame.width;
  const out: BoardProposal[] = [];
  for (const a of flat) {
    for (const b of flat) {
      if (a === b || Math.abs(a.angle - b.angle) > cfg.parallelDeg) continue;
      const x0 = Math.max(a.x1, b.x1);
      const x1 = Math.min(a.x2, b.x2);
      const overlap = x1 - x0;
      if (overlap < minW || overlap < 0.5 * Math.min(a.x2 - a.x1, b.x2 - b.x1)) continue;
      const gap = yAt(b, (x0 + x1) / 2) - yAt(a, (x0 + x1) / 2);
      if (gap < minH || gap > maxH) continue; // b must lie below a
      const top = Math.min(yAt(a, x0), yAt(a, x1));
      const bottom = Math.max(yAt(b, x0), yAt(b, x1));
      const box = { x: Math.round(x0), y: Math.round(top), w: Math.round(overlap), h: Math.round(bottom - top) };
      const aspect = box.w / Math.max(1, box.h);
      if (aspect < cfg.minAspect || aspect > cfg.maxAspect) continue;
      out.push({ box, source: 'lines', score: overlap / frame.width, angle: (a.angle + b.angle) / 2 });
    }
  }
  return out;
};

/** Rectangles the edge map encloses: outlines (outer or hole boundaries) that nearly fill their bounding box. */
const outlineProposals = (
  { cv }: OpenCv,
  edges: Mat,
  scale: number,
  frame: { width: number; height: number },
  cfg: EdgeConfig,
  scope: MatScope,
): BoardProposal[] => {
  const closed = scope.track(new cv.Mat());
  const k = scope.track(cv.getStructuringElement(cv.MORPH_RECT, new cv.Size(3, 3)));
  cv.dilate(edges, closed, k);
  const contours = scope.track(new cv.MatVector());
  const hierarchy = scope.track(new cv.Mat());
  cv.findContours(closed, contours, hierarchy, cv.RETR_LIST, cv.CHAIN_APPROX_SIMPLE);
  const minH = cfg.minBoardHeightShare * frame.height * scale;
  const maxH = cfg.maxBoardHeightShare * frame.height * scale;
  const minW = cfg.minBoardWidthShare * frame.width * scale;
  const out: BoardProposal[] = [];
  const n = contours.size();
  for (let i = 0; i < n; i++) {
    const c = contours.get(i);
    try {
      const r = cv.boundingRect(c);
      const aspect = r.width / Math.max(1, r.height);
      if (r.width < minW || r.height < minH || r.height > maxH || aspect < cfg.minAspect || aspect > cfg.maxAspect) continue;
      const fill = cv.contourArea(c) / (r.width * r.height);
      if (fill < cfg.minFill) continue;
      // The dilation ate a pixel off each side of a hole: give it back.
      const box = {
        x: Math.max(0, Math.round((r.x - 1) / scale)),
        y: Math.max(0, Math.round((r.y - 1) / scale)),
        w: Math.round((r.width + 2) / scale),
        h: Math.round((r.height + 2) / scale),
      };
      out.push({ box, source: 'outline', score: Math.min(1, fill) * (box.w / frame.width), angle: 0 });
    } finally {
      c.delete();
    }
  }
  return out;
};

/** Pure: the best proposals, each overlapping no better one by nmsIou or more. */
export const thinProposals = (all: readonly BoardProposal[], nmsIou: number, max: number): BoardProposal[] => {
  const kept: BoardProposal[] = [];
  for (const p of [...all].sort((a, b) => b.score - a.score)) {
    if (kept.length >= max) break;
    if (kept.every((k) => iou(k.box, p.box) < nmsIou)) kept.push(p);
  }
  return kept;
};

/** Segments and board proposals of one frame. */
export const detectEdges = (ocv: OpenCv, frame: RgbFrame, overrides: Partial<EdgeConfig> = {}): EdgeResult => {
  const cfg: EdgeConfig = { ...DEFAULT_EDGE_CONFIG, ...overrides };
  const { cv } = ocv;
  const scope = matScope();
  try {
    const work = workImage(ocv, frame, cfg.workWidth, scope);
    const gray = scope.track(new cv.Mat());
    cv.cvtColor(work.mat, gray, cv.COLOR_RGB2GRAY);
    if (cfg.blurPx > 1) cv.GaussianBlur(gray, gray, new cv.Size(cfg.blurPx, cfg.blurPx), 0);
    const edges = scope.track(new cv.Mat());
    cv.Canny(gray, edges, cfg.cannyLow, cfg.cannyHigh);
    const lines = scope.track(new cv.Mat());
    cv.HoughLinesP(edges, lines, 1, Math.PI / 180, cfg.houghThreshold, Math.max(4, cfg.minLineShare * gray.cols), cfg.maxLineGap);
    const l = lines.data32S;
    const s = work.scale;
    const segments: Segment[] = [];
    for (let i = 0; i + 3 < l.length; i += 4) segments.push(segmentOf(l[i]! / s, l[i + 1]! / s, l[i + 2]! / s, l[i + 3]! / s));
    const proposals = thinProposals(
      [...linePairProposals(segments, frame, cfg), ...outlineProposals(ocv, edges, s, frame, cfg, scope)],
      cfg.nmsIou,
      cfg.maxProposals,
    );
    return { segments, proposals, scale: s };
  } catch (e) {
    throw cvError(ocv, e);
  } finally {
    scope.free();
  }
};

/**
 * Pure: the length-weighted mean angle of the near-horizontal segments whose
 * middle lies in the box, or null when none does: how far a board's text
 * is tilted.
 */
export const dominantAngle = (segments: readonly Segment[], box: Box, maxTiltDeg = DEFAULT_EDGE_CONFIG.maxTiltDeg): number | null => {
  let sum = 0;
  let weight = 0;
  for (const s of segments) {
    const mx = (s.x1 + s.x2) / 2;
    const my = (s.y1 + s.y2) / 2;
    if (Math.abs(s.angle) > maxTiltDeg || mx < box.x || mx > box.x + box.w || my < box.y || my > box.y + box.h) continue;
    sum += s.angle * s.length;
    weight += s.length;
  }
  return weight > 0 ? sum / weight : null;
};
