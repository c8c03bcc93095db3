/**
 * The fast path's Web Worker: OpenCV.js loaded once (the static import puts
 * it in this worker's chunk, so the page pays for it only when the worker
 * is first started), then each { key, image, stage, settings } request
 * answered with the stage's result and its timings. Requests run one after
 * another; the last decoded frame is kept, so moving a slider on one frame
 * decodes its JPEG once.
 *
 * The JPEG is decoded by the browser (createImageBitmap, no colour
 * management, as the server's sharp decode applies none to these frames)
 * and read back as RGBA from an OffscreenCanvas.
 */
import cv from '@techstark/opencv-js';
import { errorText } from '../format.ts';
import { type FastReply, type FastRequest, type OpenCv, type RgbFrame, rgbaToRgb, runFastStage } from './fast-stage-core.ts';
import { openCvReady } from './opencv-ready.ts';

let ready: Promise<OpenCv> | null = null;
let loadMs: number | null = null;
let last: { key: string; frame: RgbFrame } | null = null;

const opencv = (): Promise<OpenCv> => {
  if (!ready) {
    const t0 = performance.now();
    ready = openCvReady(cv).then((o) => {
      loadMs = performance.now() - t0;
      return o;
    });
    // A failed load is tried again on the next request.
    ready.catch(() => {
      ready = null;
    });
  }
  return ready;
};

const decode = async (image: Blob): Promise<RgbFrame> => {
  const bmp = await createImageBitmap(image, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  try {
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser gives workers no 2D canvas to decode frames with');
    ctx.drawImage(bmp, 0, 0);
    return rgbaToRgb(ctx.getImageData(0, 0, bmp.width, bmp.height).data, bmp.width, bmp.height);
  } finally {
    bmp.close();
  }
};

const answer = async (req: FastRequest): Promise<{ reply: FastReply; transfer: Transferable[] }> => {
  try {
    const ocv = await opencv();
    const firstLoad = loadMs;
    loadMs = null;
    let decodeMs = 0;
    if (last?.key !== req.key) {
      const t0 = performance.now();
      last = { key: req.key, frame: await decode(req.image) };
      decodeMs = performance.now() - t0;
    }
    const t1 = performance.now();
    const result = runFastStage(ocv, last.frame, req.stage, req.settings);
    const stageMs = performance.now() - t1;
    // The mask is fresh per run: hand its bytes over rather than copy them.
    const transfer = result.stage === 'segment_field' ? [result.mask.data.buffer as ArrayBuffer] : [];
    return { reply: { id: req.id, ok: true, result, timings: { loadMs: firstLoad, decodeMs, stageMs } }, transfer };
  } catch (e) {
    return { reply: { id: req.id, ok: false, error: errorText(e) }, transfer: [] };
  }
};

let queue: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<FastRequest>) => {
  const req = e.data;
  queue = queue.then(async () => {
    const { reply, transfer } = await answer(req);
    self.postMessage(reply, { transfer });
  });
};
