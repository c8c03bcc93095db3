/**
 * Brand detection, each figure beside a baseline measured in the same run:
 * - `detect.extract_fps_ratio`: extract_frames' frames/s on a 30 s 1280×720
 *   clip at 2 fps (RGB24 frames in Bun) ÷ a bare ffmpeg decode with the same
 *   fps and scale filters into nothing (RGB24 too), the medians of
 *   interleaved rounds (BENCH_EXTRACT_ROUNDS, default 9; the spread printed)
 *   (target ≥ 0.9). A decode with the fps filter alone (no scaling, no RGB)
 *   runs in the same rounds and its ratio is printed beside, as the floor;
 * - `detect.ocr_fps`: frames/s of the OCR pool (a worker per core, one ONNX
 *   thread each) on 1280×720 frames with boards, detection at 640 (aim ≥ 6);
 * - `detect.recall`, `detect.precision`: `mpr detect`'s run (generic_broadcast)
 *   on the labelled clips, the dev set and the held-out set it was not tuned on
 *   (target ≥ 0.95 each), the holdout's figures printed apart too;
 * - `detect.realtime_factor` (run time ÷ source duration, target ≤ 1.5) and
 *   `detect.peak_rss_mb` on a long 720p clip made here by looping a labelled
 *   clip (boards on most frames; BENCH_DETECT_MINUTES, default 10);
 * - through the server (bench/detect-server.ts: a System booted in-process,
 *   driven over its HTTP API), on a 30 s 1280×720 clip with boards:
 *   `detect.replay_speedup` = a full detect run (POST /api/detect/run to
 *   COMPLETED) ÷ a replay-stage of its match_brands with a stricter
 *   min_similarity (POST /api/detect/replay-stage to COMPLETED; it must reuse
 *   the OCR, running no OCR item) (target ≥ 20), and
 *   `detect.server_realtime_factor` = that full run's time ÷ the clip's
 *   duration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLabelledClips } from '../test/detect-clips.ts';
import { extractFrames, probeSource } from '../src/cv/extract.ts';
import { createOcrPool } from '../src/cv/ocr/pool.ts';
import { loadOpenCv } from '../src/cv/opencv.ts';
import { resolveBinaries } from '../src/media/binaries.ts';
import { builtinProfile, resolveProfile } from '../src/work/detect/profile.ts';
import { runLocal } from '../src/work/detect/run-local.ts';
import { scoreClips } from '../src/work/detect/score.ts';
import { bench, flush, median } from './_stats.ts';
import { benchServerDetect } from './detect-server.ts';

const bins = resolveBinaries();
const dir = mkdtempSync(join(tmpdir(), 'mpr-bench-detect-'));
const line = (label: string, value: string, vs?: string) => console.log(`${label.padEnd(50)} ${value.padStart(14)}${vs ? `   ${vs}` : ''}`);
const ffmpeg = async (args: string[]) => {
  const p = Bun.spawn([bins.ffmpeg, '-hide_banner', '-loglevel', 'error', '-y', ...args], { stderr: 'pipe' });
  if ((await p.exited) !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${await new Response(p.stderr).text()}`);
};
/** A 1280×720 H.264 clip of `seconds`: `source` (default the corpus flower footage) looped. */
const longClip = async (name: string, seconds: number, source = join(import.meta.dir, '../../shared/corpus/video/mdn_flower.mp4')) => {
  const out = join(dir, name);
  await ffmpeg([
    '-stream_loop',
    '-1',
    '-i',
    source,
    '-t',
    String(seconds),
    '-vf',
    'scale=1280:720',
    '-an',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '50',
    out,
  ]);
  return out;
};

