/**
 * A picture of what a detection stage found on a frame: its boxes, labels,
 * lines and masks drawn over the frame, as PNG (lossless, so a reviewer sees
 * the frame's own pixels, not JPEG's idea of them around thin strokes).
 * Masks are tinted as a raw RGBA layer; everything vector (boxes, labels,
 * lines, a legend naming each layer's stage) is one SVG that sharp
 * (librsvg) rasterises. The SVG is drawn at the output size rather than the
 * frame's, so a downscaled overlay keeps strokes and text legible instead
 * of shrinking them with the frame.
 */
import sharp, { type OverlayOptions as SharpLayer } from 'sharp';
import { AppError } from '../errors.ts';
import type { Box, Mask, RgbFrame } from './frame.ts';
import { decodeImage, rawInput } from './image.ts';

export interface OverlayLayer {
  /** Name of the stage this layer shows, drawn as a small legend label. */
  stage: string;
  /** Colour as '#rrggbb'; default: a fixed palette colour per stage name (deterministic). */
  colour?: string;
  /** Rectangles in full-frame pixels, each with an optional text label (recognised text, brand name + confidence...). */
  boxes?: {
    box: Box;
    label?: string;
    /** degrees, optional: draw the box rotated about its centre (edges' convention: positive falls to the right) */
    angle?: number | null;
  }[];
  /** Line segments in full-frame pixels. */
  lines?: { x1: number; y1: number; x2: number; y2: number }[];
  /** A one-channel 0/255 mask at any size: scaled to the frame and tinted translucently with the colour (alpha ~0.35). */
  mask?: Mask;
}

export interface OverlayOptions {
  /** Output width (height keeps the aspect); default the frame's width. */
  width?: number;
}

/** Opacity of a mask's tint: the frame stays readable under it. */
export const MASK_ALPHA = 0.35;

/**
 * Colours far enough apart to tell layers apart, all bright enough to read
 * on the labels' dark background (no black, navy or grey, which also vanish
 * on typical broadcast frames).
 */
const PALETTE = ['#e6194b', '#3cb44b', '#ffe119', '#4363d8', '#f58231', '#42d4f4', '#f032e6', '#bfef45', '#fabed4', '#dcbeff', '#aaffc3', '#ffd8b1'] as const;

/** Pure: the palette colour of a stage name (FNV-1a of its UTF-16 units), the same on every run and machine. */
export const stageColour = (stage: string): string => {
  let h = 0x811c9dc5;
  for (let i = 0; i < stage.length; i++) h = Math.imul(h ^ stage.charCodeAt(i), 0x01000193) >>> 0;
  return PALETTE[h % PALETTE.length]!;
};

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

/** The layer's colour, checked: it goes into SVG attributes, so nothing but '#rrggbb' may pass. */
const colourOf = (layer: OverlayLayer): string => {
  if (layer.colour === undefined) return stageColour(layer.stage);
  if (!HEX_COLOUR.test(layer.colour)) throw new AppError('validation', `overlay colour must be '#rrggbb', got ${JSON.stringify(layer.colour)}`);
  return layer.colour.toLowerCase();
};

const rgbOf = (hex: string): [number, number, number] => [
  Number.parseInt(hex.slice(1, 3), 16),
  Number.parseInt(hex.slice(3, 5), 16),
  Number.parseInt(hex.slice(5, 7), 16),
];

/** Labels longer than this are cut with an ellipsis: a label is a hint, and a paragraph of OCR would cover the frame. */
const MAX_LABEL_CHARS = 60;

/**
 * Pure: text made safe for SVG character data and attributes. Labels are
 * recognised text, so anything can be in them: markup characters are
 * escaped, tabs and line breaks become spaces, and what XML 1.0 cannot hold
 * at all (other control characters, unpaired surrogates, U+FFFE/U+FFFF) is
 * dropped, since librsvg rejects the whole document over one such character.
 */
