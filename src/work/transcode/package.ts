/**
 * Packaging, once every chunk of a transcode has succeeded: media playlists
 * joined from the chunks' segments (timestamps already continue across
 * chunks), the master playlist, sprite sheets with their WebVTT and JSON
 * indexes and a poster, or the MP4 joined without re-encoding. Writes only
 * deterministic keys, so running it twice is harmless.
 */
import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../errors.ts';
import { joinMp4Args, posterArgs, spriteSheetArgs } from '../../media/encode-args.ts';
import { runFfmpeg } from '../../media/ffmpeg.ts';
import { measureBandwidth, writeMasterPlaylist, writeMediaPlaylist } from '../../media/hls.ts';
import { audioCodecs } from '../../media/ladder.ts';
import { posterTime, thumbnailsIndex, writeThumbnailsVtt } from '../../media/sprites.ts';
import { demuxArgs } from '../../media/probe-input.ts';
import { toolInput } from '../../storage/index.ts';
import type { JobContext } from '../../actors/job-kind.ts';
import { chunkRunOptions, type TranscodeDeps } from './deps.ts';
import { audioOutputOf, fpsOf, ladderOf, thumbnailsOf, type ChunkResult, type SegmentRef } from './plan.ts';
import { outputDuration, outputPrefix, rangeStart, relativeKey, type TranscodeParams } from './params.ts';
import { makeScratch, removeAttemptScratch, removeScratch } from '../scratch.ts';
import { verifyTranscode, type VerifyPlan } from './verify.ts';
import { adoptSubtitleResult, subtitleMasterEntries, type SubtitleChunkResult } from './subtitles.ts';
import type { MediaOutputs, Rendition as ApiRendition } from '../../types/api.ts';

/** A rendition as recorded, measured on the output: the API's shape but its URL, which the API adds. */
export type Rendition = Omit<ApiRendition, 'url'>;

