/**
 * What one work item of each detection stage does: extract_frames decodes a
 * segment into the frame cache (or finds it there); the per-frame stages
 * read a batch of cached frames and the same batch of the stages before
 * them, and write their findings as one JSON item in the output store;
 * compile_report reads every match item and writes the report. Items go to
 * deterministic keys, so an item run twice (a worker died before it
 * reported) leaves one result.
 */
import { dominantAngle, detectEdges } from '../../cv/edges.ts';
import { extractFrames } from '../../cv/extract.ts';
import { segmentField } from '../../cv/field.ts';
import type { Box, RgbFrame } from '../../cv/frame.ts';
import { decodeImage, encodeJpeg, encodePng } from '../../cv/image.ts';
import type { OcrLine } from '../../cv/ocr/engine.ts';
import type { OcrPool } from '../../cv/ocr/pool.ts';
import type { OpenCv } from '../../cv/opencv.ts';
import { prepareRegions } from '../../cv/preprocess.ts';
import { createSceneTracker } from '../../cv/scenes.ts';
import { AppError } from '../../errors.ts';
import type { Binaries } from '../../media/binaries.ts';
import { readBytes, readJson, type Storage, toolInput } from '../../storage/index.ts';
import type { Brand } from '../../types/detect.ts';
import { edgeOptions, extractOptions, fieldOptions, matchOptions, ocrOptions, preprocessOptions, reportOptions, sceneOptions } from './engine-configs.ts';
import { type FrameAt, type FrameSpan, framesOf, type PickSource, type SegmentSpec } from './frames.ts';
import { buildBrandIndex, type BrandHit, matchFrame, type UnresolvedCandidate } from './match.ts';
import { fromCrop, mergeLines } from './ocr-merge.ts';
import { compileReport, type ReportFrame } from './report.ts';
import { reportToCsv } from './report-csv.ts';

export interface StepDeps {
  input: Storage;
  output: Storage;
  bins: () => Binaries;
  opencv: () => Promise<OpenCv>;
  /** The OCR pool for these detection settings (pools are shared and outlive a job). */
  ocr: (det: ReturnType<typeof ocrOptions>['det']) => Promise<OcrPool>;
  /** Extraction's ffmpeg sending nothing this long is killed as hung, and the item tried again as after a crash (MPR_STALL_SECONDS). */
  stallMs?: number;
}

type Cfg = Record<string, unknown>;

/** A per-frame stage's item: one entry per frame of the batch. */
export interface FrameItem<T> {
  frames: ({ seq: number; t: number } & T)[];
}
export type SceneOut = { cut: boolean; score: number | null };
export type RegionsOut = { regions: { box: Box; angle: number | null }[]; share?: number };
export type CropsOut = { crops: { key: string; box: Box; scale: number; angle: number }[] };
export type LinesOut = { lines: OcrLine[] };
export type MatchOut = { hits: BrandHit[]; unresolved: UnresolvedCandidate[] };

const writeJson = (store: Storage, key: string, value: unknown) => store.put(key, JSON.stringify(value), { contentType: 'application/json' });

/** Runs `fn` over items with at most `limit` at once, results in order. */
const mapLimit = async <T, R>(items: readonly T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, run));
  return out;
};

export interface SegmentResult {
  prefix: string;
  count: number;
  width: number;
  height: number;
  /** Samples per second (absent in manifests written before it was kept). */
  fps?: number;
  /** Found in the frame cache, not decoded. */
  cached: boolean;
}

/** extract_frames: one segment into the cache, frame JPEGs as they decode, the manifest last (its presence means the segment is whole). */
export const extractSegment = async (d: StepDeps, seg: SegmentSpec, pick: PickSource, cfg: Cfg, signal: AbortSignal): Promise<SegmentResult> => {
  const manifest = `${seg.prefix}manifest.json`;
  if (await d.output.stat(manifest)) return { ...(await readJson<Omit<SegmentResult, 'cached'>>(d.output, manifest)), cached: true };
  const o = extractOptions(cfg);
  const input = await toolInput(d.input, pick.key);
  let count = 0;
  let size = { width: 0, height: 0 };
  const writes = new Set<Promise<unknown>>();
  for await (const f of extractFrames({ input, start: seg.start, end: seg.end, fps: o.fps, width: o.width, bins: d.bins(), signal, stallMs: d.stallMs })) {
    size = { width: f.frame.width, height: f.frame.height };
    const key = `${seg.prefix}${f.seq}.jpg`;
    const w = encodeJpeg(f.frame, o.jpegQuality).then((jpg) => {
      f.release(); // the pixels are in the JPEG now
      return d.output.put(key, jpg, { contentType: 'image/jpeg' });
    });
    writes.add(w);
    void w.finally(() => writes.delete(w)).catch(() => {});
    if (writes.size >= 4) await Promise.race(writes);
    count++;
  }
  await Promise.all(writes);
  // fps too: the frame cache listing (media.ts) says at what rate each set was made.
  const result = { prefix: seg.prefix, count, width: size.width, height: size.height, fps: o.fps };
  await writeJson(d.output, manifest, result);
  return { ...result, cached: false };
};

