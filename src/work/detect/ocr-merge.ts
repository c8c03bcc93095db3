/**
 * Pure: how the text read from a whole frame and from close crops of its
 * candidate regions becomes one list of lines in the frame's pixels.
 */
import type { Box } from '../../cv/frame.ts';
import type { OcrLine } from '../../cv/ocr/engine.ts';

/** Lines read from a crop, moved back into the frame's pixels (the crop's levelling is small and ignored). */
export const fromCrop = (lines: OcrLine[], crop: { box: Box; scale: number }): OcrLine[] =>
  lines.map((l) => ({
    ...l,
    box: { x: crop.box.x + l.box.x / crop.scale, y: crop.box.y + l.box.y / crop.scale, w: l.box.w / crop.scale, h: l.box.h / crop.scale },
  }));

export const overlap = (a: Box, b: Box) => {
  const x = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x));
  const y = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));
  return (x * y) / Math.max(1, Math.min(a.w * a.h, b.w * b.h));
};

/**
 * Close reads add the text the full frame missed; where both read the same
 * place, the full frame's line stays (a crop can cut a word, and read its
 * part with high confidence).
 */
export const mergeLines = (full: OcrLine[], crops: OcrLine[]): OcrLine[] => {
  const out = [...full];
  for (const c of crops) if (!out.some((l) => overlap(l.box, c.box) > 0.3)) out.push(c);
  return out;
};
