/**
 * A whole detection run in this process, streaming: each pick is decoded
 * once at the profile's rate, and every frame goes through the profile's
 * stages in order while only a small window of frames is held (the OCR pool
 * reads a few at once). What each stage did is counted and timed; the brand
 * report comes out at the end. `mpr detect` runs it; the actor pipeline
 * runs the same stage steps as work items.
 */
import type { Box, RgbFrame } from '../../cv/frame.ts';
import { detectEdges, dominantAngle } from '../../cv/edges.ts';
import { extractFrames, probeSource, type SourceVideo } from '../../cv/extract.ts';
import { segmentField } from '../../cv/field.ts';
import type { OcrLine } from '../../cv/ocr/engine.ts';
import type { OpenCv } from '../../cv/opencv.ts';
import { prepareRegions } from '../../cv/preprocess.ts';
import { createSceneTracker } from '../../cv/scenes.ts';
import { AppError } from '../../errors.ts';
import type { Binaries } from '../../media/binaries.ts';
import type { Brand, BrandReport } from '../../types/detect.ts';
import { edgeOptions, extractOptions, fieldOptions, matchOptions, ocrOptions, preprocessOptions, reportOptions, sceneOptions } from './engine-configs.ts';
import { buildBrandIndex, matchFrame, type UnresolvedCandidate } from './match.ts';
import type { ResolvedProfile } from './profile.ts';
import { fromCrop, mergeLines } from './ocr-merge.ts';
import { compileReport, type ReportFrame } from './report.ts';
import { type StageName, stageInfo } from './stages.ts';

export interface LocalSource {
  /** A file path or URL ffmpeg opens. */
  input: string;
  /** Seconds of that file; end null: to its end. */
  start: number;
  end: number | null;
}

/** What reads text: the OCR pool (or an engine) of the caller, so it outlives one run. */
export interface TextReader {
  read(frame: RgbFrame, opts: { detWidth: number; minConfidence: number }): Promise<OcrLine[]>;
}

export interface StageStat {
  stage: StageName;
  status: 'pending' | 'running' | 'done' | 'skipped';
  /** Why it was skipped. */
  reason: string | null;
  frames: number;
  ms: number;
  counts: Record<string, number>;
}

export interface LocalRunResult {
  report: BrandReport;
  stages: StageStat[];
  frames: number;
  /** Seconds of video looked at. */
  duration: number;
  /** Word marks that matched no brand (at most 1000), for part 2's escalation. */
  unresolved: (UnresolvedCandidate & { t: number })[];
}

export interface LocalRunOptions {
  sources: readonly LocalSource[];
  profile: ResolvedProfile;
  brands: readonly Brand[];
  bins: Binaries;
  ocr: TextReader;
  opencv: () => Promise<OpenCv>;
  signal?: AbortSignal;
  /** Called as frames finish: frames done, frames expected, and the stages' figures so far. */
  onProgress?: (done: number, total: number, stages: readonly StageStat[]) => void;
  /** OCR reads in flight at once (default 2 × the pool's workers is the caller's call; default 4). */
  window?: number;
}

const MAX_UNRESOLVED = 1000;
const now = () => performance.now();

