/**
 * OCR for the `ocr` stage: PP-OCRv4 detection and recognition on
 * onnxruntime-node, in-process (createOcrEngine) or in Bun Workers
 * (createOcrPool). Boxes are in full-frame pixels (src/cv/frame.ts).
 */
export { type DetOptions, DET_DEFAULTS } from './detect.ts';
export {
  createOcrEngine,
  defaultModelDir,
  loadOcrModels,
  MIN_CONFIDENCE,
  type OcrEngine,
  type OcrEngineOptions,
  type OcrLine,
  type OcrModels,
  type ReadOptions,
} from './engine.ts';
export { decodeImage } from './image.ts';
export { createOcrPool, type OcrPool, type OcrPoolOptions, type OcrReadOptions } from './pool.ts';
export { REC_DEFAULTS, type RecOptions } from './recognize.ts';
export { ocrWorkerEntry } from './worker.ts';
