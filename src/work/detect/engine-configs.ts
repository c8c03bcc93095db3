/**
 * A stage's resolved config (the snake_case settings of profiles, stages.ts)
 * turned into the options its engine takes. Pure: one table per stage, so a
 * setting added to stages.ts and not carried here is caught by the tests.
 */
import type { EdgeConfig } from '../../cv/edges.ts';
import type { FieldConfig } from '../../cv/field.ts';
import type { PreprocessConfig } from '../../cv/preprocess-config.ts';
import type { SceneConfig } from '../../cv/scenes.ts';
import type { MatchConfig } from './match.ts';
import type { ReportConfig } from './report.ts';

type Cfg = Record<string, unknown>;
const n = (c: Cfg, k: string) => c[k] as number;

export const extractOptions = (c: Cfg) => ({ fps: n(c, 'fps'), width: n(c, 'width'), jpegQuality: n(c, 'jpeg_quality') });

export const sceneOptions = (c: Cfg): Partial<SceneConfig> => ({
  grid: n(c, 'grid'),
  cutThreshold: n(c, 'cut_threshold'),
  cellShare: n(c, 'region_share'),
  minShotSeconds: n(c, 'min_shot_seconds'),
});

export const fieldOptions = (c: Cfg): Partial<FieldConfig> => {
  const [hueMin, hueMax] = c.hue as [number, number];
  return { hueMin, hueMax, satMin: n(c, 'saturation_min'), valMin: n(c, 'value_min'), workWidth: n(c, 'work_width'), minRegionShare: n(c, 'min_region_share') };
};

export const edgeOptions = (c: Cfg): Partial<EdgeConfig> => ({
  cannyLow: n(c, 'canny_low'),
  cannyHigh: n(c, 'canny_high'),
  houghThreshold: n(c, 'hough_threshold'),
  minLineShare: n(c, 'min_line_share'),
  maxLineGap: n(c, 'max_line_gap'),
  minAspect: n(c, 'min_board_aspect'),
  maxProposals: n(c, 'max_proposals'),
  workWidth: n(c, 'work_width'),
});

export const preprocessOptions = (c: Cfg): { engine: Partial<PreprocessConfig>; maxRegions: number } => ({
  engine: {
    minHeight: n(c, 'min_text_height'),
    maxScale: n(c, 'max_scale'),
    normalise: c.contrast as boolean,
    maxDeskewDeg: c.deskew ? n(c, 'max_deskew_degrees') : 0,
    pad: n(c, 'padding'),
  },
  maxRegions: n(c, 'max_regions'),
});

export const ocrOptions = (c: Cfg) => ({
  read: { detWidth: n(c, 'det_width'), minConfidence: n(c, 'min_confidence') },
  det: { binThreshold: n(c, 'bin_threshold'), boxThreshold: n(c, 'box_threshold'), unclipRatio: n(c, 'unclip_ratio') },
});

export const matchOptions = (c: Cfg): Partial<MatchConfig> => ({
  maxEditsPer5: n(c, 'max_edits_per_5'),
  minSimilarity: n(c, 'min_similarity'),
  minOcrConfidence: n(c, 'min_ocr_confidence'),
  exactBelow: n(c, 'exact_below'),
  candidateMinLetters: n(c, 'candidate_min_letters'),
  stopWords: c.stop_words as string[],
});

export const reportOptions = (c: Cfg): Partial<ReportConfig> => ({
  gapBridgeSeconds: n(c, 'gap_bridge_seconds'),
  minDurationSeconds: n(c, 'min_duration_seconds'),
});
