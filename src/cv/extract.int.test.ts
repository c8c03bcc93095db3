/**
 * extractFrames against real ffmpeg: sample times and sizes, seek accuracy,
 * backpressure, early stop, abort, errors, and its speed beside ffmpeg
 * doing the same work with no pipe into Bun.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameColour, makeColourClip, rejection } from '../../test/clips.ts';
import { isAlive } from '../../test/faults/procs.ts';
import { corpusFile } from '../../test/corpus.ts';
import { isAppError } from '../errors.ts';
import { resolveBinaries } from '../media/binaries.ts';
import { runFfmpeg } from '../media/ffmpeg.ts';
import { type ExtractedFrame, extractArgs, extractFrames, probeSource, sampleCount, targetSize } from './extract.ts';

const bins = resolveBinaries();
const flower = corpusFile('video/mdn_flower.mp4'); // 960x540, 5.055 s
let dir = '';
/** 4 s at 30 fps, one keyframe: red, then green, blue and white from each whole second on. */
let colours = '';
/** 8 s of real footage at 1280x720 (mdn_flower scaled up and looped). */
let clip720 = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpr-extract-'));
  colours = await makeColourClip(join(dir, 'colours.mp4'));
  clip720 = join(dir, 'clip720.mp4');
  await runFfmpeg([
    '-stream_loop',
    '1',
    '-i',
    flower,
    '-t',
    '8',
    '-an',
    '-vf',
    'scale=1280:720',
    '-c:v',
    'libx264',
    '-preset',
    'superfast',
    '-crf',
    '23',
    clip720,
  ]);
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const collect = async (it: AsyncIterable<ExtractedFrame>): Promise<ExtractedFrame[]> => {
  const out: ExtractedFrame[] = [];
  for await (const f of it) out.push(f);
  return out;
};

const colourOf = (f: ExtractedFrame): string => frameColour(f.frame);

describe('targetSize and sampleCount (pure)', () => {
  test('fits the box keeping the aspect ratio, with even sides and no upscaling', () => {
    expect(targetSize({ width: 960, height: 540 }, {})).toEqual({ width: 960, height: 540 });
    expect(targetSize({ width: 960, height: 540 }, { width: 640 })).toEqual({ width: 640, height: 360 });
    expect(targetSize({ width: 960, height: 540 }, { width: 320, height: 100 })).toEqual({ width: 178, height: 100 });
    expect(targetSize({ width: 640, height: 360 }, { width: 1280 })).toEqual({ width: 640, height: 360 });
    expect(targetSize({ width: 641, height: 359 }, {})).toEqual({ width: 642, height: 360 });
  });

  test('counts the samples of [start, end): the end itself is not one', () => {
    expect(sampleCount(0, 2, 5)).toBe(10);
    expect(sampleCount(1.1, 3.3, 2)).toBe(5);
    expect(sampleCount(0, 1, 3)).toBe(3);
  });
});

