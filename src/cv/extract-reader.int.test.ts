/**
 * extractFrames' two readers against real ffmpeg (extract.int.test.ts holds
 * the rest of the contract, on the default reader): the stream fallback
 * keeps the same promise, frames given back with release() come back as
 * later frames without disturbing kept ones, two extractions at once, and
 * the stall watchdog.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAppError } from '../errors.ts';
import { isFfmpegStall } from '../media/ffmpeg.ts';
import { frameColour, makeColourClip, rejection } from '../../test/clips.ts';
import { isAlive } from '../../test/faults/procs.ts';
import { type ExtractedFrame, extractFrames } from './extract.ts';

let dir = '';
/** 4 s at 30 fps, 640x360: red, then green, blue and white from each whole second on (makeColourClip). */
let colours = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpr-extract-reader-'));
  colours = await makeColourClip(join(dir, 'colours.mp4'), '640x360');
}, 60_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const colour = (f: ExtractedFrame) => frameColour(f.frame);

const EXPECTED = ['red', 'red', 'green', 'green', 'blue', 'blue', 'white', 'white'];

for (const via of ['worker', 'stream'] as const) {
  describe(`extractFrames via ${via}`, () => {
    test('frames in order with the right pictures; early break kills ffmpeg; a range with no frames is a validation error', async () => {
      const seen: string[] = [];
      for await (const f of extractFrames({ input: colours, start: 0.25, end: 4, fps: 2, via })) seen.push(colour(f));
      expect(seen).toEqual(EXPECTED);
      let pid = 0;
      for await (const f of extractFrames({ input: colours, start: 0, end: 4, fps: 30, via, onSpawn: (p) => (pid = p) })) if (f.seq === 1) break;
      expect(isAlive(pid)).toBe(false);
      const late = await rejection(
        extractFrames({
          input: colours,
          start: 3.99,
          end: 5,
          fps: 2,
          via,
          source: { width: 640, height: 360, duration: null, matrix: 'bt601', fullRange: false },
        }),
      );
      expect(isAppError(late, 'validation')).toBe(true);
    }, 60_000);

    test('a consumer that holds frames back is no stall; ffmpeg stopped mid-run is one, and is killed', async () => {
      let n = 0;
      for await (const f of extractFrames({ input: colours, start: 0, end: 4, fps: 30, via, stallMs: 1000 })) {
        if (n++ < 2) await Bun.sleep(1500);
        f.release();
      }
      expect(n).toBe(120);

      let pid = 0;
      const t0 = performance.now();
      const err = await rejection(
        (async function* () {
          for await (const f of extractFrames({ input: colours, start: 0, end: 4, fps: 30, via, stallMs: 400, onSpawn: (p) => (pid = p) })) {
            if (f.seq === 0) process.kill(pid, 'SIGSTOP');
            yield f;
          }
        })(),
      );
      expect(isFfmpegStall(err)).toBe(true);
      expect(isAppError(err, 'unavailable')).toBe(true);
      expect((err as { stalledSeconds: number }).stalledSeconds).toBe(0.4);
      expect((err as Error).message).toBe('ffmpeg sent nothing for 0.4 s (hung or stopped): killed');
      expect(performance.now() - t0).toBeLessThan(20_000);
      expect(isAlive(pid)).toBe(false);
    }, 60_000);
  });
}

describe('release', () => {
  test('released buffers come back as later frames, with their own pixels; kept frames stay as they were', async () => {
    const kept: ExtractedFrame[] = [];
    const seen: string[] = [];
    for await (const f of extractFrames({ input: colours, start: 0.25, end: 4, fps: 2 })) {
      seen.push(colour(f));
      if (f.seq % 2 === 0) kept.push(f);
      else {
        f.release();
        expect(f.frame.data.byteLength).toBe(0); // moved back to the reader: no stale pixels to misread
        f.release(); // twice is harmless
      }
    }
    expect(seen).toEqual(EXPECTED);
    expect(kept.map(colour)).toEqual(['red', 'green', 'blue', 'white']);
  }, 60_000);

  test('two extractions at once each get their own frames', async () => {
    const run = async (start: number) => {
      const out: string[] = [];
      for await (const f of extractFrames({ input: colours, start, end: start + 2, fps: 4 })) {
        out.push(colour(f));
        f.release();
      }
      return out;
    };
    const [a, b] = await Promise.all([run(0.1), run(2.1)]);
    expect(a).toEqual(['red', 'red', 'red', 'red', 'green', 'green', 'green', 'green']);
    expect(b).toEqual(['blue', 'blue', 'blue', 'blue', 'white', 'white', 'white', 'white']);
  }, 60_000);
});
