/**
 * A timeline's checkpoint tree as the server answers it, for the checkpoint
 * tests: ids as src/events/stage.ts makes them (`<job>-<stage>`), stats as
 * the detect stages count them (src/work/detect/kind.ts, steps.ts), oldest
 * first. Five detect jobs on timeline `tl1` (profile generic_broadcast):
 *
 * - J1 ran every stage (part 2's stages were skipped: no checkpoint);
 * - J2 replayed match_brands of J1 with min_similarity 0.99 (downstream), so
 *   its match_brands hangs beside J1's under J1's ocr; it lost Initech;
 * - J3 replayed J1 from ocr with det_width 960: it found Umbrella, and Acme once more;
 * - J4 replayed compile_report of J2 with min_duration_seconds 1;
 * - J5, a new run, is still running (only extract_frames done): a second root.
 */
import type { BrandReport, ReportInterval } from '../../src/types/detect.ts';
import type { CheckpointNode } from '../../src/types/detect-setup.ts';
import type { DetectJob } from '../src/detect-api.ts';
import { reportInterval } from './detect-fixtures.ts';

export const TL = 'tl1';
export const J1 = 'Vq3xK9mP2aLb';
export const J2 = 'Rt7nW2cY8dQe';
export const J3 = 'Hs4pZ6vB1kUf';
export const J4 = 'Mc9gT3jN5wXa';
export const J5 = 'Pz2rL8hD4sEo';

let clock = Date.parse('2026-03-02T10:00:00Z');
const at = (secs: number) => {
  clock += secs * 1000;
  return new Date(clock).toISOString();
};

const cp = (
  job: string,
  stage: string,
  parent: string | null,
  stats: Record<string, number>,
  ms: number,
  overrides: Record<string, unknown> = {},
): CheckpointNode => ({
  id: `${job}-${stage}`,
  parent,
  job_id: job,
  stage,
  scope: TL,
  overrides,
  stats,
  ms,
  created_at: at(ms / 1000),
});

const perFrame = (extra: Record<string, number>) => ({ frames: 20, items: 1, ...extra });

export const checkpoints = (): CheckpointNode[] => {
  clock = Date.parse('2026-03-02T10:00:00Z');
  return [
    cp(J1, 'extract_frames', null, { frames: 20, segments: 1, cached: 0 }, 2310),
    cp(J1, 'filter_scenes', `${J1}-extract_frames`, perFrame({ cuts: 1 }), 420),
    cp(J1, 'detect_edges', `${J1}-filter_scenes`, perFrame({ proposals: 64 }), 880),
    cp(J1, 'preprocess', `${J1}-detect_edges`, perFrame({ crops: 37 }), 610),
    cp(J1, 'ocr', `${J1}-preprocess`, perFrame({ lines: 52 }), 14_200),
    cp(J1, 'match_brands', `${J1}-ocr`, perFrame({ hits: 30, unresolved: 6 }), 95),
    cp(J1, 'compile_report', `${J1}-match_brands`, { brands: 3, intervals: 4 }, 40),
    cp(J2, 'match_brands', `${J1}-ocr`, perFrame({ hits: 24, unresolved: 9 }), 90, { min_similarity: 0.99 }),
    cp(J2, 'compile_report', `${J2}-match_brands`, { brands: 2, intervals: 3 }, 38),
    cp(J3, 'ocr', `${J1}-preprocess`, perFrame({ lines: 61 }), 19_800, { det_width: 960 }),
    cp(J3, 'match_brands', `${J3}-ocr`, perFrame({ hits: 36, unresolved: 5 }), 101),
    cp(J3, 'compile_report', `${J3}-match_brands`, { brands: 4, intervals: 6 }, 44),
    cp(J4, 'compile_report', `${J2}-match_brands`, { brands: 2, intervals: 3 }, 35, { min_duration_seconds: 1 }),
    cp(J5, 'extract_frames', null, { frames: 20, segments: 1, cached: 1 }, 150),
  ];
};

const iv = (brand: string, start: number, end: number, hits: number) =>
  reportInterval(brand, start, end, { hits, meanConfidence: 0.91, meanScreenShare: 0.012 });

/** A report as compile_report writes it, its summaries worked out from the intervals. */
export const report = (intervals: ReportInterval[]): BrandReport => {
  const names = [...new Set(intervals.map((i) => i.brand))];
  const total = intervals.reduce((s, i) => s + i.duration, 0);
  const brands = names
    .map((brand) => {
      const mine = intervals.filter((i) => i.brand === brand);
      const exposure = mine.reduce((s, i) => s + i.duration, 0);
      return {
        brand,
        exposureSeconds: exposure,
        appearances: mine.length,
        shareOfVoice: total ? exposure / total : 0,
        meanScreenShare: 0.012,
        maxScreenShare: 0.02,
        positionGrid: [0, 0, 0, 0, 0, 0, 0, 1, 0],
        placement: 'bottom' as const,
        clarity: 0.93,
        firstSeen: Math.min(...mine.map((i) => i.start)),
        lastSeen: Math.max(...mine.map((i) => i.end)),
        hits: mine.reduce((s, i) => s + i.hits, 0),
      };
    })
    .sort((a, b) => b.exposureSeconds - a.exposureSeconds);
  return {
    intervals: [...intervals].sort((a, b) => a.start - b.start),
    brands,
    totalExposureSeconds: total,
    frame: { width: 1280, height: 720 },
    settings: { samplePeriod: 0.5, gapBridgeSeconds: 1, minDurationSeconds: 0.5 },
  };
};

