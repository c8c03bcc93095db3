/**
 * The crop step's geometry (pure, tested in crop-rect.test.ts): how big the
 * canvas draws an image, the rectangle a drag spans on it, and that
 * rectangle in the image's own pixels.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The canvas draws at most this many pixels on the long side (a photo of 6000 px needs no more to be cropped). */
export const MAX_CANVAS_SIDE = 2048;
/** A drag smaller than this (canvas px) is a click, not a selection. */
export const MIN_SELECTION = 4;

/** The canvas size for an image of `w`×`h`, and the scale from image to canvas pixels (≤ 1). */
export const canvasSize = (w: number, h: number, max = MAX_CANVAS_SIDE): { width: number; height: number; scale: number } => {
  const scale = Math.min(1, max / Math.max(w, h, 1));
  return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)), scale };
};

/** A point in an element's client box → canvas pixels (the canvas is scaled by CSS to fit). */
export const toCanvas = (
  clientX: number,
  clientY: number,
  box: { left: number; top: number; width: number; height: number },
  canvas: { width: number; height: number },
) => ({
  x: box.width > 0 ? ((clientX - box.left) * canvas.width) / box.width : 0,
  y: box.height > 0 ? ((clientY - box.top) * canvas.height) / box.height : 0,
});

/** The rectangle between two points (either corner first), inside the canvas. */
export const rectBetween = (a: { x: number; y: number }, b: { x: number; y: number }, canvas: { width: number; height: number }): Rect => {
  const cx = (v: number) => Math.max(0, Math.min(canvas.width, v));
  const cy = (v: number) => Math.max(0, Math.min(canvas.height, v));
  const x0 = cx(Math.min(a.x, b.x));
  const y0 = cy(Math.min(a.y, b.y));
  return { x: x0, y: y0, w: cx(Math.max(a.x, b.x)) - x0, h: cy(Math.max(a.y, b.y)) - y0 };
};

export const isSelection = (r: Rect | null): r is Rect => !!r && r.w >= MIN_SELECTION && r.h >= MIN_SELECTION;

/** A canvas rectangle in the image's pixels: whole numbers, inside the image, at least 1×1. No rectangle: the whole image. */
export const toImage = (r: Rect | null, scale: number, image: { width: number; height: number }): Rect => {
  if (!isSelection(r) || !(scale > 0)) return { x: 0, y: 0, w: image.width, h: image.height };
  const x = Math.max(0, Math.min(image.width - 1, Math.round(r.x / scale)));
  const y = Math.max(0, Math.min(image.height - 1, Math.round(r.y / scale)));
  const w = Math.max(1, Math.min(image.width - x, Math.round(r.w / scale)));
  const h = Math.max(1, Math.min(image.height - y, Math.round(r.h / scale)));
  return { x, y, w, h };
};
