/**
 * Subtitle tracks through real ffmpeg: clips made here (the corpus has no
 * text subtitle track) are probed, their params built as a job's are, the
 * subtitle chunk runs on folder storage, and the WebVTT it uploads is
 * checked cue by cue against the source's own packet times: an MKV with
 * SRT and ASS tracks, an MP4 with mov_text, an MKV whose timeline starts
 * at 10 s, and a trimmed range. Then ffmpeg reads a master playlist that
 * lists them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBinaries } from '../../media/binaries.ts';
import { decodeErrors } from '../../../test/clips.ts';
import { transcodeFile } from '../../../test/transcode-harness.ts';
import { runFfmpeg, runFfprobeJson } from '../../media/ffmpeg.ts';
import { parseMediaPlaylist, writeMasterPlaylist } from '../../media/hls.ts';
import { probeAndClassify } from '../../media/probe.ts';
import { BUILTIN_PRESETS } from '../../media/presets.ts';
import { parseVtt } from '../../media/subtitles.ts';
import { createFsStorage } from '../../storage/fs.ts';
import type { TranscodeDeps } from './deps.ts';
import { sourceFromProbe, validateTranscodeParams, type TimeRange, type TranscodeParams } from './params.ts';
import { runSubtitleChunk, subtitleMasterEntries, type SubtitleChunkResult } from './subtitles.ts';

const SRT = `1
00:00:01,000 --> 00:00:02,500
Hello <i>world</i>

2
00:00:03,000 --> 00:00:04,000
Second line
a < b & c
`;

const ASS = `[Script Info]
ScriptType: v4.00+
PlayResX: 384
PlayResY: 288

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
Style: Default,Arial,16,&Hffffff,&Hffffff,&H0,&H0,0,0,0,0,100,100,0,0,1,1,0,2,10,10,10,0

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.50,0:00:03.00,Default,,0,0,0,,Bonjour {\\i1}le monde{\\i0}
Dialogue: 0,0:00:04.00,0:00:05.25,Default,,0,0,0,,Deuxième\\Nligne
`;

const bins = resolveBinaries();
let dir: string;
let inDir: string;
let outDir: string;
let deps: TranscodeDeps;

// 6 s of 160x90 video without audio (so nothing shifts the timeline: AAC priming would).
const VIDEO = ['-f', 'lavfi', '-i', 'testsrc2=size=160x90:rate=25:duration=6'];
const X264 = ['-c:v', 'libx264', '-preset', 'ultrafast'];

const make = (name: string, args: string[]) => runFfmpeg([...args, join(inDir, name)], { bin: bins.ffmpeg });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mpr-subs-'));
  inDir = join(dir, 'in');
  outDir = join(dir, 'out');
  mkdirSync(inDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  await Bun.write(join(dir, 'a.srt'), SRT);
  await Bun.write(join(dir, 'b.ass'), ASS);
  const subs = ['-i', join(dir, 'a.srt'), '-i', join(dir, 'b.ass')];
  await make('two.mkv', [
    ...VIDEO,
    ...subs,
    '-map',
    '0',
    '-map',
    '1',
    '-map',
    '2',
    ...X264,
    '-c:s:0',
    'srt',
    '-c:s:1',
    'ass',
    '-metadata:s:s:0',
    'language=eng',
    '-metadata:s:s:0',
    'title=English',
    '-metadata:s:s:1',
    'language=fre',
  ]);
  await make('text.mp4', [...VIDEO, '-i', join(dir, 'a.srt'), '-map', '0', '-map', '1', ...X264, '-c:s', 'mov_text', '-metadata:s:s:0', 'language=deu']);
  // MPEG-TS video (its timeline starts at 1.4 s) remuxed into MKV keeping its timestamps, with the SRT on that timeline.
  await runFfmpeg([...VIDEO, ...X264, '-f', 'mpegts', join(dir, 'v.ts')], { bin: bins.ffmpeg });
  await make('late.mkv', [
    '-copyts',
    '-i',
    join(dir, 'v.ts'),
    '-itsoffset',
    '1.4',
    '-i',
    join(dir, 'a.srt'),
    '-map',
    '0',
    '-map',
    '1',
    '-c:v',
    'copy',
    '-c:s',
    'srt',
  ]);
  deps = {
    input: createFsStorage(inDir),
    output: createFsStorage(outDir),
    bins: () => bins,
    workDir: join(dir, 'scratch'),
    capacity: async () => ({ slots: 1, cores: navigator.hardwareConcurrency }),
  };
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const hls = BUILTIN_PRESETS.find((p) => p.id === 'hls-abr')!;

const paramsFor = async (key: string, range?: TimeRange): Promise<TranscodeParams> => {
  const { probe, verdict } = await probeAndClassify(join(inDir, key), { bins });
  if (!probe || verdict.status !== 'ready') throw new Error(`${key}: ${verdict.reason}`);
  return validateTranscodeParams({
    assetId: key,
    inputKey: key,
    presetId: hls.id,
    preset: hls,
    source: sourceFromProbe(probe, verdict),
    ...(range ? { range } : {}),
  });
};

let jobs = 0;
const run = async (p: TranscodeParams) => {
  const ctx = { jobId: `subs${++jobs}`, attempt: 1, signal: new AbortController().signal, progress: () => {} };
  return { result: await runSubtitleChunk(deps, p, 3, ctx), jobId: ctx.jobId };
};

const text = (key: string) => Bun.file(join(outDir, key)).text();
const cuesOf = async (r: SubtitleChunkResult, i: number) =>
  parseVtt(await text(r.tracks[i]!.segments[0]!.key)).map((c): [number, number, string] => [c.start, c.end, c.text]);

/** Where the source's own subtitle packets sit, measured from the file's start_time (what every output's 0 is). */
const sourceCueTimes = async (key: string, streamIndex: number): Promise<number[][]> => {
  const j = (await runFfprobeJson(['-select_streams', String(streamIndex), '-show_packets', '-show_format', join(inDir, key)])) as {
    packets: { pts_time: string; duration_time: string }[];
    format: { start_time: string };
  };
  const origin = Number(j.format.start_time);
  const ms = (x: number) => Math.round(x * 1000) / 1000;
  return j.packets.map((p) => [ms(Number(p.pts_time) - origin), ms(Number(p.pts_time) + Number(p.duration_time) - origin)]);
};

