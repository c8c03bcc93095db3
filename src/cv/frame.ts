/**
 * The shapes every computer-vision step shares: a decoded frame, a box on
 * it, a mask. Boxes are always in the pixels of the full-resolution frame
 * they came from, whatever size a step worked at (a detector at 640 wide
 * scales its boxes back), so stages can pass them along without knowing
 * each other's working sizes.
 */

/** A decoded frame, packed RGB24 rows (`data.length === width * height * 3`). */
export interface RgbFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/** An axis-aligned box in full-resolution frame pixels. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** A one-channel mask, 0 or 255 per pixel, at the frame's size or a stated smaller one. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A frame of a timeline: its sequence number and its time from the timeline's start, in seconds. */
export interface FrameRef {
  seq: number;
  t: number;
}

/** Pure: the box's area in pixels. */
export const areaOf = (b: Box): number => Math.max(0, b.w) * Math.max(0, b.h);

/** Pure: the intersection over union of two boxes (0 when they do not touch). */
export const iou = (a: Box, b: Box): number => {
  const x = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const y = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  const inter = x * y;
  const union = areaOf(a) + areaOf(b) - inter;
  return union > 0 ? inter / union : 0;
};
