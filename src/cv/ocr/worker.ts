/**
 * The OCR pool's worker module: one OCR engine per Worker thread (one ONNX
 * thread each), reading one frame at a time as the pool asks.
 *
 * The pool sends `init` first; requests that arrive while the models load
 * wait for them. If the engine cannot be built, the worker reports why
 * (`fatal`) and exits, and the pool rejects the request it gave it.
 *
 * `bun build --compile` embeds a worker module only when it is listed as an
 * extra entrypoint: scripts/build.ts must name this file (ocrWorkerEntry).
 */
import { AppError, errorMessage } from '../../errors.ts';
import type { Box, RgbFrame } from '../frame.ts';
import { createOcrEngine, type OcrEngine, type OcrEngineOptions, type OcrLine, type ReadOptions } from './engine.ts';
import { decodeImage } from './image.ts';

export const ocrWorkerEntry = new URL('./worker.ts', import.meta.url);

/** An error as it crosses the thread boundary. */
export interface WireError {
  message: string;
  code?: string;
}

export type ToWorker =
  | { type: 'init'; options: OcrEngineOptions }
  /** `frame` is decoded RGB, or the bytes of an encoded image (JPEG, PNG...). `regions`: read only inside them. */
  | { type: 'read'; id: number; frame: RgbFrame | Uint8Array; regions?: Box[]; opts?: ReadOptions }
  /** Finish what is running, then exit (never terminate a worker with onnxruntime work in flight: see pool.ts). */
  | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; lines: OcrLine[] }
  | { type: 'result'; id: number; ok: false; error: WireError }
  | { type: 'fatal'; error: WireError };

export const toWire = (e: unknown): WireError => {
  const code = (e as { code?: unknown } | null)?.code;
  return { message: errorMessage(e), ...(typeof code === 'string' ? { code } : {}) };
};

interface Scope {
  addEventListener(type: 'message', listener: (ev: MessageEvent<ToWorker>) => void): void;
  postMessage(message: FromWorker): void;
}

const serve = (scope: Scope): void => {
  let engine: Promise<OcrEngine> | null = null;
  const fatal = (e: unknown): never => {
    try {
      scope.postMessage({ type: 'fatal', error: toWire(e) });
    } finally {
      process.exit(1);
    }
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);

  const answer = async (msg: Extract<ToWorker, { type: 'read' }>): Promise<void> => {
    if (!engine) throw new AppError('invalid_state', 'the OCR worker got a frame before init');
    const ocr = await engine; // a failed load is fatal (below): the worker is gone before this rejects
    try {
      const frame = msg.frame instanceof Uint8Array ? await decodeImage(msg.frame) : msg.frame;
      const lines = msg.regions ? await ocr.readRegions(frame, msg.regions, msg.opts) : await ocr.read(frame, msg.opts);
      scope.postMessage({ type: 'result', id: msg.id, ok: true, lines });
    } catch (e) {
      scope.postMessage({ type: 'result', id: msg.id, ok: false, error: toWire(e) });
    }
  };

  const running = new Set<Promise<void>>();
  scope.addEventListener('message', (ev) => {
    const msg = ev.data;
    if (msg.type === 'init') {
      engine = createOcrEngine(msg.options);
      engine.then(() => scope.postMessage({ type: 'ready' }), fatal);
    } else if (msg.type === 'read') {
      const p = answer(msg).catch(fatal);
      running.add(p);
      void p.finally(() => running.delete(p));
    } else if (msg.type === 'close') {
      void Promise.allSettled([engine, ...running]).then(() => process.exit(0));
    }
  });
};

if (!Bun.isMainThread) serve(globalThis as unknown as Scope);
