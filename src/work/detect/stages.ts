/**
 * The eleven stages of a detection profile, each with its config fields
 * (defaults, bounds, meaning) and whether it can run yet. The order here is
 * the pipeline's natural order: a profile without edges runs its stages in
 * it. Part 2 of detection brings objects and logos and the VLM escalations;
 * until then those stages report `skipped` with the reason below.
 */
import { DEFAULT_EDGE_CONFIG as EDGES } from '../../cv/edges.ts';
import { DEFAULT_FIELD_CONFIG as FIELD } from '../../cv/field.ts';
import { DET_DEFAULTS } from '../../cv/ocr/options.ts';
import { DEFAULT_PREPROCESS_CONFIG as PREP } from '../../cv/preprocess-config.ts';
import { DEFAULT_SCENE_CONFIG as SCENES } from '../../cv/scenes.ts';
import { type ConfigSpec, defaultsOf, jsonSchemaOf } from './config-spec.ts';
import { MATCH_DEFAULTS as MATCH } from './match.ts';
import { REPORT_DEFAULTS as REPORT } from './report.ts';

export interface StageInfo {
  name: string;
  description: string;
  /** Null when it runs; else why it is skipped. */
  unavailable: string | null;
  config: ConfigSpec;
}

export const NOT_AVAILABLE_YET = 'not available yet';

const num = (d: number, min: number, max: number, description: string) => ({ type: 'number', default: d, min, max, description }) as const;
const int = (d: number, min: number, max: number, description: string) => ({ type: 'integer', default: d, min, max, description }) as const;
const bool = (d: boolean, description: string) => ({ type: 'boolean', default: d, description }) as const;
const str = (d: string, description: string) => ({ type: 'string', default: d, maxLength: 500, description }) as const;