/** The batch's frames decoded, with at most two in memory beyond the one being worked on. */
const eachFrame = async (d: StepDeps, frames: readonly FrameAt[], fn: (f: FrameAt, img: RgbFrame) => Promise<void> | void, signal: AbortSignal) => {
  let next = frames[0] ? decodeImage(await readBytes(d.output, frames[0].key)) : null;
  for (let i = 0; i < frames.length; i++) {
    if (signal.aborted) throw new AppError('invalid_state', 'cancelled');
    const img = await next!;
    const after = frames[i + 1];
    next = after ? readBytes(d.output, after.key).then(decodeImage) : null;
    await fn(frames[i]!, img);
  }
};

/** The entries of an upstream item, by seq (empty when that stage is not in the profile or was skipped). */
const bySeq = async <T>(d: StepDeps, key: string | null | undefined): Promise<Map<number, T>> => {
  if (!key) return new Map();
  const item = await readJson<FrameItem<T>>(d.output, key);
  return new Map(item.frames.map((f) => [f.seq, f as T]));
};

export interface BatchSpec {
  stage: string;
  batch: number;
  spans: FrameSpan[];
  fps: number;
  /** The frame before the batch, for stages that compare with it. */
  prev: FrameAt | null;
  /** The same batch's items of earlier stages, by stage (null: not run). */
  inputs: Record<string, string | null>;
  /** Where this item goes. */
  key: string;
}

export interface BatchResult {
  key: string;
  frames: number;
  counts: Record<string, number>;
}

const done = async (d: StepDeps, spec: BatchSpec, frames: unknown[], counts: Record<string, number>): Promise<BatchResult> => {
  await writeJson(d.output, spec.key, { frames });
  return { key: spec.key, frames: frames.length, counts };
};

const brandIndexes = new Map<string, ReturnType<typeof buildBrandIndex>>();
/** One brand index per job and settings (building one for a large list takes a while), the last few kept. */
const brandIndexFor = (cacheKey: string, brands: readonly Brand[], cfg: Cfg) => {
  let idx = brandIndexes.get(cacheKey);
  if (!idx) {
    idx = buildBrandIndex(brands, matchOptions(cfg));
    brandIndexes.set(cacheKey, idx);
    if (brandIndexes.size > 4) brandIndexes.delete(brandIndexes.keys().next().value!);
  }
  return idx;
};