export interface TranscodeResult {
  prefix: string;
  duration: number;
  /** The API answers these keys as they are (and as URLs): one shape for both. */
  outputs: MediaOutputs;
  renditions: Rendition[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

const writeText = (d: TranscodeDeps, key: string, text: string, contentType: string) => d.output.put(key, text, { contentType });

const mediaPlaylist = async (d: TranscodeDeps, key: string, segments: SegmentRef[]) => {
  await writeText(d, key, writeMediaPlaylist(segments.map((s) => ({ uri: relativeKey(key, s.key), duration: s.duration }))), 'application/vnd.apple.mpegurl');
};

const packageHls = async (d: TranscodeDeps, p: TranscodeParams, results: ChunkResult[], prefix: string, out: TranscodeResult) => {
  const rungs = ladderOf(p);
  const videos = results.filter((r): r is Extract<ChunkResult, { type: 'video' }> => r.type === 'video').sort((a, b) => a.start - b.start);
  const audio = results.find((r): r is Extract<ChunkResult, { type: 'audio' }> => r.type === 'audio') ?? null;
  let audioBw = { peak: 0, average: 0 };
  if (audio) {
    const key = `${prefix}/hls/audio/index.m3u8`;
    await mediaPlaylist(d, key, audio.segments);
    audioBw = measureBandwidth(audio.segments);
    out.outputs.playlists.push(key);
    out.renditions.push({
      name: 'audio',
      type: 'audio',
      key,
      codec: audioCodecs(),
      width: null,
      height: null,
      bitrate: audioBw.peak,
      averageBitrate: audioBw.average,
      bytes: sum(audio.segments.map((s) => s.bytes)),
      duration: sum(audio.segments.map((s) => s.duration)),
    });
  }
  const master = `${prefix}/hls/master.m3u8`;
  const subs = results.find((r): r is SubtitleChunkResult => r.type === 'subtitles') ?? null;
  for (const t of subs?.tracks ?? []) {
    // A WebVTT playlist written whole by the subtitle chunk: listed as a rendition so it is checked and downloadable.
    out.outputs.playlists.push(t.playlistKey);
    out.renditions.push({
      name: t.name,
      type: 'subtitles',
      language: t.language,
      key: t.playlistKey,
      codec: 'wvtt',
      width: null,
      height: null,
      bitrate: 0,
      averageBitrate: 0,
      bytes: sum(t.segments.map((s) => s.bytes)),
      duration: sum(t.segments.map((s) => s.duration)),
    });
  }
  const variants = [];
  for (const r of rungs) {
    const segments = videos.flatMap((v) => v.rungs.find((x) => x.name === r.name)?.segments ?? []);
    if (segments.length === 0) throw new AppError('unrecoverable', `rung ${r.name} produced no segments`);
    const key = `${prefix}/hls/${r.name}/index.m3u8`;
    await mediaPlaylist(d, key, segments);
    const bw = measureBandwidth(segments);
    out.outputs.playlists.push(key);
    out.renditions.push({
      name: r.name,
      type: 'video',
      key,
      codec: r.codecs,
      width: r.width,
      height: r.height,
      bitrate: bw.peak,
      averageBitrate: bw.average,
      bytes: sum(segments.map((s) => s.bytes)),
      duration: sum(segments.map((s) => s.duration)),
    });
    variants.push({
      uri: relativeKey(master, key),
      bandwidth: bw.peak + audioBw.peak,
      averageBandwidth: bw.average + audioBw.average,
      width: r.width,
      height: r.height,
      codecs: r.codecs,
      frameRate: fpsOf(p),
    });
  }
  let text: string;
  if (variants.length > 0) {
    const a = audio
      ? { uri: relativeKey(master, `${prefix}/hls/audio/index.m3u8`), groupId: 'aud', name: 'audio', channels: p.preset.audio!.channels, codecs: audioCodecs() }
      : null;
    text = writeMasterPlaylist({ variants, audio: a, subtitles: subtitleMasterEntries(subs, master) });
  } else if (audio) {
    // An audio-only source: the audio playlist is the one variant.
    text = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-INDEPENDENT-SEGMENTS',
      `#EXT-X-STREAM-INF:BANDWIDTH=${audioBw.peak},AVERAGE-BANDWIDTH=${audioBw.average},CODECS="${audioCodecs()}"`,
      'audio/index.m3u8',
      '',
    ].join('\n');
  } else {
    throw new AppError('unrecoverable', 'nothing to put in the master playlist');
  }
  await writeText(d, master, text, 'application/vnd.apple.mpegurl');
  out.outputs.master = master;
};

const packageMp4 = async (
  d: TranscodeDeps,
  p: TranscodeParams,
  results: ChunkResult[],
  prefix: string,
  dir: string,
  out: TranscodeResult,
  signal: AbortSignal,
) => {
  const rung = ladderOf(p)[0]!;
  const parts = results
    .filter((r): r is Extract<ChunkResult, { type: 'video' }> => r.type === 'video')
    .sort((a, b) => a.start - b.start)
    .flatMap((v) => v.rungs[0]?.segments ?? []);
  const lines: string[] = [];
  for (const [i, part] of parts.entries()) {
    const local = join(dir, `part_${i}.ts`);
    await d.output.getToFile(part.key, local);
    lines.push(`file '${local.replaceAll("'", "'\\''")}'`);
  }
  await Bun.write(join(dir, 'parts.txt'), `${lines.join('\n')}\n`);
  const audio = results.find((r): r is Extract<ChunkResult, { type: 'audio-file' }> => r.type === 'audio-file') ?? null;
  if (audio) await d.output.getToFile(audio.key, join(dir, 'audio.m4a'));
  const file = join(dir, `${rung.name}.mp4`);
  await runFfmpeg(joinMp4Args({ list: join(dir, 'parts.txt'), audio: audio ? join(dir, 'audio.m4a') : null, output: file }), {
    bin: d.bins().ffmpeg,
    signal,
    ...chunkRunOptions(d, dir),
  });
  const key = `${prefix}/mp4/${rung.name}.mp4`;
  const s = await d.output.putFile(key, file);
  const duration = outputDuration(p);
  const bitrate = Math.round((s.size * 8) / Math.max(duration, 0.001));
  out.outputs.mp4.push(key);
  out.renditions.push({
    name: rung.name,
    type: 'video',
    key,
    codec: audio ? `${rung.codecs},${audioCodecs()}` : rung.codecs,
    width: rung.width,
    height: rung.height,
    bitrate,
    averageBitrate: bitrate,
    bytes: s.size,
    duration,
  });
  await d.output.deletePrefix(`${prefix}/parts/`);
};

const packageAudio = (p: TranscodeParams, results: ChunkResult[], out: TranscodeResult) => {
  const a = results.find((r): r is Extract<ChunkResult, { type: 'audio-file' }> => r.type === 'audio-file');
  if (!a) throw new AppError('unrecoverable', 'the audio chunk left no file');
  const bitrate = Math.round((a.bytes * 8) / Math.max(outputDuration(p), 0.001));
  out.outputs.audio = a.key;
  out.renditions.push({
    name: 'audio',
    type: 'audio',
    key: a.key,
    codec: audioCodecs(),
    width: null,
    height: null,
    bitrate,
    averageBitrate: bitrate,
    bytes: a.bytes,
    duration: outputDuration(p),
  });
};

const packageThumbnails = async (
  d: TranscodeDeps,
  p: TranscodeParams,
  results: ChunkResult[],
  prefix: string,
  dir: string,
  out: TranscodeResult,
  signal: AbortSignal,
) => {
  const plan = thumbnailsOf(p)!;
  const thumbs = join(dir, 'thumbs');
  await mkdir(thumbs, { recursive: true });
  for (const r of results) if (r.type === 'video') for (const key of r.thumbs) await d.output.getToFile(key, join(thumbs, key.split('/').at(-1)!));
  const have = new Set((await readdir(thumbs)).map((f) => Number(/^t_(\d+)\.jpg$/.exec(f)?.[1] ?? -1)));
  if (have.size === 0) throw new AppError('unrecoverable', 'no thumbnails were extracted (the video decodes to no frames?)');
  // A sparse source can skip a grid time: show the nearest earlier thumbnail there.
  const name = (i: number) => join(thumbs, `t_${String(i).padStart(5, '0')}.jpg`);
  let lastHave = [...have].filter((i) => i >= 0).sort((a, b) => a - b)[0]!;
  for (let i = 0; i < plan.count; i++) {
    if (have.has(i)) lastHave = i;
    else await copyFile(name(lastHave), name(i));
  }
  for (const sheet of plan.sheets) {
    const file = join(dir, sheet.file);
    await runFfmpeg(
      spriteSheetArgs({ pattern: join(thumbs, 't_%05d.jpg'), first: sheet.first, count: sheet.count, columns: sheet.columns, rows: sheet.rows, output: file }),
      { bin: d.bins().ffmpeg, signal, ...chunkRunOptions(d, dir) },
    );
    const key = `${prefix}/thumbs/${sheet.file}`;
    await d.output.putFile(key, file);
    out.outputs.sprites.push(key);
  }
  const duration = outputDuration(p);
  const vtt = `${prefix}/thumbs/thumbnails.vtt`;
  await writeText(d, vtt, writeThumbnailsVtt(plan, { duration }), 'text/vtt');
  const json = `${prefix}/thumbs/thumbnails.json`;
  await writeText(d, json, JSON.stringify(thumbnailsIndex(plan, { duration }), null, 1), 'application/json');
  const poster = join(dir, 'poster.jpg');
  const input = await toolInput(d.input, p.inputKey);
  const posterAt = {
    input,
    inputOptions: demuxArgs(p.source.demux),
    streamIndex: p.source.videoStream!,
    time: rangeStart(p) + posterTime(duration),
    output: poster,
    hdr: p.source.hdr,
  };
  await runFfmpeg(posterArgs(posterAt), { bin: d.bins().ffmpeg, signal, ...chunkRunOptions(d, dir) });
  // Seeking can land past the only keyframe of a stream cut mid-GOP (an HLS
  // TS segment): then decode from the start instead, at most a few seconds.
  if (!(await Bun.file(poster).exists()))
    await runFfmpeg(posterArgs({ ...posterAt, seek: 'output' }), { bin: d.bins().ffmpeg, signal, ...chunkRunOptions(d, dir) });
  if (!(await Bun.file(poster).exists())) throw new AppError('unrecoverable', 'no frame could be decoded for the poster');
  const posterKey = `${prefix}/thumbs/poster.jpg`;
  await d.output.putFile(posterKey, poster);
  Object.assign(out.outputs, { thumbnailsVtt: vtt, thumbnailsJson: json, poster: posterKey });
  // The frames stay (a few KB each): a fork that reuses these chunks tiles them again.
};

/** Pure: where a key of another job's attempt lands in this attempt's prefix (`jobs/<id>/a<n>/<rest>` → `<prefix>/<rest>`). */
export const adoptedKey = (key: string, prefix: string): string => {
  if (key.startsWith(`${prefix}/`)) return key;
  const m = /^jobs\/[^/]+\/a\d+\/(.+)$/.exec(key);
  if (!m) throw new AppError('unrecoverable', `cannot place ${key} under ${prefix}`);
  return `${prefix}/${m[1]}`;
};

/**
 * A fork reuses its parent's finished chunks: their files are copied into
 * the fork's own prefix first, so the fork's outputs stand alone (deleting
 * the parent's outputs never breaks them).
 */
const adoptChunkOutputs = async (d: TranscodeDeps, results: ChunkResult[], prefix: string, signal: AbortSignal): Promise<ChunkResult[]> => {
  const copy = async (key: string): Promise<string> => {
    const to = adoptedKey(key, prefix);
    if (to === key) return key;
    signal.throwIfAborted();
    if (!(await d.output.stat(key))) {
      throw new AppError(
        'unrecoverable',
        `a reused chunk's output ${key} is gone (removed with its job, or an MP4 part joined and deleted): fork from a position before the chunks ran`,
      );
    }
    await d.output.put(to, await d.output.get(key));
    return to;
  };
  const seg = async (s: SegmentRef): Promise<SegmentRef> => ({ ...s, key: await copy(s.key) });
  const out: ChunkResult[] = [];
  for (const r of results) {
    if (r.type === 'video') {
      const rungs = [];
      for (const x of r.rungs) rungs.push({ name: x.name, segments: await Promise.all(x.segments.map(seg)) });
      out.push({ ...r, rungs, thumbs: await Promise.all(r.thumbs.map(copy)) });
    } else if (r.type === 'audio') out.push({ ...r, segments: await Promise.all(r.segments.map(seg)) });
    else if (r.type === 'subtitles') out.push(await adoptSubtitleResult(r, copy));
    else out.push({ ...r, key: await copy(r.key) });
  }
  return out;
};

/** Pure: how long each rendition should last. The audio track may end before the video: then its own length counts. */
export const verifyPlanOf = (p: TranscodeParams): VerifyPlan => {
  const videoSeconds = outputDuration(p);
  const a = p.source.audioDuration;
  const audioSeconds = p.source.videoStream === null ? videoSeconds : a === undefined ? null : Math.max(0, Math.min(videoSeconds, a - rangeStart(p)));
  return { videoSeconds, audioSeconds, segmentSeconds: p.preset.segmentSeconds };
};

export const finishTranscode = async (d: TranscodeDeps, p: TranscodeParams, chunkResults: ChunkResult[], ctx: JobContext): Promise<TranscodeResult> => {
  const prefix = outputPrefix(ctx.jobId, ctx.attempt);
  const results = await adoptChunkOutputs(d, chunkResults, prefix, ctx.signal);
  const dir = await makeScratch(d.workDir, ctx.jobId, ctx.attempt, 'package');
  const out: TranscodeResult = {
    prefix,
    duration: outputDuration(p),
    outputs: { master: null, playlists: [], mp4: [], audio: null, sprites: [], thumbnailsVtt: null, thumbnailsJson: null, poster: null },
    renditions: [],
  };
  try {
    if (p.preset.output === 'hls') await packageHls(d, p, results, prefix, out);
    else if (p.preset.output === 'mp4') await packageMp4(d, p, results, prefix, dir, out, ctx.signal);
    else if (p.preset.output === 'audio' && audioOutputOf(p)) packageAudio(p, results, out);
    if (thumbnailsOf(p)) await packageThumbnails(d, p, results, prefix, dir, out, ctx.signal);
    const verifyDeps = { output: d.output, ffmpeg: d.bins().ffmpeg, ffprobe: d.bins().ffprobe, stallMs: chunkRunOptions(d, dir).stallMs };
    await verifyTranscode(verifyDeps, out, verifyPlanOf(p), join(dir, 'verify'), ctx.signal);
    return out;
  } finally {
    await removeScratch(d.workDir, dir);
  }
};

/** Removes an attempt's outputs and scratch files (a failed or cancelled attempt leaves nothing behind). */
export const discardOutputs = async (d: TranscodeDeps, ctx: { jobId: string; attempt: number }) => {
  await d.output.deletePrefix(`${outputPrefix(ctx.jobId, ctx.attempt)}/`);
  await removeAttemptScratch(d.workDir, ctx.jobId, ctx.attempt);
};
