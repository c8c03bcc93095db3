/**
 * Plain-JSON shapes of brand detection that cross the API: the brand list a
 * user uploads and the report the `compile_report` stage writes. Import-free,
 * so the UI can import them type-only. Times are seconds from the start of
 * the analysed timeline; boxes are in the full frame's pixels.
 */

/** One brand of a parsed brand list (src/work/detect/brands.ts fills the optional fields of the upload). */
export interface Brand {
  /** The display name, trimmed; unique in its list after normalisation. */
  name: string;
  /** Other spellings matched like the name (aliases under 4 characters match exactly only). */
  aliases: string[];
  /** Reference images (storage keys) for logo matching. */
  images: string[];
}

/** What a brand list upload may hold: the array itself, or `{ brands: [...] }`. */
export type BrandListInput = BrandInput[] | { brands: BrandInput[] };

export interface BrandInput {
  name: string;
  aliases?: string[];
  images?: string[];
}

/** A 3×3 cell of the frame, named by where it lies. */
export type Placement = 'top-left' | 'top' | 'top-right' | 'left' | 'centre' | 'right' | 'bottom-left' | 'bottom' | 'bottom-right';

/** One continuous exposure of one brand: [start, end) in seconds. */
export interface ReportInterval {
  brand: string;
  start: number;
  /** The last hit's time plus half a sample period (the next sample no longer showed it). */
  end: number;
  duration: number;
  /** Sampled frames that showed the brand inside the interval. */
  hits: number;
  /** Mean detection confidence (OCR confidence × match similarity); a frame showing two boards counts two detections. */
  meanConfidence: number;
  /** Mean box area ÷ frame area over the interval's detections. */
  meanScreenShare: number;
}

export interface BrandSummary {
  brand: string;
  /** Total duration of the brand's intervals. */
  exposureSeconds: number;
  /** How many intervals. */
  appearances: number;
  /** Its exposure ÷ the exposure of all brands (0 to 1; 0 when nothing was seen). */
  shareOfVoice: number;
  /** Box area ÷ frame area, over the detections in kept intervals (dropped short intervals count nowhere). */
  meanScreenShare: number;
  maxScreenShare: number;
  /** Where box centres fell: the share of detections per cell of a 3×3 grid, row by row from top-left. */
  positionGrid: number[];
  /** The most common cell (on a tie, the first in grid order). */
  placement: Placement;
  /** Mean OCR confidence of its detections (0 to 1). */
  clarity: number;
  /** Start of its first interval, end of its last. */
  firstSeen: number;
  lastSeen: number;
  /** Sampled frames that showed it, over its kept intervals. */
  hits: number;
}

export interface BrandReport {
  intervals: ReportInterval[];
  /** By exposure, largest first. */
  brands: BrandSummary[];
  /** The sum of every brand's exposure (two brands on screen at once both count). */
  totalExposureSeconds: number;
  frame: { width: number; height: number };
  settings: { samplePeriod: number; gapBridgeSeconds: number; minDurationSeconds: number };
}
