/**
 * Crops of candidate regions, made ready for text recognition: cut from the
 * full-resolution frame (never from a stage's working copy), upscaled when
 * short (recognisers want text 32–48 px high), contrast-stretched, and
 * turned level when the region's edges say it is tilted by a small angle.
 */
import sharp, { type OutputInfo } from 'sharp';
import { AppError } from '../errors.ts';
import type { Box, RgbFrame } from './frame.ts';
import { rawInput } from './image.ts';

export { DEFAULT_PREPROCESS_CONFIG, type PreprocessConfig } from './preprocess-config.ts';
import { DEFAULT_PREPROCESS_CONFIG, type PreprocessConfig } from './preprocess-config.ts';

export interface RegionToPrepare {
  box: Box;
  /** The region's tilt in degrees (edges' convention: positive falls to the right), e.g. dominantAngle(); null: unknown. */
  angle?: number | null;
}

export interface PreparedRegion {
  /** The part of the frame cut out (the box with its padding, clipped to the frame). */
  box: Box;
  image: RgbFrame;
  /** Output pixels per frame pixel. */
  scale: number;
  /** Degrees the crop was turned by to level it (0 when not). */
  angle: number;
}

/** Pure: the box padded and clipped to the frame, or null when nothing of it is inside. */
export const clipBox = (b: Box, frame: { width: number; height: number }, pad = 0): Box | null => {
  const x = Math.max(0, Math.floor(b.x - pad));
  const y = Math.max(0, Math.floor(b.y - pad));
  const x2 = Math.min(frame.width, Math.ceil(b.x + b.w + pad));
  const y2 = Math.min(frame.height, Math.ceil(b.y + b.h + pad));
  return x2 > x && y2 > y ? { x, y, w: x2 - x, h: y2 - y } : null;
};

/** Pure: the upscale factor for a crop (1 when it is tall enough). */
export const upscaleFor = (box: Box, cfg: Pick<PreprocessConfig, 'minHeight' | 'maxScale' | 'maxWidth'>): number =>
  box.h >= cfg.minHeight ? 1 : Math.max(1, Math.min(cfg.maxScale, cfg.minHeight / box.h, cfg.maxWidth / box.w));

/**
 * Pure: the crop with its luminance stretched linearly so that its 1st and
 * 99th percentiles span 0–255, the same map on every channel (colours keep
 * their hue). Done here rather than with sharp's normalise(), which cost
 * ~10 ms a crop whatever its size.
 */
export const stretchContrast = (f: RgbFrame, low = 0.01, high = 0.99): RgbFrame => {
  const hist = new Uint32Array(256);
  const d = f.data;
  for (let i = 0; i + 2 < d.length; i += 3) hist[(d[i]! * 77 + d[i + 1]! * 150 + d[i + 2]! * 29) >> 8]!++;
  const n = d.length / 3;
  let lo = 0;
  let hi = 255;
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen <= low * n) lo = v + 1;
    if (seen >= high * n) {
      hi = v;
      break;
    }
  }
  if (hi - lo < 2) return f;
  const map = new Uint8Array(256);
  for (let v = 0; v < 256; v++) map[v] = Math.max(0, Math.min(255, Math.round(((v - lo) * 255) / (hi - lo))));
  const out = new Uint8Array(d.length);
  for (let i = 0; i < d.length; i++) out[i] = map[d[i]!]!;
  return { width: f.width, height: f.height, data: out };
};

/** Mean colour of packed RGB bytes: the background a rotation fills the corners with. */
const meanColour = (data: Uint8Array): { r: number; g: number; b: number } => {
  let r = 0;
  let g = 0;
  let b = 0;
  const n = Math.max(1, data.length / 3);
  for (let i = 0; i + 2 < data.length; i += 3) {
    r += data[i]!;
    g += data[i + 1]!;
    b += data[i + 2]!;
  }
  return { r: Math.round(r / n), g: Math.round(g / n), b: Math.round(b / n) };
};

const asFrame = ({ data, info }: { data: Buffer; info: OutputInfo }): RgbFrame => ({
  width: info.width,
  height: info.height,
  data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});

/** One region of the frame, cropped and prepared. */
export const prepareRegion = async (frame: RgbFrame, region: RegionToPrepare, overrides: Partial<PreprocessConfig> = {}): Promise<PreparedRegion> => {
  const cfg: PreprocessConfig = { ...DEFAULT_PREPROCESS_CONFIG, ...overrides };
  const box = clipBox(region.box, frame, cfg.pad);
  if (!box) throw new AppError('validation', `region ${JSON.stringify(region.box)} lies outside the ${frame.width}x${frame.height} frame`);
  const scale = upscaleFor(box, cfg);
  let p = sharp(frame.data, rawInput(frame)).extract({ left: box.x, top: box.y, width: box.w, height: box.h });
  if (scale > 1) p = p.resize({ width: Math.round(box.w * scale), height: Math.round(box.h * scale), kernel: 'cubic' });
  const cut = asFrame(await p.raw().toBuffer({ resolveWithObject: true }));
  const crop = cfg.normalise ? stretchContrast(cut) : cut;
  const tilt = region.angle ?? 0;
  if (Math.abs(tilt) < cfg.minDeskewDeg || Math.abs(tilt) > cfg.maxDeskewDeg) return { box, image: crop, scale, angle: 0 };
  // A second pass, because the corners are filled with the crop's own mean
  // colour (black or white corners would be edges a text detector sees).
  const turned = await sharp(crop.data, rawInput(crop))
    .rotate(-tilt, { background: { ...meanColour(crop.data), alpha: 1 } })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { box, image: asFrame(turned), scale, angle: -tilt };
};

/** Every region, prepared in order. */
export const prepareRegions = (frame: RgbFrame, regions: readonly RegionToPrepare[], overrides: Partial<PreprocessConfig> = {}): Promise<PreparedRegion[]> =>
  Promise.all(regions.map((r) => prepareRegion(frame, r, overrides)));