export const reportJ1 = () => report([iv('Acme', 1, 4.25, 7), iv('Globex', 2, 5.25, 7), iv('Acme', 6, 8.25, 5), iv('Initech', 7.5, 9.25, 4)]);
/** Stricter matching: Acme's first board seen shorter, Initech not at all. */
export const reportJ2 = () => report([iv('Acme', 1, 3.25, 5), iv('Globex', 2, 5.25, 7), iv('Acme', 6, 8.25, 5)]);
/** Wider OCR: Umbrella found, and Acme once more at the end. */
export const reportJ3 = () =>
  report([
    iv('Umbrella', 0.5, 2.25, 4),
    iv('Acme', 1, 4.25, 7),
    iv('Globex', 2, 5.25, 7),
    iv('Acme', 6, 8.25, 5),
    iv('Initech', 7.5, 9.25, 4),
    iv('Acme', 9, 9.75, 2),
  ]);

const CONFIGS: Record<string, Record<string, unknown>> = {
  extract_frames: { fps: 2, width: 1280, jpeg_quality: 85 },
  filter_scenes: { threshold: 0.35, min_shot_seconds: 0.5 },
  detect_edges: { min_line_share: 0.08, max_line_gap: 12, min_board_aspect: 2.5, max_proposals: 40 },
  preprocess: { min_text_height: 32, max_scale: 4, max_deskew_degrees: 20, max_regions: 6 },
  ocr: { det_width: 736, min_confidence: 0.5, bin_threshold: 0.3, box_threshold: 0.5, unclip_ratio: 1.6 },
  match_brands: { max_edits_per_5: 1, min_similarity: 0.8, min_ocr_confidence: 0.5, exact_below: 4, candidate_min_letters: 4, stop_words: [] },
  compile_report: { gap_bridge_seconds: 1, min_duration_seconds: 0.5 },
};

/** A detect job as `GET /detect/jobs/:id` answers it. */
export const detectJob = (
  id: string,
  over: {
    status?: DetectJob['status'];
    overrides?: Record<string, Record<string, unknown>>;
    report?: BrandReport | null;
    parent?: string | null;
    error?: string | null;
  } = {},
): DetectJob => {
  const status = over.status ?? 'COMPLETED';
  const configOverrides = over.overrides ?? {};
  const configs = Object.fromEntries(Object.entries(CONFIGS).map(([s, c]) => [s, { ...c, ...configOverrides[s] }]));
  return {
    id,
    kind: 'detect',
    assetId: 'a1',
    presetId: null,
    sourceKey: 'matches/derby.mp4',
    sourceName: 'derby.mp4',
    presetName: 'generic_broadcast',
    status,
    progress: status === 'COMPLETED' ? 100 : 30,
    error: over.error ?? null,
    errorDetail: null,
    attempt: 1,
    parent: over.parent ?? null,
    chunksTotal: 8,
    chunksDone: status === 'COMPLETED' ? 8 : 2,
    params: { timelineId: TL, profile: 'generic_broadcast', brandListId: 'bl1', configOverrides, configs, order: Object.keys(CONFIGS), replay: null },
    urls: null,
    renditions: [],
    result: status === 'COMPLETED' ? { report: over.report === undefined ? null : over.report, keys: null, frames: 20 } : null,
    createdAt: '2026-03-02T10:00:00Z',
    updatedAt: '2026-03-02T10:01:00Z',
    completedAt: status === 'COMPLETED' ? '2026-03-02T10:01:00Z' : null,
  };
};

/** The five jobs: J1–J4 completed with their reports, J5 running. */
export const detectJobs = (): Record<string, DetectJob> => ({
  [J1]: detectJob(J1, { report: reportJ1() }),
  [J2]: detectJob(J2, { report: reportJ2(), parent: J1, overrides: { match_brands: { min_similarity: 0.99 } } }),
  [J3]: detectJob(J3, { report: reportJ3(), parent: J1, overrides: { ocr: { det_width: 960 } } }),
  [J4]: detectJob(J4, {
    report: reportJ2(),
    parent: J2,
    overrides: { match_brands: { min_similarity: 0.99 }, compile_report: { min_duration_seconds: 1 } },
  }),
  [J5]: detectJob(J5, { status: 'PROCESSING' }),
});
