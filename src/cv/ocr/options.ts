/** Text detection's options and defaults, apart from the model code, so settings can be read without loading onnxruntime. */

export interface DetOptions {
  /** The frame is resized to this width (rounded to a multiple of 32) before detection. */
  detWidth: number;
  /** A map pixel above this is text. */
  binThreshold: number;
  /** A region whose mean probability is below this is dropped. */
  boxThreshold: number;
  /** How far a region grows back: area × ratio / perimeter, in map pixels. */
  unclipRatio: number;
  /** A region thinner than this many map pixels (before growing) is dropped. */
  minSize: number;
  /** Most regions kept from one map (the highest scores). */
  maxCandidates: number;
}

export const DET_DEFAULTS: Readonly<DetOptions> = Object.freeze({
  detWidth: 640,
  binThreshold: 0.3,
  boxThreshold: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
  maxCandidates: 1000,
});
