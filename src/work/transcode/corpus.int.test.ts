/**
 * Every file of the shared corpus, end to end: scanned from the corpus
 * folder as the input store, probed, and (when ready) transcoded with
 * hls-abr; the output is read back with ffprobe. A file either becomes a
 * playable ladder (duration within one segment of the source, every rung at
 * its planned size, audio iff the source has usable audio) or is invalid
 * with a sentence saying why. Nothing hangs and nothing crashes.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { join } from 'node:path';
import { scanAssets } from '../../actors/scan.ts';
import { submitTranscode } from './submit.ts';
import { runFfprobeJson } from '../../media/ffmpeg.ts';
import { assetsTable, jobsTable, type AssetView, type JobView } from '../../projections/index.ts';
import type { System } from '../../system.ts';
import { CORPUS } from '../../../test/corpus.ts';
import { testEnv } from '../../../test/system.ts';
import { waitForJob } from '../../../test/wait.ts';
import { fpsFraction, frameTime, segmentFrames } from '../../media/frame-grid.ts';
import { parseMediaPlaylist } from '../../media/hls.ts';
import { decodeErrors, videoFrames } from '../../../test/clips.ts';
import { fpsOf, ladderOf, type ChunkResult } from './plan.ts';
import type { TranscodeResult } from './package.ts';
import type { TranscodeParams } from './params.ts';

/**
 * The frames the output must have for a constant-rate source (nominal =
 * average rate, encoded at that rate) whose video starts with the file (a
 * later start is padded to 0 with the first frame): the container's frame
 * count (an AVI counts its dropped-frame placeholders, which the output's
 * constant rate fills), else the packets. Null for other sources.
 */
const cfrFrames = async (file: string, params: TranscodeParams): Promise<number | null> => {
  const j = (await runFfprobeJson(['-show_entries', 'stream=index,r_frame_rate,avg_frame_rate,start_time,nb_frames:format=start_time', file])) as {
    streams: { index: number; r_frame_rate: string; avg_frame_rate: string; start_time?: string; nb_frames?: string }[];
    format: { start_time?: string };
  };
  const v = j.streams.find((x) => x.index === params.source.videoStream);
  if (!v || v.r_frame_rate !== v.avg_frame_rate) return null;
  const [n, d] = v.r_frame_rate.split('/').map(Number);
  const rate = fpsFraction(fpsOf(params));
  if (n! * rate.den !== d! * rate.num) return null;
  if (Math.abs(Number(v.start_time ?? 0) - Number(j.format.start_time ?? 0)) >= 1e-3) return null;
  return Number(v.nb_frames) > 0 ? Number(v.nb_frames) : videoFrames(file);
};

/** Files that must be refused, and words their reason must contain. */
const INVALID: Record<string, RegExp> = {
  'derived/jpeg_renamed.mp4': /still image/i,
  'derived/text_file_renamed.mp4': /not a supported media file|damaged|not a complete/i,
  'derived/zero_bytes.mp4': /empty/i,
  'derived/truncated_40pct_moov_front.mp4': /truncated/i,
  'derived/truncated_50pct.webm': /truncated/i,
  'derived/truncated_50pct_moov_missing.mp4': /not a complete|truncated|moov/i,
  'edge/androidx_large_stbl_truncated_after_moov.m4b': /no media data|truncated/i,
};

const env = testEnv('sqlite', 'corpus', { MEDIA_IN: CORPUS });
let s: System;
let assets: AssetView[] = [];
const jobs = new Map<string, JobView>();

beforeAll(async () => {
  s = await env.boot({ workConcurrency: 2 });
  await s.start();
});
afterAll(() => env.cleanup());

