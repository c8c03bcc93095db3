/**
 * Detection through the server, driven as a user drives it: a System booted
 * in-process as src/work/detect/detect-run.int.test.ts boots it (on SQLite,
 * default worker count), every step an HTTP call through the app: the clip put
 * into the input store and scanned, a timeline and a brand list made, POST
 * /api/detect/run, GET /api/detect/status/:jobId polled until COMPLETED, then
 * POST /api/detect/replay-stage of match_brands with a stricter
 * min_similarity and its job polled the same way.
 *
 * The clip is 30 s of 1280×720 with brand boards: the three dev labelled
 * clips (test/detect-clips.ts) at 10 s each, joined. A warm-up run on another
 * timeline (the first seconds of the same asset) comes first, so the timed
 * run finds the OCR models and OpenCV loaded as a server that has run before
 * would, and the ratio is not flattered by their start-up.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/http/app.ts';
import { runFfmpeg } from '../src/media/ffmpeg.ts';
import type { System } from '../src/system.ts';
import { scoreClip } from '../src/work/detect/score.ts';
import { apiCaller } from '../test/api.ts';
import { adminHeaders } from '../test/auth.ts';
import { makeLabelledClips, type TruthInterval } from '../test/detect-clips.ts';
import { testEnv } from '../test/system.ts';

type Json = any;

/** Seconds of each dev clip; three of them make the 30 s timeline. */
const PART_SECONDS = 10;
/** The replay's setting: the profile matches at 0.8. */
const STRICTER = { min_similarity: 0.9 };
/** How often status is asked: fine beside runs of seconds, and light on the cores the run needs. */
const POLL_MS = 20;

export interface ServerDetectFigures {
  clipSeconds: number;
  warmupMs: number;
  fullMs: number;
  replayMs: number;
  /** OCR work items the replay planned (0 when it reused the parent's OCR). */
  replayOcrItems: number;
  /** fullMs ÷ replayMs. */
  replaySpeedup: number;
  /** Full run time ÷ the clip's duration. */
  realtimeFactor: number;
}

/** The dev clips at PART_SECONDS each, joined into one file, with the truth moved onto the joined timeline. */
const joinedClip = async (dir: string) => {
  const parts = await makeLabelledClips(dir, { seconds: PART_SECONDS, set: 'dev' });
  const list = join(dir, 'parts.txt');
  writeFileSync(list, parts.map((p) => `file '${p.path}'\n`).join(''));
  const path = join(dir, 'joined.mp4');
  // The parts share codec, size, rate and GOP: the concat demuxer joins them without re-encoding.
  await runFfmpeg(['-f', 'concat', '-safe', '0', '-i', list, '-c', 'copy', '-movflags', '+faststart', path]);
  const truth: TruthInterval[] = parts.flatMap((p, i) => p.truth.map((t) => ({ ...t, start: t.start + i * PART_SECONDS, end: t.end + i * PART_SECONDS })));
  return { path, seconds: parts.length * PART_SECONDS, brands: parts[0]!.brands, truth };
};

/**
 * Boots a server, runs the joined clip through it, replays match_brands, and
 * prints each step; returns the figures. Everything it started is stopped
 * and its folders removed before it returns or throws.
 */