describe('extractFrames', () => {
  test('yields frames at start + seq / fps, at the source size or fitted into the box', async () => {
    const frames = await collect(extractFrames({ input: flower, start: 1.1, end: 3.3, fps: 2 }));
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4]);
    for (const [i, t] of [1.1, 1.6, 2.1, 2.6, 3.1].entries()) expect(frames[i]!.t).toBeCloseTo(t, 9);
    for (const f of frames) expect(f.frame).toMatchObject({ width: 960, height: 540 });
    expect(frames[0]!.frame.data.length).toBe(960 * 540 * 3);
    const small = await collect(extractFrames({ input: flower, start: 0, end: 2, fps: 5, width: 320, height: 100 }));
    expect(small.length).toBe(10);
    expect(small[0]!.frame).toMatchObject({ width: 178, height: 100 });
  });

  test('seeks exactly: each sample shows the picture of its time, though the only keyframe is at 0', async () => {
    const frames = await collect(extractFrames({ input: colours, start: 0.25, end: 4, fps: 2, bins }));
    expect(frames.map((f) => f.t)).toEqual([0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.25, 3.75]);
    expect(frames.map(colourOf)).toEqual(['red', 'red', 'green', 'green', 'blue', 'blue', 'white', 'white']);
    const late = await collect(extractFrames({ input: colours, start: 2.5, end: 3.5, fps: 1, bins }));
    expect(late.map(colourOf)).toEqual(['blue']);
  });

  test('a range running past the end yields what there is; one starting past it is a validation error', async () => {
    const tail = await collect(extractFrames({ input: colours, start: 3, end: 10, fps: 2 }));
    expect(tail.length).toBeGreaterThanOrEqual(1);
    expect(tail.length).toBeLessThanOrEqual(2);
    const err = await rejection(extractFrames({ input: colours, start: 30, end: 31, fps: 2 }));
    expect(isAppError(err, 'validation')).toBe(true);
    expect(String((err as Error).message)).toContain('4.000 s long');
    // Inside the container's duration but after the last frame (the probe cannot tell).
    const late = await rejection(
      extractFrames({ input: colours, start: 3.99, end: 5, fps: 2, source: { width: 320, height: 180, duration: null, matrix: 'bt601', fullRange: false } }),
    );
    expect(isAppError(late, 'validation')).toBe(true);
  });

  test('bad input becomes an AppError with a sentence, not a raw exit code', async () => {
    const text = await rejection(extractFrames({ input: corpusFile('derived/text_file_renamed.mp4'), start: 0, end: 1, fps: 1 }));
    expect(isAppError(text, 'corrupt')).toBe(true);
    expect((text as Error).message).toContain('moov atom not found');
    const missing = await rejection(extractFrames({ input: join(dir, 'nope.mp4'), start: 0, end: 1, fps: 1 }));
    expect((missing as Error).message).toContain('does not exist');
    // ffmpeg itself failing (the probe skipped): the runner's reason and stderr tail.
    const noProbe = await rejection(
      extractFrames({
        input: corpusFile('derived/text_file_renamed.mp4'),
        start: 0,
        end: 1,
        fps: 1,
        source: { width: 320, height: 180, duration: null, matrix: 'bt601', fullRange: false },
      }),
    );
    expect(isAppError(noProbe, 'unrecoverable')).toBe(true);
    expect((noProbe as Error).message).toBe('ffmpeg cannot read this file: it is not a supported media file or it is damaged');
    expect((noProbe as { stderrTail?: string }).stderrTail).toBeString();
    const bad = await rejection(extractFrames({ input: flower, start: 2, end: 1, fps: 2 }));
    expect(isAppError(bad, 'validation')).toBe(true);
  });

  test('backpressure: a consumer that stops pulling holds ffmpeg to a frame or two ahead', async () => {
    let pid = 0;
    const it = extractFrames({ input: clip720, start: 0, end: 8, fps: 30, onSpawn: (p) => (pid = p) });
    const first = await it.next();
    expect(first.done).toBe(false);
    await Bun.sleep(1000);
    // wchar counts every byte ffmpeg wrote (pipe and stderr): no more than the frames in flight.
    const written = Number(/wchar:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
    expect(written).toBeLessThan(4 * 1280 * 720 * 3);
    await it.return();
    expect(isAlive(pid)).toBe(false);
  });

  test('a consumer that breaks early kills ffmpeg; an abort rejects as cancelled', async () => {
    let pid = 0;
    for await (const f of extractFrames({ input: clip720, start: 0, end: 8, fps: 30, onSpawn: (p) => (pid = p) })) if (f.seq === 2) break;
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);

    const ac = new AbortController();
    let seen = 0;
    const err = await rejection(
      (async function* () {
        for await (const f of extractFrames({ input: clip720, start: 0, end: 8, fps: 30, signal: ac.signal, onSpawn: (p) => (pid = p) })) {
          if (++seen === 3) ac.abort();
          yield f;
        }
      })(),
    );
    expect(isAppError(err, 'invalid_state')).toBe(true);
    expect((err as Error).message).toBe('cancelled');
    expect(seen).toBeLessThan(6);
    expect(isAlive(pid)).toBe(false);
  });

  test('probeSource: display size, duration and YUV matrix', async () => {
    expect(await probeSource(flower)).toEqual({ width: 960, height: 540, duration: 5.055, matrix: 'bt601', fullRange: false }); // tagged smpte170m
    expect((await probeSource(corpusFile('video/androidx_internal_emulator_transformer_output.mp4'))).matrix).toBe('bt709');
    // A phone clip stored 3840x2160 with a -90° display matrix shows as portrait.
    const portrait = await probeSource(corpusFile('video/androidx_portrait_4k60.mp4'));
    expect(portrait).toMatchObject({ width: 2160, height: 3840, fullRange: true }); // yuvj420p
    const frames = await collect(extractFrames({ input: corpusFile('video/androidx_portrait_4k60.mp4'), start: 0, end: 0.2, fps: 10, width: 360 }));
    expect(frames[0]!.frame).toMatchObject({ width: 360, height: 640 });
  });
});