describe('subtitle chunk', () => {
  test('MKV with SRT (eng) and ASS (fre): two WebVTT renditions, cues at their source times', async () => {
    const p = await paramsFor('two.mkv');
    expect(p.source.subtitles).toEqual([
      { index: 1, codec: 'subrip', language: 'en', name: 'English' },
      { index: 2, codec: 'ass', language: 'fr', name: 'French' },
    ]);
    const { result, jobId } = await run(p);
    expect(result.tracks.map((t) => [t.folder, t.name, t.language, t.playlistKey])).toEqual([
      ['en', 'English', 'en', `jobs/${jobId}/a1/hls/subs/en/index.m3u8`],
      ['fr', 'French', 'fr', `jobs/${jobId}/a1/hls/subs/fr/index.m3u8`],
    ]);
    expect(await sourceCueTimes('two.mkv', 1)).toEqual([
      [1, 2.5],
      [3, 4],
    ]);
    expect(await cuesOf(result, 0)).toEqual([
      [1, 2.5, 'Hello <i>world</i>'],
      [3, 4, 'Second line\na &lt; b &amp; c'],
    ]);
    expect(await sourceCueTimes('two.mkv', 2)).toEqual([
      [1.5, 3],
      [4, 5.25],
    ]);
    expect(await cuesOf(result, 1)).toEqual([
      [1.5, 3, 'Bonjour <i>le monde</i>'],
      [4, 5.25, 'Deuxième\nligne'],
    ]);
    const vtt = await text(result.tracks[0]!.segments[0]!.key);
    expect(vtt.split('\n').slice(0, 2)).toEqual(['WEBVTT', 'X-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000']);
    // One segment covering the whole output, its byte size as stored.
    const list = parseMediaPlaylist(await text(result.tracks[0]!.playlistKey));
    expect(list.ended).toBe(true);
    expect(list.segments).toEqual([{ uri: 'subs_000.vtt', duration: p.source.duration }]);
    expect(result.tracks[0]!.segments[0]!.bytes).toBe(Buffer.byteLength(vtt));
    // The scratch folder is gone.
    expect(await Bun.file(join(dir, 'scratch', jobId, 'a1', 'c3')).exists()).toBe(false);
  }, 120_000);

  test('MP4 with mov_text (deu)', async () => {
    const p = await paramsFor('text.mp4');
    expect(p.source.subtitles).toEqual([{ index: 1, codec: 'mov_text', language: 'de', name: 'German' }]);
    const { result } = await run(p);
    expect(result.tracks.map((t) => t.folder)).toEqual(['de']);
    expect(await cuesOf(result, 0)).toEqual([
      [1, 2.5, 'Hello <i>world</i>'],
      [3, 4, 'Second line\na &lt; b &amp; c'],
    ]);
  }, 120_000);

  test('a timeline starting at 1.4 s (remuxed from MPEG-TS): cues land on the output timeline, which starts at 0', async () => {
    const { probe } = await probeAndClassify(join(inDir, 'late.mkv'), { bins });
    const start = (await runFfprobeJson(['-show_format', join(inDir, 'late.mkv')])) as { format: { start_time: string } };
    expect(Number(start.format.start_time)).toBe(1.4);
    // The classifier takes this MKV's duration (its end time, 7.4 s) for a truncated file; the probe itself is what matters here.
    const verdict = { kind: 'video', status: 'ready', reason: null, videoStream: 0, audioStream: null } as const;
    const p = validateTranscodeParams({ assetId: 'late', inputKey: 'late.mkv', presetId: hls.id, preset: hls, source: sourceFromProbe(probe!, verdict) });
    expect(await sourceCueTimes('late.mkv', 1)).toEqual([
      [1, 2.5],
      [3, 4],
    ]);
    const { result } = await run(p);
    expect(await cuesOf(result, 0)).toEqual([
      [1, 2.5, 'Hello <i>world</i>'],
      [3, 4, 'Second line\na &lt; b &amp; c'],
    ]);
  }, 120_000);

  test('a trimmed range [2, 5): cues shift to its start and are cut at its edges', async () => {
    const p = await paramsFor('two.mkv', { start: 2, end: 5 });
    const { result } = await run(p);
    expect(await cuesOf(result, 0)).toEqual([
      [0, 0.5, 'Hello <i>world</i>'],
      [1, 2, 'Second line\na &lt; b &amp; c'],
    ]);
    expect(await cuesOf(result, 1)).toEqual([
      [0, 1, 'Bonjour <i>le monde</i>'],
      [2, 3, 'Deuxième\nligne'],
    ]);
    expect(parseMediaPlaylist(await text(result.tracks[1]!.playlistKey)).segments).toEqual([{ uri: 'subs_000.vtt', duration: 3 }]);
  }, 120_000);

  test('ffmpeg reads a master playlist listing the renditions, and each subtitle playlist', async () => {
    const p = await paramsFor('two.mkv');
    const { result, jobId } = await run(p);
    const hlsDir = join(outDir, 'jobs', jobId, 'a1', 'hls');
    mkdirSync(join(hlsDir, 'v'), { recursive: true });
    await runFfmpeg(
      ['-i', join(inDir, 'two.mkv'), '-map', '0:v', '-c', 'copy', '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', join(hlsDir, 'v', 'index.m3u8')],
      { bin: bins.ffmpeg },
    );
    const masterKey = `jobs/${jobId}/a1/hls/master.m3u8`;
    const variant = { uri: 'v/index.m3u8', bandwidth: 200_000, averageBandwidth: 150_000, width: 160, height: 90, codecs: 'avc1.42c00c', frameRate: 25 };
    const master = writeMasterPlaylist({ variants: [variant], subtitles: subtitleMasterEntries(result, masterKey) });
    expect(master).toContain('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=NO,AUTOSELECT=YES,URI="subs/en/index.m3u8"');
    await Bun.write(join(outDir, masterKey), master);

    const ffmpeg = (args: string[]) => {
      const r = Bun.spawnSync([bins.ffmpeg, '-hide_banner', '-nostdin', '-v', 'error', ...args]);
      return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
    };
    const plain = ffmpeg(['-i', join(outDir, masterKey), '-map', '0', '-f', 'null', '-']);
    expect(plain).toEqual({ code: 0, out: '', err: '' });
    // ffmpeg's HLS demuxer opens subtitle renditions only when asked to be
    // experimental, and it ignores X-TIMESTAMP-MAP: only the text is compared
    // here (the timing is hls.js's and Safari's reading of the map).
    for (const [i, first] of ['Hello <i>world</i>', 'Bonjour <i>le monde</i>'].entries()) {
      const viaMaster = ffmpeg(['-strict', 'experimental', '-i', join(outDir, masterKey), '-map', `0:s:${i}`, '-f', 'webvtt', '-']);
      expect(viaMaster).toMatchObject({ code: 0, err: '' });
      expect(parseVtt(viaMaster.out)[0]!.text).toBe(first);
    }
    for (const [i, t] of result.tracks.entries()) {
      const one = ffmpeg(['-i', join(outDir, t.playlistKey), '-f', 'webvtt', '-']);
      expect(one.code).toBe(0);
      expect(one.err).toBe('');
      // ffmpeg decodes the entities we wrote ("&lt;" back to "<"): compare the times.
      expect(parseVtt(one.out).map((c) => [c.start, c.end])).toEqual((await cuesOf(result, i)).map(([start, end]) => [start, end]));
    }
  }, 120_000);
});

test('an hls-abr job on an MKV with two text tracks lists both in its master and passes its own output check', async () => {
  const run = await transcodeFile(join(inDir, 'two.mkv'), { workDir: join(dir, 'job'), workers: 2 });
  const subs = run.result.renditions.filter((r) => r.type === 'subtitles');
  expect(subs.map((r) => [r.name, r.language])).toEqual([
    ['English', 'en'],
    ['French', 'fr'],
  ]);
  for (const r of subs) expect(r.duration).toBeCloseTo(6, 1);
  const master = await Bun.file(join(run.outDir, run.result.outputs.master!)).text();
  expect(master.match(/#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs"/g)).toHaveLength(2);
  expect(master).toContain('SUBTITLES="subs"');
  expect(await decodeErrors(join(run.outDir, run.result.outputs.master!))).toBe('');
}, 120_000);