export const benchServerDetect = async (line: (label: string, value: string, vs?: string) => void): Promise<ServerDetectFigures> => {
  const dir = mkdtempSync(join(tmpdir(), 'mpr-bench-detect-server-'));
  const env = testEnv('sqlite', 'bench-detect');
  try {
    const clipDir = join(dir, 'clip');
    mkdirSync(clipDir);
    const clip = await joinedClip(clipDir);

    const s: System = await env.boot();
    await s.start();
    const app = createApp(s);
    const auth = await adminHeaders(s);
    const call = apiCaller({ handle: (r) => app.handle(r) }, () => auth);
    const ok = async (method: string, path: string, body?: unknown) => {
      const r = await call(method, path, body);
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.json)}`);
      return r.json as Json;
    };
    const poll = async (what: string, done: () => Promise<boolean>, ms = 600_000) => {
      const deadline = performance.now() + ms;
      while (!(await done())) {
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await Bun.sleep(POLL_MS);
      }
    };
    /** Polls a job's status until COMPLETED (a FAILED or CANCELLED one throws); its last status. */
    const completed = async (jobId: string): Promise<Json> => {
      let st: Json = null;
      await poll(`job ${jobId} to complete`, async () => {
        st = await ok('GET', `/api/detect/status/${jobId}`);
        if (st.status === 'FAILED' || st.status === 'CANCELLED') throw new Error(`job ${jobId} ${st.status}: ${st.error}`);
        return st.status === 'COMPLETED';
      });
      return st;
    };
    const stageOf = (st: Json, name: string) => st.stages.find((x: Json) => x.stage === name);
    /** Where a run's time went: the stages that took any, in order. */
    const stageTimes = (st: Json) =>
      (st.stages as Json[])
        .filter((x) => x.ms > 0)
        .map((x) => `${x.stage} ${(x.ms / 1000).toFixed(2)}`)
        .join(', ');
    const ocrItems = async (jobId: string) => ((await s.actors.job(jobId).load()).state.plan ?? []).filter((c) => c.stage === 'ocr').length;
    const intervalsOf = async (jobId: string) => (await ok('GET', `/api/detect/jobs/${jobId}`)).result.report.intervals as Json[];

    await s.storage.input.putFile('bench.mp4', clip.path);
    await ok('POST', '/api/assets/scan', {});
    const asset = ((await ok('GET', '/api/assets')).items as Json[]).find((a) => a.key === 'bench.mp4');
    if (!asset) throw new Error('the scan did not register bench.mp4');
    await poll('the asset to be ready', async () => (await ok('GET', `/api/assets/${asset.id}`)).status === 'ready', 60_000);
    const timeline = async (name: string, end: number) =>
      (await ok('POST', '/api/detect/timeline', { name, picks: [{ assetId: asset.id, start: 0, end }] })).id;
    const brandListId = (await ok('POST', '/api/detect/brands', { name: 'dev', brands: clip.brands })).id;
    const runOf = (timelineId: string) => ok('POST', '/api/detect/run', { timelineId, profile: 'generic_broadcast', brandListId });

    // Warm-up on its own timeline (so its own frame cache): loads the OCR pool and OpenCV.
    const warmAt = performance.now();
    await completed((await runOf(await timeline('warm-up', 4))).jobId);
    const warmupMs = performance.now() - warmAt;
    line('server: warm-up run, 4 s (loads OCR, OpenCV)', `${(warmupMs / 1000).toFixed(1)} s`);

    const timelineId = await timeline('bench', clip.seconds);
    const fullAt = performance.now();
    const jobId = (await runOf(timelineId)).jobId as string;
    const full = await completed(jobId);
    const fullMs = performance.now() - fullAt;
    const realtimeFactor = fullMs / 1000 / clip.seconds;
    line(
      `server: full run, ${clip.seconds} s of 720p, generic_broadcast`,
      `${(fullMs / 1000).toFixed(2)} s`,
      `${realtimeFactor.toFixed(2)}x its duration, ${await ocrItems(jobId)} OCR items`,
    );
    line('  stages (s)', '', stageTimes(full));

    const replayAt = performance.now();
    const replayId = (await ok('POST', '/api/detect/replay-stage', { jobId, stage: 'match_brands', overrides: STRICTER, downstream: true })).jobId as string;
    const replay = await completed(replayId);
    const replayMs = performance.now() - replayAt;
    const replayOcrItems = await ocrItems(replayId);
    const ocr = stageOf(replay, 'ocr');
    line(
      `server: replay match_brands, min_similarity ${STRICTER.min_similarity}`,
      `${(replayMs / 1000).toFixed(2)} s`,
      `${replayOcrItems} OCR items; ocr reused from ${ocr.reusedFrom ?? 'nothing'} (${ocr.chunks} chunks)`,
    );
    line('  stages (s)', '', stageTimes(replay) || 'none over 0 ms');
    // A replay that read text again measures something else: say so rather than print a figure for it.
    if (ocr.reusedFrom !== jobId || ocr.chunks !== 0 || replayOcrItems !== 0)
      throw new Error(`the replay ran OCR again (ocr stage ${JSON.stringify(ocr)}, ${replayOcrItems} items planned)`);
    const replaySpeedup = fullMs / replayMs;
    line('server: full run / replay', `${replaySpeedup.toFixed(1)}x`, 'target >= 20');

    // What each run found against the truth: the replay's setting took effect if its figures differ.
    for (const [name, id] of [
      ['full run', jobId],
      ['replay', replayId],
    ] as const) {
      const sc = scoreClip(clip.truth, await intervalsOf(id));
      line(
        `server: ${name}: recall / precision`,
        `${sc.recall.toFixed(3)} / ${sc.precision.toFixed(3)}`,
        `${sc.matched} of ${sc.truth}, ${sc.predicted} found`,
      );
    }
    return { clipSeconds: clip.seconds, warmupMs, fullMs, replayMs, replayOcrItems, replaySpeedup, realtimeFactor };
  } finally {
    await env.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
};