/**
 * Colours: ffmpeg sends I420 and the reader converts (yuv.ts). Beside
 * ffmpeg's own RGB24 (which on 5.1 always uses BT.601 and its fast path
 * reads about a level dark), and beside the exact formula on ffmpeg's I420
 * of the same picture, with the matrix the video is tagged with.
 */
describe('colours of the frames', () => {
  const frames = async (input: string, convert: 'here' | 'ffmpeg', width?: number) =>
    (await collect(extractFrames({ input, start: 0, end: 1, fps: 2, width, convert }))).map((f) => f.frame.data);
  /** Mean absolute difference and the 99.9th percentile of the differences, over every byte of the frames. */
  const apart = (a: Uint8Array[], b: Uint8Array[]) => {
    const hist = new Float64Array(256);
    let sum = 0;
    let n = 0;
    for (const [k, x] of a.entries())
      for (let i = 0; i < x.length; i++) {
        const d = Math.abs(x[i]! - b[k]![i]!);
        hist[d]!++;
        sum += d;
        n++;
      }
    let acc = 0;
    const p999 = hist.findIndex((c) => {
      acc += c;
      return acc >= n * 0.999;
    });
    return { mean: sum / n, p999 };
  };

  test('match ffmpeg converting itself: limited range, and full range (a phone clip) brought to it', async () => {
    const flowerHere = await frames(flower, 'here');
    expect(flowerHere.length).toBe(2);
    const same = apart(flowerHere, await frames(flower, 'ffmpeg'));
    expect(same.mean).toBeLessThan(2);
    expect(same.p999).toBeLessThanOrEqual(4);
    const phone = corpusFile('video/androidx_portrait_4k60.mp4'); // yuvj420p, BT.601: full range
    const full = apart(await frames(phone, 'here', 360), await frames(phone, 'ffmpeg', 360));
    expect(full.mean).toBeLessThan(2.5);
    expect(full.p999).toBeLessThanOrEqual(12);
  }, 60_000);

  test('a BT.709 video is converted with BT.709, within a level of the exact formula', async () => {
    const input = corpusFile('video/androidx_internal_emulator_transformer_output.mp4'); // 1280x720, tagged bt709
    const [ours] = await frames(input, 'here');
    const yuvFile = join(dir, 'bt709.yuv');
    const [w, h] = [1280, 720];
    // ffmpeg's I420 of that very frame: our own arguments, written to a file.
    await runFfmpeg([...extractArgs({ input, start: 0, end: 0.5, fps: 2, width: w, height: h, pixFmt: 'yuv420p' }).slice(0, -1), '-y', yuvFile]);
    const yuv = readFileSync(yuvFile);
    expect(yuv.length).toBe((w * h * 3) / 2);
    const error = (kr: number, kb: number) => {
      const kg = 1 - kr - kb;
      let sum = 0;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const c = (y >> 1) * (w >> 1) + (x >> 1);
          const Y = ((yuv[y * w + x]! - 16) * 255) / 219;
          const U = ((yuv[w * h + c]! - 128) * 255) / 224;
          const V = ((yuv[(w * h * 5) / 4 + c]! - 128) * 255) / 224;
          const want = [Y + 2 * (1 - kr) * V, Y - ((2 * kb * (1 - kb)) / kg) * U - ((2 * kr * (1 - kr)) / kg) * V, Y + 2 * (1 - kb) * U];
          for (let k = 0; k < 3; k++) sum += Math.abs(ours![(y * w + x) * 3 + k]! - Math.max(0, Math.min(255, want[k]!)));
        }
      return sum / (w * h * 3);
    };
    const asTagged = error(0.2126, 0.0722);
    expect(asTagged).toBeLessThan(0.4); // rounding alone is 0.25
    expect(error(0.299, 0.114)).toBeGreaterThan(2 * asTagged); // read as BT.601 it is off (0.8 here)
  }, 60_000);
});