export const escapeXml = (text: string): string => {
  let out = '';
  let n = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x09 || c === 0x0a || c === 0x0d) {
      out += ' ';
    } else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
      continue;
    } else if (n >= MAX_LABEL_CHARS) {
      out += '…';
      break;
    } else {
      out += ch === '&' ? '&amp;' : ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : ch === '"' ? '&quot;' : ch === "'" ? '&apos;' : ch;
    }
    n++;
  }
  return out;
};

/** Pure: a number for an SVG attribute, two decimals at most (enough for sub-pixel placement, and a short document). */
const num = (v: number): string => String(Math.round(v * 100) / 100);

/** Pure: the stroke width for an image this wide: thin enough not to hide what it frames, thick enough to see when shrunk. */
export const strokeWidthFor = (width: number): number => Math.max(2, width / 400);

/** Pure: the label font size for an image this wide. */
const fontSizeFor = (width: number): number => Math.max(11, Math.round(width / 70));

/**
 * A rough text width. librsvg has no way to measure text before drawing it,
 * so the dark backgrounds are sized from the character count with a width a
 * bit above DejaVu Sans's average advance (a background a little too wide
 * looks fine; one too narrow cuts the text).
 */
const textWidth = (escapedText: string, fontSize: number): number => {
  const chars = [...escapedText.replace(/&[a-z]+;/g, '_')].length;
  return chars * fontSize * 0.62;
};

const FONT = `font-family="DejaVu Sans, Arial, Helvetica, sans-serif"`;

/** A text label on a dark rounded background, its top-left corner kept inside the image. */
const labelSvg = (x: number, y: number, text: string, colour: string, fontSize: number, size: { width: number; height: number }): string => {
  const pad = Math.round(fontSize * 0.3);
  const w = textWidth(text, fontSize) + 2 * pad;
  const h = fontSize + 2 * pad;
  const lx = Math.max(0, Math.min(x, size.width - w));
  const ly = Math.max(0, Math.min(y, size.height - h));
  return (
    `<rect x="${num(lx)}" y="${num(ly)}" width="${num(w)}" height="${num(h)}" rx="${num(pad)}" fill="#000" fill-opacity="0.7"/>` +
    `<text x="${num(lx + pad)}" y="${num(ly + pad + fontSize * 0.82)}" ${FONT} font-size="${fontSize}" fill="${colour}">${text}</text>`
  );
};

/** Pure: a box clipped to the image, or null when none of it is inside (or it is not a box at all: NaN, negative size). */
const clip = (b: Box, size: { width: number; height: number }): Box | null => {
  if (![b.x, b.y, b.w, b.h].every(Number.isFinite)) return null;
  const x = Math.max(0, b.x);
  const y = Math.max(0, b.y);
  const x2 = Math.min(size.width, b.x + b.w);
  const y2 = Math.min(size.height, b.y + b.h);
  return x2 > x && y2 > y ? { x, y, w: x2 - x, h: y2 - y } : null;
};

/** The layers with every coordinate multiplied by `s` (masks keep their own size: they are scaled when rasterised). */
const scaleLayers = (layers: readonly OverlayLayer[], s: number): readonly OverlayLayer[] =>
  s === 1
    ? layers
    : layers.map((l) => ({
        ...l,
        boxes: l.boxes?.map((b) => ({ ...b, box: { x: b.box.x * s, y: b.box.y * s, w: b.box.w * s, h: b.box.h * s } })),
        lines: l.lines?.map((g) => ({ x1: g.x1 * s, y1: g.y1 * s, x2: g.x2 * s, y2: g.y2 * s })),
      }));

