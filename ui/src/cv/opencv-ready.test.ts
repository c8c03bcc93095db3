/** The browser's OpenCV.js loader: ready at once, after the runtime's signal, or refused in words; never awaits the module (it is a thenable). */
import { describe, expect, test } from 'bun:test';
import { openCvReady } from './opencv-ready.ts';

/** A module like Emscripten's: a `then` that never settles until its runtime is up. */
const emscripten = () => {
  const m: Record<string, unknown> = {};
  // biome-ignore lint/suspicious/noThenProperty: Emscripten's module is a thenable, which is what the loader must cope with
  m.then = (f: (x: unknown) => void) => {
    const old = m.onRuntimeInitialized as (() => void) | undefined;
    m.onRuntimeInitialized = () => {
      old?.();
      f(m);
    };
    return m;
  };
  const start = () => {
    m.Mat = function Mat() {};
    (m.onRuntimeInitialized as (() => void) | undefined)?.();
  };
  return { m, start };
};

describe('openCvReady', () => {
  test('a module already up is wrapped as { cv } at once', async () => {
    const { m, start } = emscripten();
    start();
    const o = await openCvReady(m);
    expect(o.cv as unknown).toBe(m);
  });

  test('a module still starting resolves when its runtime is up, keeping a hook set before', async () => {
    const { m, start } = emscripten();
    let hooked = 0;
    (m.then as (f: () => void) => void)(() => hooked++);
    let done = false;
    const ready = openCvReady(m).then((o) => {
      done = true;
      return o;
    });
    await Bun.sleep(5);
    expect(done).toBe(false);
    start();
    expect((await ready).cv as unknown).toBe(m);
    expect(hooked).toBe(1);
  });

  test('a runtime that never comes up is refused in words', async () => {
    const { m } = emscripten();
    await expect(openCvReady(m, 20)).rejects.toThrow('OpenCV.js did not initialise within 0.02 s');
    await expect(openCvReady(undefined)).rejects.toThrow('OpenCV.js did not load (the package exported nothing)');
  });
});
