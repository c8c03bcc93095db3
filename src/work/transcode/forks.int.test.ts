/**
 * Forks of transcodes reuse what still fits, branch by branch, and never
 * promise what is gone: a fork changing the audio bitrate keeps every video
 * chunk; one changing the thumbnail interval keeps the rungs and extracts
 * thumbnails again; recorded outputs that vanished (removed with a
 * cancelled attempt, an MP4's joined parts) are made again. Overrides merge
 * into the parent's params; unknown keys and positions past the log's end
 * are refused.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { scanAssets } from '../../actors/scan.ts';
import { forkJob, forkSummary, planFork } from '../../actors/replay.ts';
import { prepareFork } from '../../actors/submit.ts';
import { submitTranscode } from './submit.ts';
import { assetIdFor } from '../../events/asset.ts';
import type { JobView } from '../../projections/index.ts';
import type { System } from '../../system.ts';
import { makeClip, videoFrames } from '../../../test/clips.ts';
import { testEnv, type TestEnv } from '../../../test/system.ts';
import { waitForJob } from '../../../test/wait.ts';
import type { TranscodeResult } from './package.ts';

const SLOW = 240_000;

describe('forks of transcodes', () => {
  let env: TestEnv;
  let s: System;
  let output: string;
  let parent: JobView;
  beforeAll(async () => {
    env = testEnv('sqlite', 'forks');
    s = await env.boot({ workConcurrency: 2 });
    await s.start();
    const input = join(env.dataDir, 'media/in');
    output = join(env.dataDir, 'media/out');
    mkdirSync(input, { recursive: true });
    await makeClip(join(input, 'clip.mp4'), { seconds: 30, openGopKeyint: 60 });
    await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now });
    await s.projections.waitFor(await s.log.head());
    const { jobId } = await submitTranscode(s, { assetId: assetIdFor('clip.mp4'), presetId: 'hls-abr' });
    parent = await waitForJob(s, jobId, ['COMPLETED', 'FAILED'], SLOW);
    expect(parent.status).toBe('COMPLETED');
  }, SLOW);
  afterAll(() => env.cleanup());

  const fork = async (from: JobView, overrides: Record<string, unknown>) => {
    const req = await prepareFork(s, { jobId: from.id, fromPosition: await s.log.head(), overrides });
    const plan = await planFork(s.log, req);
    return {
      plan,
      summary: forkSummary(plan, req.overrides),
      run: async () => waitForJob(s, await forkJob(s.runtime, { ...req, at: s.now() }), ['COMPLETED', 'FAILED'], SLOW),
    };
  };

  test(
    'changing only the audio bitrate (--set preset.audio.bitrate=48000) reuses every video chunk; the dry run is a compact summary',
    async () => {
      const f = await fork(parent, { preset: { audio: { bitrate: 48000 } } });
      expect(f.summary.chunks.map((c) => [c.type, c.reused, c.rerun])).toEqual([
        ['video', ['video', 'thumbnails'], []],
        ['video', ['video', 'thumbnails'], []],
        ['audio', [], ['audio']],
      ]);
      expect([f.summary.reused, f.summary.rerun]).toEqual([2, 1]);
      expect(JSON.stringify(f.summary).length).toBeLessThan(1500);
      // The rest of the preset is kept: the override is merged, not a new preset.
      expect((f.plan.params.preset as { video: unknown }).video).toEqual((parent.params.preset as { video: unknown }).video);
      const child = await f.run();
      expect({ status: child.status, error: child.error }).toEqual({ status: 'COMPLETED', error: null });
      const r = child.result as TranscodeResult;
      const audio = r.renditions.find((x) => x.type === 'audio')!;
      const was = (parent.result as TranscodeResult).renditions.find((x) => x.type === 'audio')!;
      expect(audio.averageBitrate).toBeLessThan(was.averageBitrate * 0.7);
      expect(await videoFrames(join(output, r.renditions.find((x) => x.type === 'video')!.key))).toBe(900);
    },
    SLOW,
  );

  test(
    'changing only the thumbnail interval keeps the rungs and extracts thumbnails again',
    async () => {
      const f = await fork(parent, { preset: { thumbnails: { intervalSeconds: 5 } } });
      expect(f.summary.chunks.map((c) => [c.type, c.reused, c.rerun])).toEqual([
        ['video', ['video'], ['thumbnails']],
        ['video', ['video'], ['thumbnails']],
        ['audio', ['audio'], []],
      ]);
      const child = await f.run();
      expect({ status: child.status, error: child.error }).toEqual({ status: 'COMPLETED', error: null });
      const index = JSON.parse(await Bun.file(join(output, (child.result as TranscodeResult).outputs.thumbnailsJson!)).text()) as {
        interval: number;
        count: number;
      };
      expect([index.interval, index.count]).toEqual([5, 6]); // every 5 s of 30 s
    },
    SLOW,
  );

  test(
    'outputs that vanished are run again, not promised',
    async () => {
      // What cancel and retry do to an attempt: its files go.
      const first = (parent.result as TranscodeResult).renditions.find((x) => x.type === 'video')!;
      await s.storage.output.delete(`${first.key.split('/').slice(0, -1).join('/')}/c0_000.ts`);
      const f = await fork(parent, {});
      expect(f.summary.chunks[0]).toMatchObject({ reused: [], rerun: ['video', 'thumbnails'], why: 'its files are gone from the output store' });
      expect(f.summary.chunks[1]).toMatchObject({ reused: ['video', 'thumbnails'], rerun: [] });
      const child = await f.run();
      expect({ status: child.status, error: child.error }).toEqual({ status: 'COMPLETED', error: null });
    },
    SLOW,
  );

  test(
    'an MP4 job forked after its parts were joined and removed runs them again',
    async () => {
      const { jobId } = await submitTranscode(s, { assetId: assetIdFor('clip.mp4'), presetId: 'mp4-720p' });
      const mp4 = await waitForJob(s, jobId, ['COMPLETED', 'FAILED'], SLOW);
      expect(mp4.status).toBe('COMPLETED');
      const f = await fork(mp4, {});
      expect(f.summary.reused).toBe(0);
      const child = await f.run();
      expect({ status: child.status, error: child.error }).toEqual({ status: 'COMPLETED', error: null });
    },
    SLOW,
  );

  test('an unknown override key and a position past the end of the log are refused', async () => {
    await expect(prepareFork(s, { jobId: parent.id, fromPosition: 1, overrides: { 'preset.audio.bitrate': 96000 } })).rejects.toThrow(
      'overrides: unknown key "preset.audio.bitrate"',
    );
    await expect(prepareFork(s, { jobId: parent.id, fromPosition: 1, overrides: { preset: { audio: { bitrat: 1 } } } })).rejects.toThrow(
      'unknown key "preset.audio.bitrat"',
    );
    const req = await prepareFork(s, { jobId: parent.id, fromPosition: (await s.log.head()) + 1000, overrides: {} });
    await expect(planFork(s.log, req)).rejects.toThrow(/is past the end of the log/);
  });
});