describe('the whole corpus through hls-abr', () => {
  test('scan: every media file registered once, broken ones invalid with a reason', async () => {
    const r = await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now });
    expect(r.found).toBe(r.registered);
    expect(r.found).toBeGreaterThanOrEqual(40);
    await s.projections.waitFor(await s.log.head());
    assets = assetsTable.dump(s.db);
    expect(assets).toHaveLength(r.found);
    for (const a of assets) {
      const expected = INVALID[a.key];
      if (expected) {
        expect({ key: a.key, status: a.status }).toEqual({ key: a.key, status: 'invalid' });
        expect(a.reason).toMatch(expected);
        expect(a.reason!).toMatch(/^[a-z][^\n]+$/i); // one sentence, not a stack trace
        expect(a.reason!).not.toMatch(/\bat \/|Error:/);
      } else {
        expect({ key: a.key, status: a.status, reason: a.reason }).toEqual({ key: a.key, status: 'ready', reason: null });
        expect(a.kind).toBe(a.key.startsWith('audio/') || a.key === 'edge/androidx_sample_audio_only.mp4' ? 'audio' : 'video');
      }
    }
    const again = await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now });
    expect({ registered: again.registered, skipped: again.skipped }).toEqual({ registered: 0, skipped: r.found });
  }, 180_000);

  test('an invalid asset cannot be transcoded', async () => {
    const bad = assets.find((a) => a.status === 'invalid')!;
    await expect(submitTranscode(s, { assetId: bad.id, presetId: 'hls-abr' })).rejects.toThrow(/not transcodable/);
  });

  test('every ready asset transcodes into a ladder ffprobe reads back', async () => {
    const ready = assets.filter((a) => a.status === 'ready');
    for (const a of ready) {
      const { jobId } = await submitTranscode(s, { assetId: a.id, presetId: 'hls-abr' });
      jobs.set(a.key, { id: jobId } as JobView);
    }
    for (const [key, j] of jobs) {
      const job = await waitForJob(s, j.id, ['COMPLETED', 'FAILED', 'CANCELLED'], 600_000);
      jobs.set(key, job);
      expect({ key, status: job.status, error: job.error }).toEqual({ key, status: 'COMPLETED', error: null });
    }
    for (const a of ready) {
      const job = jobsTable.load(s.db, [jobs.get(a.key)!.id])!;
      const result = job.result as TranscodeResult;
      const params = job.params as unknown as TranscodeParams;
      const master = join(env.dataDir, 'media/out', result.outputs.master!);
      const probe = (await runFfprobeJson(['-show_format', '-show_streams', master])) as {
        format: { duration: string };
        streams: { codec_type: string; codec_name: string; height?: number; width?: number; pix_fmt?: string; channels?: number }[];
      };
      const what = `${a.key} → ${result.outputs.master}`;
      const duration = Number(probe.format.duration);
      expect({ what, near: Math.abs(duration - params.source.duration) <= params.preset.segmentSeconds }).toEqual({ what, near: true });
      const heights = [...new Set(probe.streams.filter((x) => x.codec_type === 'video').map((x) => `${x.width}x${x.height}`))].sort();
      const planned = ladderOf(params)
        .map((r) => `${r.width}x${r.height}`)
        .sort();
      expect({ what, heights }).toEqual({ what, heights: planned });
      const hasAudio = probe.streams.some((x) => x.codec_type === 'audio');
      expect({ what, hasAudio }).toEqual({ what, hasAudio: a.verdict.audioStream !== null });
      // Whatever came in (10-bit, yuvj, PCM, AC-3, Vorbis 5.1, mono): 8-bit H.264 and stereo AAC out.
      for (const x of probe.streams) {
        if (x.codec_type === 'video') expect({ what, codec: x.codec_name, pix: x.pix_fmt }).toEqual({ what, codec: 'h264', pix: 'yuv420p' });
        if (x.codec_type === 'audio') expect({ what, codec: x.codec_name, channels: x.channels }).toEqual({ what, codec: 'aac', channels: 2 });
      }
      if (a.kind === 'video') {
        expect(result.outputs.sprites.length).toBeGreaterThan(0);
        expect(result.outputs.poster).not.toBeNull();
      }
      // Every rung decodes without a word from ffmpeg, its segments have the
      // target length but the last, and a constant-rate source keeps every frame.
      const source = join(CORPUS, a.key);
      const frames = await cfrFrames(source, params);
      const grid = fpsFraction(fpsOf(params));
      const target = frameTime(segmentFrames(params.preset.segmentSeconds, grid), grid);
      for (const r of result.renditions.filter((x) => x.type === 'video')) {
        const rung = join(env.dataDir, 'media/out', r.key);
        const rungWhat = `${a.key} ${r.name}`;
        expect({ rungWhat, errors: await decodeErrors(rung) }).toEqual({ rungWhat, errors: '' });
        const durations = parseMediaPlaylist(await Bun.file(rung).text()).segments.map((x) => x.duration);
        const off = durations.slice(0, -1).filter((d) => Math.abs(d - target) > frameTime(1, grid) + 1e-6);
        expect({ rungWhat, off }).toEqual({ rungWhat, off: [] });
        if (frames !== null) expect({ rungWhat, frames: await videoFrames(rung) }).toEqual({ rungWhat, frames });
      }
      expect({ what, errors: await decodeErrors(master) }).toEqual({ what, errors: '' });
    }
  }, 900_000);

  test('a 6 minute source is split into chunks on segment boundaries whose segments line up across rungs', async () => {
    const job = jobs.get('video/androidx_long_1080p_lowbitrate.mp4')!;
    const chunks = (await Promise.all(Array.from({ length: job.chunks_total }, (_, n) => s.log.readStream(`chunk:${job.id}:${n}`)))).map(
      (events) => events.find((e) => e.type === 'ChunkSucceeded')!.data as { result: ChunkResult },
    );
    const videos = chunks.map((c) => c.result).filter((r): r is Extract<ChunkResult, { type: 'video' }> => r.type === 'video');
    expect(videos.length).toBeGreaterThanOrEqual(2);
    for (const v of videos) {
      const [first, ...rest] = v.rungs.map((r) => r.segments.map((x) => x.duration.toFixed(3)).join(','));
      for (const other of rest) expect(other).toBe(first!);
    }
  });
});
