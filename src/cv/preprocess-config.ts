/** Preprocessing's settings and defaults, apart from sharp, so settings can be read without loading it. */

export interface PreprocessConfig {
  /** Crops shorter than this (pixels) are upscaled to it. */
  minHeight: number;
  /** Largest upscale factor. */
  maxScale: number;
  /** Largest output width: a wide, short band is upscaled less rather than made huge. */
  maxWidth: number;
  /** Stretch the crop's contrast to the full range. */
  normalise: boolean;
  /** Tilts smaller than this (degrees) are left alone; larger than maxDeskewDeg are not trusted. */
  minDeskewDeg: number;
  maxDeskewDeg: number;
  /** Pixels of context added around each box (within the frame). */
  pad: number;
}

export const DEFAULT_PREPROCESS_CONFIG: Readonly<PreprocessConfig> = Object.freeze({
  minHeight: 40,
  maxScale: 4,
  maxWidth: 4096,
  normalise: true,
  minDeskewDeg: 0.5,
  maxDeskewDeg: 10,
  pad: 2,
});
