/**
 * The fast path's computing part, free of the worker and of any browser
 * API: the messages between the page and the worker, a decoded frame's
 * RGBA turned into the packed RGB the stages take, and one stage run with
 * the SERVER's own code: segmentField and detectEdges (src/cv) with the
 * options the server's engine-configs.ts makes of a stage's settings. So a
 * slider's preview and the server's record differ only where the browser
 * decodes the JPEG differently (fast-stage.parity.test.ts runs this against
 * the server's functions on a real frame).
 */
import { type BoardProposal, detectEdges, type Segment } from '../../../src/cv/edges.ts';
import { type FieldRegion, segmentField } from '../../../src/cv/field.ts';
import type { Mask, RgbFrame } from '../../../src/cv/frame.ts';
import type { OpenCv } from '../../../src/cv/mats.ts';
import { edgeOptions, fieldOptions } from '../../../src/work/detect/engine-configs.ts';

export type { BoardProposal, FieldRegion, Mask, OpenCv, RgbFrame, Segment };

/** The stages the browser can run. */
export const FAST_STAGES = ['segment_field', 'detect_edges'] as const;
export type FastStageName = (typeof FAST_STAGES)[number];

export const isFastStage = (s: string): s is FastStageName => (FAST_STAGES as readonly string[]).includes(s);

/** A stage's settings as profiles hold them (snake_case, every setting present: the stage's defaults under the run's config under the overrides). */
export type StageSettings = Record<string, unknown>;

/** What the page asks the worker: run `stage` on the frame `image` (a cached JPEG), known by `key` so the worker decodes it once. */
export interface FastRequest {
  id: number;
  key: string;
  image: Blob;
  stage: FastStageName;
  settings: StageSettings;
}

export interface FieldFast {
  stage: 'segment_field';
  /** The frame's full-resolution size (boxes are in its pixels). */
  width: number;
  height: number;
  share: number;
  /** The field at the working size (255 = field); working pixels per frame pixel in `scale`. */
  mask: Mask;
  scale: number;
  regions: FieldRegion[];
}

export interface EdgesFast {
  stage: 'detect_edges';
  width: number;
  height: number;
  scale: number;
  segments: Segment[];
  proposals: BoardProposal[];
}

export type FastResult = FieldFast | EdgesFast;

export interface FastTimings {
  /** Loading OpenCV.js, on the worker's first request only. */
  loadMs: number | null;
  /** Decoding the JPEG (0 when the worker had the frame already). */
  decodeMs: number;
  stageMs: number;
}

export type FastReply = { id: number; ok: true; result: FastResult; timings: FastTimings } | { id: number; ok: false; error: string };

/** Pure: canvas RGBA (alpha ignored: a JPEG has none) as packed RGB24. */
export const rgbaToRgb = (rgba: ArrayLike<number>, width: number, height: number): RgbFrame => {
  const n = width * height;
  if (!(width > 0 && height > 0) || rgba.length !== n * 4) throw new Error(`the decoded image holds ${rgba.length} bytes, not ${width}x${height}x4`);
  const data = new Uint8Array(n * 3);
  for (let i = 0, o = 0; i < n * 4; i += 4, o += 3) {
    data[o] = rgba[i]!;
    data[o + 1] = rgba[i + 1]!;
    data[o + 2] = rgba[i + 2]!;
  }
  return { width, height, data };
};

/** Runs one stage on a frame, as the server's step does (its settings → options through engine-configs.ts). */
export const runFastStage = (ocv: OpenCv, frame: RgbFrame, stage: FastStageName, settings: StageSettings): FastResult => {
  const { width, height } = frame;
  if (stage === 'segment_field') {
    const r = segmentField(ocv, frame, fieldOptions(settings));
    return { stage, width, height, share: r.share, mask: r.mask, scale: r.scale, regions: r.regions };
  }
  const r = detectEdges(ocv, frame, edgeOptions(settings));
  return { stage, width, height, scale: r.scale, segments: r.segments, proposals: r.proposals };
};