const cores = cpus().length;
console.log(`${cores} cores`);
const ocr = createOcrPool({ size: cores });
try {
  // extract_frames against bare ffmpeg doing the same decode, fps and scale into nothing.
  const clip30 = await longClip('30s.mp4', 30);
  await ocr.ready(); // the OCR workers load their models first, not while extraction is timed
  // Rounds alternate (bare, ours, bare, ...) and each side's median is kept: one decode of 30 s takes about a
  // second and the machine is shared, so single runs swing by a third. The spread is printed beside the medians.
  const source = await probeSource(clip30, { bins });
  const rounds = Number(process.env.BENCH_EXTRACT_ROUNDS ?? 9);
  const bareRuns: number[] = [];
  const decodeRuns: number[] = [];
  const ourRuns: number[] = [];
  let frames = 0;
  for (let round = 0; round < rounds; round++) {
    const bare = performance.now();
    await ffmpeg(['-i', clip30, '-vf', 'fps=2,scale=1280:720', '-pix_fmt', 'rgb24', '-f', 'null', '-']);
    bareRuns.push(performance.now() - bare);
    const decode = performance.now();
    await ffmpeg(['-i', clip30, '-vf', 'fps=2', '-f', 'null', '-']);
    decodeRuns.push(performance.now() - decode);
    const ours = performance.now();
    frames = 0;
    for await (const f of extractFrames({ input: clip30, start: 0, end: 30, fps: 2, width: 1280, bins, source })) {
      frames++;
      f.release(); // as extract_frames does once a frame is encoded
    }
    ourRuns.push(performance.now() - ours);
  }
  const spread = (xs: number[], digits = 0) => `${Math.min(...xs).toFixed(digits)}..${Math.max(...xs).toFixed(digits)}`;
  const bareMs = median(bareRuns);
  const oursMs = median(ourRuns);
  const extractRatio = frames / oursMs / (60 / bareMs);
  const roundRatios = bareRuns.map((b, i) => frames / ourRuns[i]! / (60 / b));
  line(
    `bare ffmpeg decode, fps=2 + scale, 30 s (${rounds} rounds)`,
    `${(60000 / bareMs).toFixed(1)} fps`,
    `median ${bareMs.toFixed(0)} ms, ${spread(bareRuns)}`,
  );
  line(
    `extract_frames, 30 s at 2 fps (${rounds} rounds)`,
    `${((frames / oursMs) * 1000).toFixed(1)} fps`,
    `median ${oursMs.toFixed(0)} ms, ${spread(ourRuns)}`,
  );
  line("extract_frames ÷ bare, medians (each round's)", `${extractRatio.toFixed(2)}x`, `${spread(roundRatios, 2)}  target >= 0.9`);
  line(
    'extract_frames ÷ decode with the fps filter alone',
    `${(median(decodeRuns) / oursMs).toFixed(2)}x`,
    `decode median ${median(decodeRuns).toFixed(0)} ms (the floor: no scaling, no RGB)`,
  );

  // OCR alone: frames with boards, as fast as the pool reads them.
  const [first] = await makeLabelledClips(join(dir, 'dev'), { set: 'dev' });
  const boards: Uint8Array[] = [];
  for await (const f of extractFrames({ input: first!.path, start: 0, end: first!.seconds, fps: 2, width: 1280, bins })) boards.push(f.frame.data);
  await ocr.ready();
  const ocrStart = performance.now();
  await Promise.all(boards.map((data) => ocr.read({ width: 1280, height: 720, data }, { detWidth: 640, minConfidence: 0.5 })));
  const ocrFps = (boards.length / (performance.now() - ocrStart)) * 1000;
  line(`OCR pool (${ocr.stats().size} workers), 1280x720, det 640`, `${ocrFps.toFixed(1)} fps`, 'aim >= 6');

  // Recall and precision: the dev clips, and the held-out ones.
  const score = async (set: 'dev' | 'holdout') => {
    const clips = await makeLabelledClips(join(dir, set), { set });
    const runs = [];
    for (const c of clips) {
      const r = await runLocal({
        sources: [{ input: c.path, start: 0, end: null }],
        profile: resolveProfile(builtinProfile('generic_broadcast')!),
        brands: c.brands,
        bins,
        ocr,
        opencv: loadOpenCv,
        window: 2 * cores,
      });
      runs.push({ name: c.name, truth: c.truth, predicted: r.report.intervals });
    }
    return scoreClips(runs).overall;
  };
  const dev = await score('dev');
  const holdout = await score('holdout');
  const all = { matched: dev.matched + holdout.matched, truth: dev.truth + holdout.truth, predicted: dev.predicted + holdout.predicted };
  const recall = all.matched / all.truth;
  const precision = all.matched / all.predicted;
  line('labelled clips, dev: recall / precision', `${dev.recall.toFixed(3)} / ${dev.precision.toFixed(3)}`, `${dev.matched} of ${dev.truth} intervals`);
  line(
    'labelled clips, held out: recall / precision',
    `${holdout.recall.toFixed(3)} / ${holdout.precision.toFixed(3)}`,
    `${holdout.matched} of ${holdout.truth}`,
  );

  // A long source: time against its duration, and the most memory held.
  const minutes = Number(process.env.BENCH_DETECT_MINUTES ?? 10);
  // The first labelled clip looped: boards that come and go on most frames, as a broadcast has them (OCR reads every one).
  const long = await longClip('long.mp4', minutes * 60, first!.path);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 200);
  const runStart = performance.now();
  await runLocal({
    sources: [{ input: long, start: 0, end: null }],
    profile: resolveProfile(builtinProfile('generic_broadcast')!),
    brands: first!.brands,
    bins,
    ocr,
    opencv: loadOpenCv,
    window: 2 * cores,
  });
  const runMs = performance.now() - runStart;
  clearInterval(sampler);
  const realtime = runMs / 1000 / (minutes * 60);
  line(`${minutes} min of 720p with boards, generic_broadcast`, `${(runMs / 1000).toFixed(1)} s`, `${realtime.toFixed(2)}x its duration  target <= 1.5`);
  line('peak RSS of this process (workers included)', `${(peak / 1024 / 1024).toFixed(0)} MB`, 'target < 1024');

  // The server has OCR workers of its own: this process's go first, so the two sets never share the cores or the memory.
  await ocr.close();
  const server = await benchServerDetect(line);

  bench('detect.extract_fps_ratio', extractRatio, 'x');
  bench('detect.ocr_fps', ocrFps, 'frames/s');
  bench('detect.recall', recall, '');
  bench('detect.precision', precision, '');
  bench('detect.holdout_recall', holdout.recall, '');
  bench('detect.holdout_precision', holdout.precision, '');
  bench('detect.realtime_factor', realtime, 'x');
  bench('detect.peak_rss_mb', peak / 1024 / 1024, 'MB');
  bench('detect.replay_speedup', server.replaySpeedup, 'x');
  bench('detect.server_realtime_factor', server.realtimeFactor, 'x');
  bench('detect.cores', cores, 'cores');
  flush();
} finally {
  await ocr.close();
  rmSync(dir, { recursive: true, force: true });
}