export const runLocal = async (o: LocalRunOptions): Promise<LocalRunResult> => {
  const p = o.profile;
  const has = (s: StageName) => p.order.includes(s);
  const cfg = (s: StageName) => p.configs[s]!;
  const stats: StageStat[] = p.order.map((stage) => {
    const why = stageInfo(stage)!.unavailable;
    return { stage, status: why ? 'skipped' : 'pending', reason: why, frames: 0, ms: 0, counts: {} };
  });
  const stat = (s: StageName) => stats.find((x) => x.stage === s)!;
  const timed = async <T>(s: StageName, f: () => T | Promise<T>): Promise<T> => {
    const st = stat(s);
    st.status = 'running';
    const t0 = now();
    try {
      return await f();
    } finally {
      st.ms += now() - t0;
    }
  };
  const count = (s: StageName, key: string, by = 1) => {
    const c = stat(s).counts;
    c[key] = (c[key] ?? 0) + by;
  };

  const extract = extractOptions(cfg('extract_frames'));
  const ocv = has('segment_field') || has('detect_edges') ? await o.opencv() : null;
  const index = has('match_brands') ? buildBrandIndex(o.brands, matchOptions(cfg('match_brands'))) : null;
  const scenes = has('filter_scenes') ? createSceneTracker(sceneOptions(cfg('filter_scenes'))) : null;
  const prep = has('preprocess') ? preprocessOptions(cfg('preprocess')) : null;
  const read = has('ocr') ? ocrOptions(cfg('ocr')).read : null;

  // How many frames to expect, for progress: each pick's span at the sampling rate.
  const picks: { src: LocalSource; start: number; end: number; offset: number; source: SourceVideo }[] = [];
  let offset = 0;
  for (const src of o.sources) {
    const probed = await probeSource(src.input, { bins: o.bins, signal: o.signal });
    const end = src.end ?? probed.duration;
    if (end === null) throw new AppError('validation', `${src.input}: its duration is unknown; give --to`);
    if (src.start >= end) throw new AppError('validation', `${src.input}: nothing between ${src.start} s and ${end} s`);
    picks.push({ src, start: src.start, end, offset, source: probed });
    offset += end - src.start;
  }
  const total = picks.reduce((sum, k) => sum + Math.max(0, Math.ceil((k.end - k.start) * extract.fps - 1e-9)), 0);

  const reportFrames: ReportFrame[] = [];
  const unresolved: LocalRunResult['unresolved'] = [];
  let size: { width: number; height: number } | null = null;
  let done = 0;
  const inFlight = new Set<Promise<void>>();
  const windowSize = Math.max(1, o.window ?? 4);

  /** The frame's text (full frame, plus close reads of small candidate regions), then brands. */
  const readAndMatch = async (t: number, frame: RgbFrame, crops: { box: Box; scale: number; image: RgbFrame }[]) => {
    let lines: OcrLine[] = [];
    if (read) {
      lines = await timed('ocr', async () => {
        // A crop's pixels are copied into a buffer of its own: sharp's output cannot move to a worker.
        const own = (img: RgbFrame): RgbFrame => ({ ...img, data: new Uint8Array(img.data) });
        const [full, ...fromCrops] = await Promise.all([o.ocr.read(frame, read), ...crops.map((c) => o.ocr.read(own(c.image), read))]);
        return mergeLines(
          full!,
          fromCrops.flatMap((l, i) => fromCrop(l, crops[i]!)),
        );
      });
      stat('ocr').frames++;
      count('ocr', 'lines', lines.length);
    }
    if (index) {
      const m = await timed('match_brands', () => matchFrame(index, lines));
      stat('match_brands').frames++;
      count('match_brands', 'hits', m.hits.length);
      count('match_brands', 'unresolved', m.unresolved.length);
      if (m.hits.length > 0) reportFrames.push({ t, hits: m.hits });
      for (const u of m.unresolved) if (unresolved.length < MAX_UNRESOLVED) unresolved.push({ ...u, t });
    }
    done++;
    o.onProgress?.(done, total, stats);
  };

  for (const pick of picks) {
    const frames = extractFrames({
      input: pick.src.input,
      start: pick.start,
      end: pick.end,
      fps: extract.fps,
      width: extract.width,
      bins: o.bins,
      signal: o.signal,
    });
    const it = frames[Symbol.asyncIterator]();
    for (;;) {
      // Extraction's time is the wait for the next decoded frame.
      const next = await timed('extract_frames', () => it.next());
      if (next.done) break;
      const f = next.value;
      stat('extract_frames').frames++;
      size ??= { width: f.frame.width, height: f.frame.height };
      const t = pick.offset + (f.t - pick.start);
      if (scenes) {
        const step = await timed('filter_scenes', () => scenes.push(f, f.frame));
        stat('filter_scenes').frames++;
        if (step.cut) count('filter_scenes', 'cuts');
      }
      const regions: { box: Box; angle: number | null }[] = [];
      if (ocv && has('segment_field')) {
        const r = await timed('segment_field', () => segmentField(ocv, f.frame, fieldOptions(cfg('segment_field'))));
        stat('segment_field').frames++;
        count('segment_field', 'regions', r.regions.length);
        regions.push(...r.regions.map((x) => ({ box: x.box, angle: null })));
      }
      if (ocv && has('detect_edges')) {
        const r = await timed('detect_edges', () => detectEdges(ocv, f.frame, edgeOptions(cfg('detect_edges'))));
        stat('detect_edges').frames++;
        count('detect_edges', 'proposals', r.proposals.length);
        regions.push(...r.proposals.map((x) => ({ box: x.box, angle: x.angle || dominantAngle(r.segments, x.box) })));
      }
      let crops: { box: Box; scale: number; image: RgbFrame }[] = [];
      if (prep && prep.maxRegions > 0 && regions.length > 0) {
        // The smallest regions first: big ones the full-frame read sees well enough.
        const chosen = regions.sort((a, b) => a.box.w * a.box.h - b.box.w * b.box.h).slice(0, prep.maxRegions);
        crops = await timed('preprocess', () => prepareRegions(f.frame, chosen, prep.engine));
        stat('preprocess').frames++;
        count('preprocess', 'crops', crops.length);
      }
      const job = readAndMatch(t, f.frame, crops).finally(() => {
        inFlight.delete(job);
        f.release(); // no-op when the OCR pool took the pixels
      });
      inFlight.add(job);
      if (inFlight.size >= windowSize) await Promise.race(inFlight);
    }
  }
  await Promise.all(inFlight);

  for (const s of stats) if (s.status !== 'skipped') s.status = 'done';
  const frame = size ?? { width: 1, height: 1 };
  const report = has('compile_report')
    ? await timed('compile_report', () =>
        compileReport(
          { frames: reportFrames, frameWidth: frame.width, frameHeight: frame.height, samplePeriod: 1 / extract.fps, duration: offset },
          reportOptions(cfg('compile_report')),
        ),
      )
    : compileReport({ frames: [], frameWidth: frame.width, frameHeight: frame.height, samplePeriod: 1 / extract.fps, duration: offset });
  if (has('compile_report')) stat('compile_report').status = 'done';
  return { report, stages: stats, frames: done, duration: offset, unresolved };
};
