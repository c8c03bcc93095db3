/**
 * Transcoding beyond the corpus run: every preset's output, an HDR 10-bit
 * source made 8-bit SDR, a source that vanishes mid-job (that job fails,
 * the other completes), and the whole path on S3 buckets (s3rver on
 * loopback: ffmpeg reads the input through a presigned URL).
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanAssets } from '../../actors/scan.ts';
import { forkJob, planFork } from '../../actors/replay.ts';
import { prepareFork } from '../../actors/submit.ts';
import { submitTranscode } from './submit.ts';
import { assetIdFor } from '../../events/asset.ts';
import { runFfmpeg, runFfprobeJson } from '../../media/ffmpeg.ts';
import type { System } from '../../system.ts';
import { createS3Storage } from '../../storage/s3.ts';
import { corpusFile } from '../../../test/corpus.ts';
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from '../../../test/s3-server.ts';
import { testEnv, type TestEnv } from '../../../test/system.ts';
import { waitForJob } from '../../../test/wait.ts';
import type { TranscodeResult } from './package.ts';

type Streams = {
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; pix_fmt?: string; color_transfer?: string; channels?: number }[];
  format: { duration: string };
};
const probe = async (path: string) => (await runFfprobeJson(['-show_format', '-show_streams', path])) as Streams;

const transcode = async (s: System, key: string, presetId: string) => {
  await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now }, { prefix: key });
  await s.projections.waitFor(await s.log.head());
  const { jobId } = await submitTranscode(s, { assetId: assetIdFor(key), presetId });
  return waitForJob(s, jobId, ['COMPLETED', 'FAILED', 'CANCELLED'], 120_000);
};

describe('presets and source shapes (folders)', () => {
  let env: TestEnv;
  let s: System;
  let input: string;
  let output: string;
  beforeAll(async () => {
    env = testEnv('sqlite', 'shapes');
    s = await env.boot({ workConcurrency: 2 });
    await s.start();
    input = join(env.dataDir, 'media/in');
    output = join(env.dataDir, 'media/out');
    mkdirSync(input, { recursive: true });
    await Bun.write(join(input, 'flower.mp4'), Bun.file(corpusFile('video/mdn_flower.mp4')));
  });
  afterAll(() => env.cleanup());

  test('mp4-720p: one faststart MP4 at source size (540p never upscaled), with audio', async () => {
    const job = await transcode(s, 'flower.mp4', 'mp4-720p');
    expect(job.status).toBe('COMPLETED');
    const r = job.result as TranscodeResult;
    expect(r.outputs.mp4).toHaveLength(1);
    const p = await probe(join(output, r.outputs.mp4[0]!));
    expect(Math.abs(Number(p.format.duration) - 5.055)).toBeLessThan(0.3);
    expect(p.streams.map((x) => [x.codec_type, x.codec_name, x.width ?? x.channels])).toEqual([
      ['video', 'h264', 960],
      ['audio', 'aac', 2],
    ]);
    const head = new Uint8Array(await Bun.file(join(output, r.outputs.mp4[0]!)).slice(0, 64).arrayBuffer());
    expect(new TextDecoder().decode(head)).toContain('moov'); // faststart: the index comes first
  }, 180_000);

  test('audio-aac: an M4A of the audio track; thumbnails: sprites, WebVTT, JSON index and a poster', async () => {
    const audio = await transcode(s, 'flower.mp4', 'audio-aac');
    const a = audio.result as TranscodeResult;
    expect((await probe(join(output, a.outputs.audio!))).streams.map((x) => x.codec_name)).toEqual(['aac']);
    const thumbs = await transcode(s, 'flower.mp4', 'thumbnails');
    const t = thumbs.result as TranscodeResult;
    expect(t.outputs.sprites).toEqual([`${t.prefix}/thumbs/sprite_000.jpg`]);
    const vtt = await Bun.file(join(output, t.outputs.thumbnailsVtt!)).text();
    expect(vtt).toStartWith('WEBVTT');
    expect(vtt).toContain('sprite_000.jpg#xywh=320,0,160,90');
    const index = await Bun.file(join(output, t.outputs.thumbnailsJson!)).json();
    expect(index).toMatchObject({ count: 3, width: 160, height: 90 });
    const sheet = (await probe(join(output, t.outputs.sprites[0]!))).streams[0]!;
    expect([sheet.width, sheet.height]).toEqual([480, 90]);
    expect((await probe(join(output, t.outputs.poster!))).streams[0]!.width).toBe(960);
  }, 300_000);

  test('an HDR10 10-bit source becomes 8-bit SDR H.264', async () => {
    await runFfmpeg(
      [
        '-f',
        'lavfi',
        '-i',
        'testsrc2=size=1280x720:rate=25:duration=3',
        '-vf',
        'format=yuv420p10le',
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-profile:v',
        'high10',
        '-color_primaries',
        'bt2020',
        '-color_trc',
        'smpte2084',
        '-colorspace',
        'bt2020nc',
        join(input, 'hdr.mp4'),
      ],
      {},
    );
    const job = await transcode(s, 'hdr.mp4', 'hls-abr');
    expect(job.status).toBe('COMPLETED');
    const r = job.result as TranscodeResult;
    const top = (await probe(join(output, r.outputs.playlists.find((k) => k.includes('720p'))!))).streams[0]!;
    expect([top.codec_name, top.pix_fmt, top.height]).toEqual(['h264', 'yuv420p', 720]);
    expect(top.color_transfer ?? 'unknown').not.toBe('smpte2084');
  }, 240_000);

  test("forks: reuse the parent's chunks into outputs of their own; a fork to another preset plans afresh", async () => {
    const parent = await transcode(s, 'flower.mp4', 'hls-abr');
    const reports = (await s.log.readStream(`job:${parent.id}`)).filter((e) => e.type === 'ChunkReported');
    const from = reports.at(-1)!.position;
    const same = await prepareFork(s, { jobId: parent.id, fromPosition: from, overrides: {} });
    expect((await planFork(s.log, same)).reused).toBe(parent.chunks_total);
    const child = await waitForJob(s, await forkJob(s.runtime, { ...same, at: s.now() }), ['COMPLETED', 'FAILED'], 60_000);
    expect({ status: child.status, error: child.error }).toEqual({ status: 'COMPLETED', error: null });
    const r = child.result as TranscodeResult;
    expect(r.prefix).toBe(`jobs/${child.id}/a1`);
    // Self-contained: the parent's outputs can go and the fork still plays.
    await s.storage.output.deletePrefix(`jobs/${parent.id}/`);
    for (const key of r.outputs.playlists) expect(await Bun.file(join(output, key)).text()).not.toContain('..');
    const p = await probe(join(output, r.outputs.master!));
    expect(p.streams.filter((x) => x.codec_type === 'video').map((x) => x.height)).toEqual([360, 540]);

    const other = await prepareFork(s, { jobId: child.id, fromPosition: await s.log.head(), overrides: { presetId: 'mp4-720p' } });
    expect(other.overrides).toMatchObject({ presetId: 'mp4-720p', preset: { output: 'mp4' } });
    expect((await planFork(s.log, other)).reused).toBe(0);
    const mp4 = await waitForJob(s, await forkJob(s.runtime, { ...other, at: s.now() }), ['COMPLETED', 'FAILED'], 60_000);
    expect(mp4.status).toBe('COMPLETED');
    expect((mp4.result as TranscodeResult).outputs.mp4).toHaveLength(1);
    await expect(prepareFork(s, { jobId: child.id, fromPosition: from, overrides: { presetId: 'nope' } })).rejects.toThrow('no preset nope');
  }, 300_000);

  test('a source that vanishes fails its job with a reason; a job beside it completes', async () => {
    await Bun.write(join(input, 'gone.mp4'), Bun.file(corpusFile('video/androidx_sample.mp4')));
    await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now });
    await s.projections.waitFor(await s.log.head());
    rmSync(join(input, 'gone.mp4'));
    const gone = await submitTranscode(s, { assetId: assetIdFor('gone.mp4'), presetId: 'hls-abr' });
    const fine = await submitTranscode(s, { assetId: assetIdFor('flower.mp4'), presetId: 'hls-abr' });
    const failed = await waitForJob(s, gone.jobId, ['FAILED', 'COMPLETED'], 60_000);
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toContain('no longer in the input store');
    expect((await waitForJob(s, fine.jobId, ['FAILED', 'COMPLETED'], 60_000)).status).toBe('COMPLETED');
  }, 180_000);
});

describe('on S3 buckets end to end', () => {
  let server: S3Server;
  let env: TestEnv;
  let s: System;
  let scratch: string;
  beforeAll(async () => {
    server = await startS3Server();
    const [bucketIn, bucketOut] = [await server.createBucket(), await server.createBucket()];
    const bucket = (name: string) => createS3Storage({ bucket: name, endpoint: server.endpoint, credentials: S3RVER_CREDENTIALS });
    env = testEnv('sqlite', 's3e2e');
    s = await env.boot({ workConcurrency: 2, storage: { input: bucket(bucketIn), output: bucket(bucketOut) } });
    await s.start();
    scratch = mkdtempSync(join(tmpdir(), 'mpr-s3e2e-'));
    await s.storage.input.putFile('clips/bt601.mov', corpusFile('video/androidx_bt601.mov'));
    await s.storage.input.putFile('clips/readme.txt', corpusFile('image/tesseract_phototest.txt'));
  });
  afterAll(async () => {
    await env.cleanup();
    await server.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('scan a bucket, transcode from a presigned URL, package into the output bucket', async () => {
    const scan = await scanAssets({ runtime: s.runtime, input: s.storage.input, bins: s.bins, now: s.now });
    expect(scan).toMatchObject({ found: 1, registered: 1, keys: ['clips/bt601.mov'] });
    await s.projections.waitFor(await s.log.head());
    const { jobId } = await submitTranscode(s, { assetId: assetIdFor('clips/bt601.mov'), presetId: 'hls-abr' });
    const job = await waitForJob(s, jobId, ['COMPLETED', 'FAILED'], 120_000);
    expect({ status: job.status, error: job.error }).toEqual({ status: 'COMPLETED', error: null });
    const r = job.result as TranscodeResult;
    const keys = (await s.storage.output.list(`${r.prefix}/`)).map((o) => o.key);
    expect(keys).toContain(r.outputs.master!);
    expect(keys.filter((k) => k.endsWith('.ts')).length).toBeGreaterThanOrEqual(2);
    expect(keys.some((k) => k.includes('/thumbs/sprite_000.jpg'))).toBe(true);
    // Read the ladder back from the bucket, as a player would.
    for (const k of keys) await s.storage.output.getToFile(k, join(scratch, k));
    const p = await probe(join(scratch, r.outputs.master!));
    expect(p.streams.filter((x) => x.codec_type === 'video').map((x) => x.height)).toEqual([360, 428]); // 640x428: 360p plus the source size as the top rung
    expect(p.streams.some((x) => x.codec_type === 'audio')).toBe(true);
    const url = await s.storage.output.url(r.outputs.master!);
    expect(await (await fetch(url)).text()).toContain('#EXT-X-STREAM-INF');
  }, 180_000);
});