export const STAGES = [
  {
    name: 'extract_frames',
    description: 'Decode each pick once at the sampling rate into the frame cache (JPEG)',
    unavailable: null,
    config: {
      fps: num(2, 0.1, 30, 'frames sampled per second of source'),
      width: int(1280, 160, 3840, 'frame width in the cache (height keeps the aspect)'),
      jpeg_quality: int(85, 30, 100, 'JPEG quality of cached frames'),
    },
  },
  {
    name: 'filter_scenes',
    description: 'Scene cuts and shots, and per frame which regions changed (later stages reuse results only where a region is unchanged)',
    unavailable: null,
    config: {
      grid: int(SCENES.grid, 2, 16, 'regions per side compared between frames'),
      cut_threshold: num(SCENES.cutThreshold, 0, 1, 'whole-frame difference (after the best small shift) at which a frame starts a new shot'),
      region_share: num(SCENES.cellShare, 0, 1, "share of a region's pixels that must differ for it to count as changed"),
      min_shot_seconds: num(SCENES.minShotSeconds, 0, 10, 'a transition this soon after the last is part of it (dissolves, flashes)'),
    },
  },
  {
    name: 'segment_field',
    description: 'Playing-field mask (HSV), the field share per frame and the non-field regions as candidate areas',
    unavailable: null,
    config: {
      hue: { type: 'range', default: [FIELD.hueMin, FIELD.hueMax], min: 0, max: 180, description: 'field hue range (OpenCV scale 0-180)' },
      saturation_min: int(FIELD.satMin, 0, 255, 'least saturation of field pixels'),
      value_min: int(FIELD.valMin, 0, 255, 'least brightness of field pixels'),
      work_width: int(FIELD.workWidth, 160, 1920, 'width the mask is computed at'),
      min_region_share: num(FIELD.minRegionShare, 0, 1, 'smallest candidate region, as a share of the frame'),
    },
  },
  {
    name: 'detect_edges',
    description: 'Canny edges and Hough lines: line segments and rectangular board proposals',
    unavailable: null,
    config: {
      canny_low: int(EDGES.cannyLow, 0, 255, 'Canny low threshold'),
      canny_high: int(EDGES.cannyHigh, 0, 255, 'Canny high threshold'),
      hough_threshold: int(EDGES.houghThreshold, 1, 500, 'votes a Hough line needs'),
      min_line_share: num(EDGES.minLineShare, 0, 1, 'shortest line segment, as a share of the working width'),
      max_line_gap: int(EDGES.maxLineGap, 0, 200, 'largest gap joined within a segment (working pixels)'),
      min_board_aspect: num(EDGES.minAspect, 1, 50, 'least width ÷ height of a board proposal'),
      max_proposals: int(EDGES.maxProposals, 0, 500, 'most board proposals kept per frame'),
      work_width: int(EDGES.workWidth, 160, 1920, 'width edges are found at'),
    },
  },
  {
    name: 'detect_objects',
    description: 'Objects and logos: a YOLO-format ONNX model and matching against brand reference images',
    unavailable: NOT_AVAILABLE_YET,
    config: {
      model: str('', 'the ONNX model (a storage key or a name the inference host knows)'),
      min_confidence: num(0.4, 0, 1, 'least detection confidence'),
      logo_match: bool(true, "match crops against the brand list's reference images"),
    },
  },
  {
    name: 'preprocess',
    description: 'Crops of candidate regions and text boxes from the full-resolution frame: upscale small text, stretch contrast, deskew',
    unavailable: null,
    config: {
      min_text_height: int(PREP.minHeight, 8, 200, 'crops shorter than this are upscaled to it (px)'),
      max_scale: num(PREP.maxScale, 1, 8, 'largest upscale factor'),
      contrast: bool(PREP.normalise, 'stretch contrast'),
      deskew: bool(true, 'straighten slightly rotated boards'),
      max_deskew_degrees: num(PREP.maxDeskewDeg, 0, 45, 'largest angle corrected'),
      padding: int(PREP.pad, 0, 64, 'pixels kept around each crop'),
      max_regions: int(6, 0, 100, 'candidate regions read closely per frame (the smallest first)'),
    },
  },
  {
    name: 'ocr',
    description: 'PaddleOCR text detection and recognition (ONNX): text, box and confidence per frame',
    unavailable: null,
    config: {
      det_width: int(DET_DEFAULTS.detWidth, 320, 1920, 'width text detection runs at (recognition reads the full-resolution frame)'),
      min_confidence: num(0.5, 0, 1, 'least recognition confidence kept'),
      bin_threshold: num(DET_DEFAULTS.binThreshold, 0, 1, 'text probability threshold'),
      box_threshold: num(DET_DEFAULTS.boxThreshold, 0, 1, 'least mean probability of a text box'),
      unclip_ratio: num(DET_DEFAULTS.unclipRatio, 1, 4, 'how far a text box grows around its core'),
    },
  },
  {
    name: 'match_brands',
    description: 'Normalise text and fuzzy-match it against the brand list; word marks that match nothing become unresolved candidates',
    unavailable: null,
    config: {
      max_edits_per_5: num(MATCH.maxEditsPer5, 0, 5, 'edits allowed per 5 characters of a brand name'),
      min_similarity: num(MATCH.minSimilarity, 0, 1, 'least similarity of a match'),
      min_ocr_confidence: num(MATCH.minOcrConfidence, 0, 1, 'least OCR confidence of text considered'),
      exact_below: int(MATCH.exactBelow, 0, 20, 'names and aliases shorter than this match exactly only'),
      candidate_min_letters: int(MATCH.candidateMinLetters, 1, 20, 'letters a word mark needs to become an unresolved candidate'),
      stop_words: { type: 'strings', default: [], maxItems: 1000, maxLength: 100, description: 'more words never reported as candidates' },
    },
  },
  {
    name: 'escalate_vlm',
    description: 'Unresolved candidates to a local VLM (an OpenAI-compatible endpoint)',
    unavailable: NOT_AVAILABLE_YET,
    config: {
      endpoint: str('', 'the OpenAI-compatible base URL'),
      model: str('', 'the model name'),
      max_candidates: int(200, 0, 100000, 'most candidates sent per job'),
    },
  },
  {
    name: 'escalate_cloud',
    description: 'What the local VLM left unresolved, to a cloud VLM',
    unavailable: NOT_AVAILABLE_YET,
    config: {
      provider: { type: 'enum', default: 'anthropic', values: ['anthropic', 'gemini', 'openai', 'groq'], description: 'the provider' },
      model: str('', 'the model name'),
      max_candidates: int(50, 0, 100000, 'most candidates sent per job'),
    },
  },
  {
    name: 'compile_report',
    description: 'Hits merged into intervals per brand, with exposure, share of voice, screen share, position and clarity; JSON and CSV',
    unavailable: null,
    config: {
      gap_bridge_seconds: num(REPORT.gapBridgeSeconds, 0, 30, 'gaps between hits up to this long join one interval'),
      min_duration_seconds: num(REPORT.minDurationSeconds, 0, 600, 'shorter intervals are dropped'),
    },
  },
] as const satisfies readonly StageInfo[];

export type StageName = (typeof STAGES)[number]['name'];
export const STAGE_NAMES: readonly StageName[] = STAGES.map((s) => s.name);

/** Pure: a stage by name, or undefined. */
export const stageInfo = (name: string): StageInfo | undefined => STAGES.find((s) => s.name === name);

export const isStageName = (name: string): name is StageName => STAGE_NAMES.includes(name as StageName);

/** Pure: what `GET /api/detect/config/stages/:stage` answers. */
export const describeStage = (s: StageInfo) => ({
  name: s.name,
  description: s.description,
  available: s.unavailable === null,
  schema: jsonSchemaOf(s.config),
  defaults: defaultsOf(s.config),
});