/**
 * Speed beside ffmpeg alone. The bare command is ours with /dev/null for the
 * pipe: the same decode, fps filter, scaling and I420 output, nothing
 * read by Bun. A plain decode with the fps filter to `-f null` (no scaling,
 * no rgb24) is printed as the floor. One round, printed for a reader of the
 * log: the figure itself is the benchmark's (bench/detect.ts measures it in
 * interleaved rounds), the test checks that every frame arrives.
 */
describe('extraction speed (1280x720, 8 s of H.264)', () => {
  const timed = async (f: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    await f();
    return performance.now() - t0;
  };
  const ffmpegAlone = (args: string[]) => async () => {
    const p = Bun.spawn([bins.ffmpeg, ...args], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore' });
    if ((await p.exited) !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed`);
  };
  const medianOf = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1]!;

  for (const fps of [2, 30]) {
    test(`at ${fps} fps our pipe keeps up with ffmpeg writing to /dev/null`, async () => {
      const source = { width: 1280, height: 720, duration: 8, matrix: 'bt601' as const, fullRange: false };
      const args = extractArgs({ input: clip720, start: 0, end: 8, fps, width: 1280, height: 720, pixFmt: 'yuv420p' });
      const toDevNull = [...args.slice(0, -1), '-y', '/dev/null'];
      const decodeOnly = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', clip720, '-an', '-vf', `fps=${fps}`, '-f', 'null', '-'];
      const t = { ours: [] as number[], devnull: [] as number[], decode: [] as number[] };
      let frames = 0;
      for (let round = 0; round < 1; round++) {
        t.decode.push(await timed(ffmpegAlone(decodeOnly)));
        t.devnull.push(await timed(ffmpegAlone(toDevNull)));
        t.ours.push(
          await timed(async () => {
            frames = (await collect(extractFrames({ input: clip720, start: 0, end: 8, fps, source }))).length;
          }),
        );
      }
      const [ours, devnull, decode] = [medianOf(t.ours), medianOf(t.devnull), medianOf(t.decode)];
      const rate = (ms: number) => ((frames / ms) * 1000).toFixed(1);
      console.log(
        `extract ${fps} fps, ${frames} frames: ours ${ours.toFixed(0)} ms (${rate(ours)} frames/s), same ffmpeg to /dev/null ${devnull.toFixed(0)} ms (${rate(devnull)}), ` +
          `decode+fps to -f null ${decode.toFixed(0)} ms (${rate(decode)}); ours/devnull speed ${(devnull / ours).toFixed(2)}, ours/decode ${(decode / ours).toFixed(2)}`,
      );
      // The speed itself is a benchmark's figure (bench/detect.ts, detect.extract_fps_ratio), never a test's assertion.
      expect(frames).toBe(sampleCount(0, 8, fps));
    }, 120_000);
  }
});
