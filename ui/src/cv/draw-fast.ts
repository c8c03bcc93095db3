/**
 * A fast-path result drawn over its frame on a canvas: the field mask
 * tinted, not-field regions, bands and board proposals as boxes, Hough
 * segments as lines. The canvas is the frame's full resolution (CSS scales
 * it); the mask, computed at the working size, is stretched over it. What
 * to draw is worked out by pure functions (tested in draw-fast.test.ts);
 * only `drawFast` touches a canvas.
 */
import type { FastResult, Mask } from './fast-stage-core.ts';

export type Rgba = readonly [number, number, number, number];

/** Matches styles.css: field --ok, regions --warn, bands --accent, proposals --bad. */
export const COLOURS = {
  field: [63, 185, 122, 96] as Rgba,
  region: '#e0a43a',
  band: '#5b8def',
  proposal: '#e5585b',
  segment: '#f2e86d',
} as const;

export interface BoxShape {
  x: number;
  y: number;
  w: number;
  h: number;
  colour: string;
  /** Outline proposals are dashed, line-pair ones solid. */
  dashed: boolean;
}

export interface LineShape {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  colour: string;
}

/** Pure: the mask as RGBA, `tint` where it is set and transparent elsewhere. */
export const maskTint = (mask: Mask, tint: Rgba = COLOURS.field): Uint8ClampedArray<ArrayBuffer> => {
  const out = new Uint8ClampedArray(mask.width * mask.height * 4);
  for (let i = 0; i < mask.data.length; i++) {
    if (!mask.data[i]) continue;
    out.set(tint, i * 4);
  }
  return out;
};

/** Pure: the boxes and lines of a result, in frame pixels, drawn in this order (segments under boxes). */
export const shapesOf = (r: FastResult): { boxes: BoxShape[]; lines: LineShape[] } => {
  if (r.stage === 'segment_field') {
    return {
      lines: [],
      boxes: r.regions.map((g) => ({ ...g.box, colour: g.kind === 'band' ? COLOURS.band : COLOURS.region, dashed: false })),
    };
  }
  return {
    lines: r.segments.map((s) => ({ x1: s.x1, y1: s.y1, x2: s.x2, y2: s.y2, colour: COLOURS.segment })),
    boxes: r.proposals.map((p) => ({ ...p.box, colour: COLOURS.proposal, dashed: p.source === 'outline' })),
  };
};

/** Pure: a stroke that reads at the size the frame is shown (about 2 px on a 960 px wide view). */
export const strokeFor = (frameWidth: number): number => Math.max(1, Math.round(frameWidth / 480));

/** The part of CanvasRenderingContext2D drawn with (a fake records it in tests). */
export type Ctx2d = Pick<
  CanvasRenderingContext2D,
  | 'clearRect'
  | 'drawImage'
  | 'strokeRect'
  | 'beginPath'
  | 'moveTo'
  | 'lineTo'
  | 'stroke'
  | 'setLineDash'
  | 'strokeStyle'
  | 'lineWidth'
  | 'imageSmoothingEnabled'
>;

/** The tinted mask as something drawImage takes (an OffscreenCanvas where there is one). */
export const maskLayer = (mask: Mask): CanvasImageSource | null => {
  const pixels = new ImageData(maskTint(mask), mask.width, mask.height);
  const canvas =
    typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(mask.width, mask.height)
      : Object.assign(document.createElement('canvas'), { width: mask.width, height: mask.height });
  const ctx = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D | null;
  if (!ctx) return null;
  ctx.putImageData(pixels, 0, 0);
  return canvas;
};

/**
 * Draws `frame` (when given) and the result over it on a context whose
 * canvas is the frame's size. `layer` makes the mask's picture (maskLayer
 * in the browser).
 */
export const paintFast = (ctx: Ctx2d, frame: CanvasImageSource | null, r: FastResult, layer: (m: Mask) => CanvasImageSource | null = maskLayer): void => {
  ctx.clearRect(0, 0, r.width, r.height);
  if (frame) ctx.drawImage(frame, 0, 0, r.width, r.height);
  if (r.stage === 'segment_field') {
    const tint = layer(r.mask);
    // Each working pixel as a block: smoothing would blur the mask's edge into the frame.
    ctx.imageSmoothingEnabled = false;
    if (tint) ctx.drawImage(tint, 0, 0, r.width, r.height);
    ctx.imageSmoothingEnabled = true;
  }
  const width = strokeFor(r.width);
  const { boxes, lines } = shapesOf(r);
  ctx.lineWidth = Math.max(1, width * 0.67);
  ctx.setLineDash([]);
  for (const l of lines) {
    ctx.strokeStyle = l.colour;
    ctx.beginPath();
    ctx.moveTo(l.x1, l.y1);
    ctx.lineTo(l.x2, l.y2);
    ctx.stroke();
  }
  ctx.lineWidth = width;
  for (const b of boxes) {
    ctx.strokeStyle = b.colour;
    ctx.setLineDash(b.dashed ? [width * 6, width * 4] : []);
    ctx.strokeRect(b.x, b.y, b.w, b.h);
  }
  ctx.setLineDash([]);
};

/** Sizes the canvas to the frame and paints; false where the browser (or a test DOM) gives no 2D context. */
export const drawFast = (canvas: HTMLCanvasElement, frame: CanvasImageSource | null, r: FastResult): boolean => {
  if (canvas.width !== r.width) canvas.width = r.width;
  if (canvas.height !== r.height) canvas.height = r.height;
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext('2d');
  } catch {
    // happy-dom and canvas-less browsers
  }
  if (!ctx) return false;
  paintFast(ctx, frame, r);
  return true;
};