/**
 * Pure: the SVG (string) for the vector parts of the layers (boxes, labels,
 * lines, legend) at the given frame size, transparent elsewhere.
 *
 * Strokes are drawn inside the box (a rectangle inset by half the stroke),
 * so an outline covers exactly the box's own edge pixels and a box at the
 * frame's edge is not half cut off. Boxes partly outside the frame are
 * clipped to it and drawn; boxes wholly outside are left out. A rotated box
 * is drawn unclipped and turned about its centre (the SVG canvas cuts what
 * falls outside). Labels sit above their box's top-left corner, or inside
 * it when there is no room above. The legend, drawn last so nothing covers
 * it, lists each layer's stage in its colour in the top-left corner.
 */
export const overlaySvg = (size: { width: number; height: number }, layers: readonly OverlayLayer[]): string => {
  const { width, height } = size;
  if (!(width > 0 && height > 0)) throw new AppError('validation', `overlay size must be positive, got ${width}x${height}`);
  const sw = strokeWidthFor(width);
  const fontSize = fontSizeFor(width);
  const parts: string[] = [];
  for (const layer of layers) {
    const colour = colourOf(layer);
    const stroke = `fill="none" stroke="${colour}" stroke-width="${num(sw)}"`;
    for (const g of layer.lines ?? []) {
      if (![g.x1, g.y1, g.x2, g.y2].every(Number.isFinite)) continue;
      parts.push(`<line x1="${num(g.x1)}" y1="${num(g.y1)}" x2="${num(g.x2)}" y2="${num(g.y2)}" ${stroke} stroke-linecap="round"/>`);
    }
    for (const { box, label, angle } of layer.boxes ?? []) {
      const turned = angle != null && Number.isFinite(angle) && angle !== 0;
      const inside = clip(box, size);
      if (!inside) continue;
      // A turned box is drawn whole, the canvas cutting what falls outside: clipping it first would move the centre it turns about.
      const b = turned ? box : inside;
      const inset = Math.min(sw / 2, b.w / 2, b.h / 2);
      const rect = `x="${num(b.x + inset)}" y="${num(b.y + inset)}" width="${num(b.w - 2 * inset)}" height="${num(b.h - 2 * inset)}"`;
      const cx = b.x + b.w / 2;
      const cy = b.y + b.h / 2;
      parts.push(turned ? `<rect ${rect} ${stroke} transform="rotate(${num(angle)} ${num(cx)} ${num(cy)})"/>` : `<rect ${rect} ${stroke}/>`);
      const text = label === undefined ? '' : escapeXml(label);
      if (text.trim() === '') continue;
      const labelH = fontSize + 2 * Math.round(fontSize * 0.3);
      const bx = turned ? Math.max(0, b.x) : b.x;
      const by = turned ? Math.max(0, b.y) : b.y;
      parts.push(labelSvg(bx, by >= labelH ? by - labelH : by + sw, text, colour, fontSize, size));
    }
  }
  const named = layers.filter((l) => escapeXml(l.stage).trim() !== '');
  if (named.length > 0) {
    const pad = Math.round(fontSize * 0.4);
    const row = Math.round(fontSize * 1.35);
    const swatch = Math.round(fontSize * 0.8);
    const names = named.map((l) => escapeXml(l.stage));
    const w = pad * 3 + swatch + Math.max(...names.map((t) => textWidth(t, fontSize)));
    const h = pad * 2 + row * named.length;
    parts.push(`<rect x="${pad}" y="${pad}" width="${num(w)}" height="${h}" rx="${pad}" fill="#000" fill-opacity="0.6"/>`);
    named.forEach((l, i) => {
      const colour = colourOf(l);
      const top = pad * 2 + row * i;
      parts.push(`<rect x="${pad * 2}" y="${num(top + (row - swatch) / 2)}" width="${swatch}" height="${swatch}" fill="${colour}"/>`);
      parts.push(
        `<text x="${pad * 3 + swatch}" y="${num(top + row / 2 + fontSize * 0.36)}" ${FONT} font-size="${fontSize}" fill="${colour}">${names[i]}</text>`,
      );
    });
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
};

/**
 * Pure: the mask's tint at the output size, packed RGBA: the colour with
 * alpha MASK_ALPHA where the mask is set, fully transparent elsewhere.
 * Sampled nearest-neighbour, because a mask is 0/255 and should stay so: a
 * linear blend would give its edge a half-tint that means nothing.
 */
export const maskTint = (mask: Mask, size: { width: number; height: number }, colour: string): Uint8Array => {
  if (!(mask.width > 0 && mask.height > 0) || mask.data.length !== mask.width * mask.height)
    throw new AppError('validation', `mask data holds ${mask.data.length} bytes, not ${mask.width}x${mask.height}`);
  const [r, g, b] = rgbOf(colour);
  const a = Math.round(MASK_ALPHA * 255);
  const { width, height } = size;
  const out = new Uint8Array(width * height * 4);
  // Each output column's mask column, computed once rather than per pixel.
  const cols = new Uint32Array(width);
  for (let x = 0; x < width; x++) cols[x] = Math.min(mask.width - 1, Math.floor(((x + 0.5) * mask.width) / width));
  for (let y = 0; y < height; y++) {
    const my = Math.min(mask.height - 1, Math.floor(((y + 0.5) * mask.height) / height)) * mask.width;
    for (let x = 0; x < width; x++) {
      if (mask.data[my + cols[x]!]! < 128) continue;
      const o = (y * width + x) * 4;
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
      out[o + 3] = a;
    }
  }
  return out;
};

/** The output size for a frame and options: the frame's, or `opts.width` wide with the frame's aspect. */
const outputSize = (frame: RgbFrame, opts: OverlayOptions): { width: number; height: number } => {
  if (opts.width === undefined || opts.width === frame.width) return { width: frame.width, height: frame.height };
  if (!(Number.isInteger(opts.width) && opts.width > 0)) throw new AppError('validation', `overlay width must be a positive integer, got ${opts.width}`);
  return { width: opts.width, height: Math.max(1, Math.round((frame.height * opts.width) / frame.width)) };
};

/**
 * Renders `frame` (a decoded RgbFrame, or encoded JPEG/PNG bytes) with the
 * layers drawn in order, as PNG bytes. Masks go under the vector parts (a
 * tint under an outline, never over it), each mask in layer order; the
 * frame is resized first and then drawn on, so `opts.width` changes the
 * picture's size, not the strokes' and labels' legibility.
 */
export const renderOverlay = async (frame: RgbFrame | Uint8Array, layers: readonly OverlayLayer[], opts: OverlayOptions = {}): Promise<Uint8Array> => {
  const f = frame instanceof Uint8Array ? await decodeImage(frame) : frame;
  if (!(f.width > 0 && f.height > 0) || f.data.length !== f.width * f.height * 3)
    throw new AppError('validation', `frame data holds ${f.data.length} bytes, not ${f.width}x${f.height}x3`);
  const size = outputSize(f, opts);
  // Colours first: a bad one should fail before any pixel work.
  const colours = layers.map(colourOf);
  let base = sharp(f.data, rawInput(f));
  if (size.width !== f.width) {
    const resized = await base.resize({ width: size.width, height: size.height, fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
    base = sharp(resized, { raw: { width: size.width, height: size.height, channels: 3 } });
  }
  const overlays: SharpLayer[] = [];
  layers.forEach((l, i) => {
    if (l.mask)
      overlays.push({
        input: Buffer.from(maskTint(l.mask, size, colours[i]!).buffer),
        raw: { width: size.width, height: size.height, channels: 4 },
        left: 0,
        top: 0,
      });
  });
  const svg = overlaySvg(size, scaleLayers(layers, size.width / f.width));
  if (layers.length > 0) overlays.push({ input: Buffer.from(svg), left: 0, top: 0 });
  // Compositing RGBA layers gives the result an alpha channel; the frame is opaque, so it goes (sharp applies this after the composite).
  const out = await (overlays.length > 0 ? base.composite(overlays) : base).removeAlpha().png().toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};
