/**
 * The OCR pool on real Bun Workers and the real models: frames and encoded
 * images in, lines out, buffers moved rather than copied, a crashing worker
 * replaced, cancellation and close. Each worker loads both models (about a
 * second, more on a busy machine), so the tests share pools where they can.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../errors.ts';
import { loadOcrModels } from './engine.ts';
import { createOcrPool, type OcrPool } from './pool.ts';
import { boardFrame, corpusFile, hasPhrase, videoFrame } from './test-frames.ts';

const failure = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected the read to reject');
};

let pool: OcrPool;
beforeAll(async () => {
  pool = createOcrPool({ size: 2 });
  await pool.ready();
});
afterAll(() => pool.close());

describe('OCR pool', () => {
  test('reads decoded frames and encoded images on two workers at once; the buffers move', async () => {
    const { frame } = boardFrame({ text: 'ZANTORA', x: 820, y: 440, size: 64 });
    const jpeg = await Bun.file(corpusFile('image/gutenye_en-01.jpg')).bytes();
    const reads = [pool.read(frame), pool.read(jpeg)];
    expect(pool.stats()).toMatchObject({ size: 2, busy: 2, queued: 0, alive: 2 });
    const [board, label] = await Promise.all(reads);
    expect(board!.map((l) => l.text)).toEqual(['ZANTORA']);
    expect(hasPhrase(label!.map((l) => l.text).join(' '), 'MACHINE WASH COLD')).toBe(true);
    expect(frame.data.byteLength).toBe(0); // transferred, not copied
    expect(jpeg.byteLength).toBe(0);
  });

  test('a frame that is a view on a larger buffer is copied, leaving the caller its buffer', async () => {
    const { frame } = boardFrame({ text: 'ZANTORA', x: 820, y: 440, size: 64 });
    const big = new Uint8Array(frame.data.length + 16);
    big.set(frame.data, 8);
    const view = { ...frame, data: big.subarray(8, 8 + frame.data.length) };
    expect((await pool.read(view)).map((l) => l.text)).toEqual(['ZANTORA']);
    expect(big.byteLength).toBe(frame.data.length + 16);
  });

  test('readRegions and read options go through', async () => {
    const { frame, board } = boardFrame({ text: 'ZANTORA', x: 820, y: 440, size: 64 });
    const copy = { ...frame, data: frame.data.slice() };
    expect((await pool.readRegions(frame, [board])).map((l) => l.text)).toEqual(['ZANTORA']);
    expect(await pool.read(copy, { minConfidence: 1.01 })).toEqual([]);
  });

  test('a task error comes back as the same AppError, and the worker stays', async () => {
    const e = await failure(pool.read({ width: 10, height: 10, data: new Uint8Array(7) }));
    expect(e.code).toBe('validation');
    const bad = await failure(pool.read(new Uint8Array([1, 2, 3])));
    expect(bad.code).toBe('corrupt');
    expect(pool.stats().alive).toBe(2);
  });

  test('cancelling rejects a running read at once (its worker finishes the frame) and takes a queued one off the queue', async () => {
    const frame = () => videoFrame('androidx_testvid_1022ms.mp4', 0.5, 1280, 720);
    const ac = new AbortController();
    const reads = [pool.read(frame(), { signal: ac.signal }), pool.read(frame(), { signal: ac.signal }), pool.read(frame(), { signal: ac.signal })];
    expect(pool.stats()).toMatchObject({ busy: 2, queued: 1 });
    ac.abort();
    for (const r of reads) expect((await failure(r)).message).toBe('cancelled');
    expect(pool.stats()).toMatchObject({ queued: 0, alive: 2 });
    const lines = await pool.read(frame());
    expect(lines.some((l) => hasPhrase(l.text, 'NTSC SQUARE'))).toBe(true);
  });
});

describe('OCR pool failures', () => {
  test('a worker that crashes rejects its read with a clear error and is replaced', async () => {
    // The real worker, behind a listener that exits on a 13-pixel-wide frame, as a crash in native code would.
    const dir = mkdtempSync(join(tmpdir(), 'mpr-ocr-crash-'));
    try {
      const entry = join(dir, 'crash-worker.ts');
      writeFileSync(
        entry,
        `import ${JSON.stringify(join(import.meta.dir, 'worker.ts'))};\n` +
          `self.addEventListener('message', (ev) => { if (ev.data.type === 'read' && ev.data.frame.width === 13) process.exit(3); });\n`,
      );
      const crashing = createOcrPool({ size: 1, entry });
      try {
        await crashing.ready();
        const e = await failure(crashing.read({ width: 13, height: 2, data: new Uint8Array(13 * 2 * 3) }));
        expect(e.code).toBe('unavailable');
        expect(e.message).toMatch(/^the OCR worker died: it exited with code 3/);
        const { frame } = boardFrame({ text: 'ZANTORA', x: 820, y: 440, size: 64 });
        expect((await crashing.read(frame)).map((l) => l.text)).toEqual(['ZANTORA']);
        expect(crashing.stats()).toMatchObject({ alive: 1, busy: 0 });
      } finally {
        await crashing.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('models that do not load: ready() and the read say why', async () => {
    const models = await loadOcrModels();
    const broken = createOcrPool({ size: 1, models: { ...models, det: new Uint8Array([1, 2, 3, 4]) } });
    try {
      const e = await failure(broken.ready());
      expect(e.message).toMatch(/OCR detection model does not load/);
      const r = await failure(broken.read({ width: 2, height: 2, data: new Uint8Array(12) }));
      expect(r.code).toBe('unavailable');
      expect(r.message).toMatch(/^the OCR worker died: the OCR detection model does not load/);
    } finally {
      await broken.close();
    }
  });

  test('close rejects running and queued reads, and later ones', async () => {
    const p = createOcrPool({ size: 1 });
    const frame = () => videoFrame('androidx_testvid_1022ms.mp4', 0.5, 640, 360);
    const reads = [p.read(frame()), p.read(frame())].map(failure);
    expect(p.stats()).toMatchObject({ busy: 1, queued: 1 });
    await p.close();
    for (const r of reads) expect((await r).message).toBe('the OCR pool closed');
    expect((await failure(p.read(frame()))).message).toBe('the OCR pool is closed');
  });

  test('refuses a size under 1', () => {
    expect(() => createOcrPool({ size: 0 })).toThrow(AppError);
  });
});

describe('OCR pool speed', () => {
  test('frames per second at 1280x720 with 2 workers, detection at 640 (printed, not asserted)', async () => {
    const base = boardFrame({ text: 'ZANTORA', x: 820, y: 440, size: 64 }).frame;
    const n = 16;
    const frames = Array.from({ length: n }, () => ({ ...base, data: base.data.slice() }));
    await Promise.all([pool.read(frames.pop()!), pool.read(frames.pop()!)]); // warm both
    const t0 = performance.now();
    const all = await Promise.all(frames.map((f) => pool.read(f)));
    const s = (performance.now() - t0) / 1000;
    expect(all.every((lines) => lines.some((l) => l.text === 'ZANTORA'))).toBe(true);
    console.log(`[ocr] pool of 2, board over footage: ${(frames.length / s).toFixed(1)} fps (${frames.length} frames in ${s.toFixed(2)} s)`);
  }, 120_000);
});