/** One per-frame stage over one batch. */
export const runBatch = async (
  d: StepDeps,
  spec: BatchSpec,
  ctx: { cfg: Cfg; brands: readonly Brand[]; brandsKey: string; signal: AbortSignal },
): Promise<BatchResult> => {
  const frames = framesOf(spec.spans, spec.fps);
  const { cfg, signal } = ctx;
  switch (spec.stage) {
    case 'filter_scenes': {
      const tracker = createSceneTracker(sceneOptions(cfg));
      if (spec.prev) tracker.push(spec.prev, await decodeImage(await readBytes(d.output, spec.prev.key)));
      const out: ({ seq: number; t: number } & SceneOut)[] = [];
      await eachFrame(
        d,
        frames,
        (f, img) => {
          const step = tracker.push(f, img);
          out.push({ seq: f.seq, t: f.t, cut: step.cut, score: step.diff ? Math.round(step.diff.score * 1e4) / 1e4 : null });
        },
        signal,
      );
      return done(d, spec, out, { cuts: out.filter((f) => f.cut).length });
    }
    case 'segment_field': {
      const ocv = await d.opencv();
      const out: ({ seq: number; t: number } & RegionsOut)[] = [];
      await eachFrame(
        d,
        frames,
        (f, img) => {
          const r = segmentField(ocv, img, fieldOptions(cfg));
          out.push({ seq: f.seq, t: f.t, share: Math.round(r.share * 1e4) / 1e4, regions: r.regions.map((x) => ({ box: x.box, angle: null })) });
        },
        signal,
      );
      return done(d, spec, out, { regions: out.reduce((a, f) => a + f.regions.length, 0) });
    }
    case 'detect_edges': {
      const ocv = await d.opencv();
      const out: ({ seq: number; t: number } & RegionsOut)[] = [];
      await eachFrame(
        d,
        frames,
        (f, img) => {
          const r = detectEdges(ocv, img, edgeOptions(cfg));
          out.push({ seq: f.seq, t: f.t, regions: r.proposals.map((x) => ({ box: x.box, angle: x.angle || dominantAngle(r.segments, x.box) })) });
        },
        signal,
      );
      return done(d, spec, out, { proposals: out.reduce((a, f) => a + f.regions.length, 0) });
    }
    case 'preprocess': {
      const prep = preprocessOptions(cfg);
      const field = await bySeq<RegionsOut>(d, spec.inputs.segment_field);
      const edges = await bySeq<RegionsOut>(d, spec.inputs.detect_edges);
      const out: ({ seq: number; t: number } & CropsOut)[] = [];
      await eachFrame(
        d,
        frames,
        async (f, img) => {
          const regions = [...(field.get(f.seq)?.regions ?? []), ...(edges.get(f.seq)?.regions ?? [])];
          // The smallest regions first: big ones the full-frame read sees well enough.
          const chosen = regions.sort((a, b) => a.box.w * a.box.h - b.box.w * b.box.h).slice(0, prep.maxRegions);
          const crops = chosen.length > 0 && prep.maxRegions > 0 ? await prepareRegions(img, chosen, prep.engine) : [];
          const saved = await Promise.all(
            crops.map(async (c, i) => {
              const key = spec.key.replace(/\.json$/, `/${f.seq}-${i}.png`);
              await d.output.put(key, await encodePng(c.image), { contentType: 'image/png' });
              return { key, box: c.box, scale: c.scale, angle: c.angle };
            }),
          );
          out.push({ seq: f.seq, t: f.t, crops: saved });
        },
        signal,
      );
      return done(d, spec, out, { crops: out.reduce((a, f) => a + f.crops.length, 0) });
    }
    case 'ocr': {
      const o = ocrOptions(cfg);
      const pool = await d.ocr(o.det);
      const crops = await bySeq<CropsOut>(d, spec.inputs.preprocess);
      const read = { ...o.read, signal };
      // A few frames in flight, so every OCR worker has one.
      const out = await mapLimit(frames, Math.max(2, pool.stats().size * 2), async (f) => {
        const full = await pool.read(await readBytes(d.output, f.key), read);
        const mine = crops.get(f.seq)?.crops ?? [];
        const fromCrops = await Promise.all(mine.map(async (c) => fromCrop(await pool.read(await readBytes(d.output, c.key), read), c)));
        return { seq: f.seq, t: f.t, lines: mergeLines(full, fromCrops.flat()) };
      });
      return done(d, spec, out, { lines: out.reduce((a, f) => a + f.lines.length, 0) });
    }
    case 'match_brands': {
      const index = brandIndexFor(`${ctx.brandsKey}:${JSON.stringify(cfg)}`, ctx.brands, cfg);
      const lines = await bySeq<LinesOut>(d, spec.inputs.ocr);
      const out = frames.map((f) => {
        const m = matchFrame(index, lines.get(f.seq)?.lines ?? []);
        return { seq: f.seq, t: f.t, hits: m.hits, unresolved: m.unresolved };
      });
      return done(d, spec, out, { hits: out.reduce((a, f) => a + f.hits.length, 0), unresolved: out.reduce((a, f) => a + f.unresolved.length, 0) });
    }
    default:
      throw new AppError('validation', `stage ${spec.stage} has no per-frame step`);
  }
};

export interface ReportSpec {
  stage: 'compile_report';
  /** The match items, in batch order (empty when match_brands did not run). */
  inputs: string[];
  frameWidth: number;
  frameHeight: number;
  fps: number;
  duration: number;
  /** Where the report goes (`report.json`, `intervals.csv`, `brands.csv` under it). */
  prefix: string;
}

export const reportKeys = (prefix: string) => ({ json: `${prefix}report.json`, intervals: `${prefix}intervals.csv`, brands: `${prefix}brands.csv` });

/** compile_report: the hits of every match item into the brand report, written as JSON and CSV. */
export const compileStep = async (d: StepDeps, spec: ReportSpec, cfg: Cfg) => {
  const frames: ReportFrame[] = [];
  for (const key of spec.inputs) {
    const item = await readJson<FrameItem<MatchOut>>(d.output, key);
    for (const f of item.frames) if (f.hits.length > 0) frames.push({ t: f.t, hits: f.hits });
  }
  const report = compileReport(
    { frames, frameWidth: spec.frameWidth, frameHeight: spec.frameHeight, samplePeriod: 1 / spec.fps, duration: spec.duration },
    reportOptions(cfg),
  );
  const keys = reportKeys(spec.prefix);
  const csv = reportToCsv(report);
  await writeJson(d.output, keys.json, report);
  await d.output.put(keys.intervals, csv.intervals, { contentType: 'text/csv' });
  await d.output.put(keys.brands, csv.brands, { contentType: 'text/csv' });
  return { keys, brands: report.brands.length, intervals: report.intervals.length };
};
