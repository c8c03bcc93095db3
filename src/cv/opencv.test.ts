/**
 * The OpenCV.js loader and Mat hygiene: one module per process, and no
 * stage leaves Mats behind in the WebAssembly heap (checked two ways: every
 * Mat a stage makes is deleted when it returns, and 200 runs leave the
 * heap where it was).
 */
import { describe, expect, test } from 'bun:test';
import { detectEdges } from './edges.ts';
import { segmentField } from './field.ts';
import type { Box, RgbFrame } from './frame.ts';
import { heapMark, loadOpenCv, matScope, type OpenCv, rgbMat, workImage } from './opencv.ts';

const pitch = (): RgbFrame => {
  const width = 1280;
  const height = 720;
  const data = new Uint8Array(width * height * 3);
  const paint = (b: Box, rgb: [number, number, number]) => {
    for (let y = b.y; y < b.y + b.h; y++) for (let x = b.x; x < b.x + b.w; x++) data.set(rgb, (y * width + x) * 3);
  };
  paint({ x: 0, y: 0, w: width, h: height }, [47, 138, 58]);
  paint({ x: 0, y: 0, w: width, h: 110 }, [58, 64, 80]);
  paint({ x: 240, y: 110, w: 800, h: 60 }, [250, 250, 250]);
  paint({ x: 560, y: 125, w: 160, h: 30 }, [10, 10, 10]);
  paint({ x: 100, y: 420, w: 1080, h: 4 }, [250, 250, 250]);
  return { width, height, data };
};

interface Embind {
  isDeleted(): boolean;
}

/** The module behind a proxy that records every Mat and MatVector made through it (and each Mat a MatVector hands out). */
const counting = (ocv: OpenCv) => {
  const real = ocv.cv as unknown as Record<string, any>;
  const made: Embind[] = [];
  const track = <T>(m: T): T => {
    made.push(m as Embind);
    return m;
  };
  const wrap = (C: any) =>
    new Proxy(C, {
      construct(target, args): object {
        const inst = Reflect.construct(target, args) as any;
        if (target === real.MatVector) {
          const get = inst.get.bind(inst);
          inst.get = (i: number) => track(get(i));
        }
        return track(inst);
      },
    });
  const classes: Record<string, unknown> = { Mat: wrap(real.Mat), MatVector: wrap(real.MatVector) };
  const cv = new Proxy(real, {
    get(target, key) {
      if (typeof key === 'string' && key in classes) return classes[key];
      if (key === 'getStructuringElement') return (...a: unknown[]) => track(target.getStructuringElement(...a));
      return Reflect.get(target, key);
    },
  });
  return { ocv: { cv } as unknown as OpenCv, made: () => made.length, live: () => made.filter((m) => !m.isDeleted()).length };
};

describe('loadOpenCv', () => {
  test('loads once, wrapped: the same promise and module every time', async () => {
    const a = loadOpenCv();
    const b = loadOpenCv();
    expect(a).toBe(b);
    const { cv } = await a;
    expect(typeof cv.Mat).toBe('function');
    expect((await b).cv).toBe(cv);
    // The module itself is a thenable: the wrapper is what makes it awaitable.
    expect(typeof (cv as unknown as { then?: unknown }).then).toBe('function');
  });

  test('matScope frees everything it tracked, once', async () => {
    const ocv = await loadOpenCv();
    const scope = matScope();
    const frame = pitch();
    const full = rgbMat(ocv, frame, scope);
    const work = workImage(ocv, frame, 640, scope);
    expect([full.cols, full.rows]).toEqual([1280, 720]);
    expect([work.mat.cols, work.mat.rows, work.scale]).toEqual([640, 360, 0.5]);
    expect(full.data.subarray(0, 3)).toEqual(new Uint8Array([58, 64, 80]));
    scope.free();
    expect((full as unknown as Embind).isDeleted()).toBe(true);
    expect((work.mat as unknown as Embind).isDeleted()).toBe(true);
    scope.free();
  });
});

describe('no leaks in the OpenCV stages', () => {
  test('every Mat segmentField and detectEdges make is deleted when they return', async () => {
    const c = counting(await loadOpenCv());
    const frame = pitch();
    segmentField(c.ocv, frame);
    detectEdges(c.ocv, frame);
    expect(c.made()).toBeGreaterThan(15);
    expect(c.live()).toBe(0);
  });

  test('Mats are freed when a stage throws half way', async () => {
    const c = counting(await loadOpenCv());
    expect(() => segmentField(c.ocv, { width: 1280, height: 720, data: new Uint8Array(10) })).toThrow('not 1280x720x3');
    // OpenCV's own assertions, after the frame is in the heap: a zero-sized resize, an even blur kernel.
    const made = c.made();
    expect(() => segmentField(c.ocv, pitch(), { workWidth: 0 })).toThrow(/^OpenCV: .*resize/);
    expect(() => detectEdges(c.ocv, pitch(), { blurPx: 4 })).toThrow(/^OpenCV: .*ksize/);
    expect(c.made()).toBeGreaterThan(made);
    expect(c.live()).toBe(0);
  });

  test('200 runs of each stage on 1280x720 leave the heap where it was', async () => {
    const ocv = await loadOpenCv();
    const frame = pitch();
    for (let i = 0; i < 5; i++) {
      segmentField(ocv, frame);
      detectEdges(ocv, frame);
    }
    const before = heapMark(ocv);
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) {
      segmentField(ocv, frame);
      detectEdges(ocv, frame);
    }
    const after = heapMark(ocv);
    console.log(
      `200 x (segmentField + detectEdges): ${((performance.now() - t0) / 200).toFixed(1)} ms each; heap ${before.size} → ${after.size} bytes, next 32 MB block at ${before.top} → ${after.top}`,
    );
    expect(after).toEqual(before);
  }, 180_000);
});
