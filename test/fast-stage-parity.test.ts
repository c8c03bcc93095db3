/**
 * The browser's fast path computes what the server computes. Frames of a
 * corpus clip go the server's way (ffmpeg extraction, the frame cache's
 * JPEG, sharp's decode, as extract_frames and the per-frame steps do); the
 * same decoded pixels, as the RGBA a canvas hands the worker, go the
 * browser's way (rgbaToRgb, OpenCV.js made ready by the browser's loader,
 * runFastStage with the stage's settings as GET /detect/config/stages
 * describes them). Field share, regions, segments and board proposals must
 * be identical, on the defaults and on moved sliders.
 *
 * Run from the repo root: `bun test test/fast-stage-parity.test.ts`.
 */
import { beforeAll, describe, expect, test } from 'bun:test';
// As the worker imports it (the server require()s the same module).
import cv from '@techstark/opencv-js';
import { detectEdges } from '../src/cv/edges.ts';
import { extractFrames } from '../src/cv/extract.ts';
import { segmentField } from '../src/cv/field.ts';
import type { RgbFrame } from '../src/cv/frame.ts';
import { decodeImage, encodeJpeg } from '../src/cv/image.ts';
import { loadOpenCv, type OpenCv } from '../src/cv/opencv.ts';
import { parseConfig } from '../src/work/detect/config-spec.ts';
import { edgeOptions, fieldOptions } from '../src/work/detect/engine-configs.ts';
import { describeStage, stageInfo } from '../src/work/detect/stages.ts';
import { corpusFile } from './corpus.ts';
import { type FastStageName, rgbaToRgb, runFastStage, type StageSettings } from '../ui/src/cv/fast-stage-core.ts';
import { openCvReady } from '../ui/src/cv/opencv-ready.ts';

/** Big Buck Bunny in 1080p at 1.5 s and 2 s: the meadow comes in (6-7 % field), with trees and edges enough for board proposals. */
const CLIP = 'video/androidx_bbb_2500ms.ts';

let server: OpenCv;
let browser: OpenCv;
const frames: RgbFrame[] = [];

/** What a canvas's getImageData gives for a decoded JPEG: the same pixels, opaque. */
const asCanvasRgba = (f: RgbFrame): Uint8ClampedArray => {
  const out = new Uint8ClampedArray(f.width * f.height * 4);
  for (let i = 0, o = 0; i < f.data.length; i += 3, o += 4) {
    out[o] = f.data[i]!;
    out[o + 1] = f.data[i + 1]!;
    out[o + 2] = f.data[i + 2]!;
    out[o + 3] = 255;
  }
  return out;
};

beforeAll(async () => {
  server = await loadOpenCv();
  browser = await openCvReady(cv);
  // extract_frames' defaults: 2 fps, at most 1280 wide, JPEG quality 85; the stages read the JPEG back.
  const extract = describeStage(stageInfo('extract_frames')!).defaults as { fps: number; width: number; jpeg_quality: number };
  for await (const f of extractFrames({ input: corpusFile(CLIP), start: 1.5, end: 2.5, fps: extract.fps, width: extract.width })) {
    frames.push(await decodeImage(await encodeJpeg(f.frame, extract.jpeg_quality)));
  }
}, 60_000);

/** The settings the panel sends: the stage's defaults (from its description) under the sliders moved. */
const panelSettings = (stage: FastStageName, moved: StageSettings): StageSettings => ({ ...describeStage(stageInfo(stage)!).defaults, ...moved });

/** The server's way: the profile's slice parsed against the stage's spec, then its engine's options. */
const serverConfig = (stage: FastStageName, moved: StageSettings) => parseConfig(stageInfo(stage)!.config, moved, `configs.${stage}`);

const browserRun = (f: RgbFrame, stage: FastStageName, moved: StageSettings) =>
  runFastStage(browser, rgbaToRgb(asCanvasRgba(f), f.width, f.height), stage, panelSettings(stage, moved));

describe('fast path parity with the server', () => {
  test('the frames are real: decoded from the corpus clip at the cache width', () => {
    expect(frames.length).toBe(2);
    // Cached at 1280 wide; the stages work at 640 (or the slider's width) and scale back.
    expect(frames[0]!.width).toBe(1280);
    expect(frames[0]!.height).toBe(720);
    expect(browser.cv).toBe(server.cv); // one module, made ready by either loader
  });

  test('rgbaToRgb gives back exactly the packed RGB the server decoded', () => {
    const f = frames[0]!;
    const back = rgbaToRgb(asCanvasRgba(f), f.width, f.height);
    expect(back.width).toBe(f.width);
    expect(Buffer.compare(Buffer.from(back.data), Buffer.from(f.data))).toBe(0);
    expect(() => rgbaToRgb(new Uint8ClampedArray(10), 2, 2)).toThrow('the decoded image holds 10 bytes, not 2x2x4');
  });

  for (const moved of [{}, { hue: [30, 90], saturation_min: 25, value_min: 60, work_width: 480, min_region_share: 0.01 }] as StageSettings[]) {
    test(`segment_field: same share, mask and regions (${Object.keys(moved).length ? 'sliders moved' : 'defaults'})`, () => {
      for (const f of frames) {
        const want = segmentField(server, f, fieldOptions(serverConfig('segment_field', moved)));
        const got = browserRun(f, 'segment_field', moved);
        if (got.stage !== 'segment_field') throw new Error('wrong stage');
        expect(got.share).toBe(want.share);
        expect(got.regions).toEqual(want.regions);
        expect(got.scale).toBe(want.scale);
        expect(got.mask.width).toBe(want.mask.width);
        expect(Buffer.compare(Buffer.from(got.mask.data), Buffer.from(want.mask.data))).toBe(0);
        expect(got.width).toBe(f.width);
      }
      // Not a vacuous match: the meadow is field, and there is something besides.
      const last = browserRun(frames[1]!, 'segment_field', moved);
      expect(last.stage === 'segment_field' && last.share).toBeGreaterThan(0.03);
      expect(last.stage === 'segment_field' && last.regions.length).toBeGreaterThan(0);
    });
  }

  for (const moved of [
    {},
    { canny_low: 30, canny_high: 90, hough_threshold: 25, min_line_share: 0.04, min_board_aspect: 1.5, max_proposals: 50 },
  ] as StageSettings[]) {
    test(`detect_edges: same segments and board proposals (${Object.keys(moved).length ? 'sliders moved' : 'defaults'})`, () => {
      let segments = 0;
      let proposals = 0;
      for (const f of frames) {
        const want = detectEdges(server, f, edgeOptions(serverConfig('detect_edges', moved)));
        const got = browserRun(f, 'detect_edges', moved);
        if (got.stage !== 'detect_edges') throw new Error('wrong stage');
        expect(got.segments).toEqual(want.segments);
        expect(got.proposals).toEqual(want.proposals);
        expect(got.scale).toBe(want.scale);
        segments += got.segments.length;
        proposals += got.proposals.length;
      }
      expect(segments).toBeGreaterThan(0);
      expect(proposals).toBeGreaterThan(0);
    });
  }

  test('moving a slider changes the answer (the settings reach the engine)', () => {
    const f = frames[1]!;
    const loose = browserRun(f, 'detect_edges', { canny_low: 20, canny_high: 60, hough_threshold: 20 });
    const strict = browserRun(f, 'detect_edges', { canny_low: 200, canny_high: 250, hough_threshold: 200 });
    expect(loose.stage === 'detect_edges' && strict.stage === 'detect_edges' && loose.segments.length > strict.segments.length).toBe(true);
    const wide = browserRun(f, 'segment_field', { hue: [20, 100], saturation_min: 10 });
    const narrow = browserRun(f, 'segment_field', { hue: [60, 62] });
    expect(wide.stage === 'segment_field' && narrow.stage === 'segment_field' && wide.share > narrow.share).toBe(true);
  });
});
