/**
 * The `transcode` job kind: a source and a preset become an HLS ladder, an
 * MP4 rendition, an audio extract or thumbnails.
 * - plan: the ladder for this source, keyframe-aligned time chunks (one per
 *   worker and more for long inputs), plus one chunk for the audio track;
 * - run: a video chunk is one ffmpeg process that decodes its time range
 *   once and encodes every rung (and the thumbnails) from it; the audio
 *   chunk encodes the whole track once; outputs go to deterministic keys
 *   under the attempt's prefix, so a chunk run twice writes the same files;
 * - finish (package.ts): playlists, master, sprites, MP4 join.
 */
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../errors.ts';
import { audioArgs, videoChunkArgs, type RungOutput } from '../../media/encode-args.ts';
import { runFfmpeg } from '../../media/ffmpeg.ts';
import { parseMediaPlaylist } from '../../media/hls.ts';
import { segmentFrames } from '../../media/frame-grid.ts';
import { toolInput } from '../../storage/index.ts';
import type { JobKind, WorkContext } from '../../actors/job-kind.ts';
import { planTranscodeFork } from './fork.ts';
import { discardOutputs, finishTranscode, type TranscodeResult } from './package.ts';
import {
  audioOutputOf,
  chunkFrames,
  gridOf,
  ladderOf,
  planTranscode,
  sourceSpanOf,
  thumbnailsOf,
  type ChunkResult,
  type SegmentRef,
  type TranscodeChunkSpec,
  type VideoChunkSpec,
} from './plan.ts';
import { presentTranscode, transcodeRequestParams, transcodeTags, TRANSCODE_REQUEST_FIELDS } from './request.ts';
import { demuxArgs } from '../../media/probe-input.ts';
import { makeScratch, removeScratch } from '../scratch.ts';
import { inputGone, recheckSource } from './source.ts';
import { runSubtitleChunk } from './subtitles.ts';
import { chunkRunOptions, type TranscodeDeps } from './deps.ts';
import { checkPresetFitsSource, outputDuration, outputPrefix, rangeStart, validateTranscodeParams, type TranscodeParams } from './params.ts';

const checkInput = async (d: TranscodeDeps, key: string) => {
  if (!(await d.input.stat(key))) throw await inputGone(d.input, key);
};

const runVideoChunk = async (d: TranscodeDeps, p: TranscodeParams, n: number, c: VideoChunkSpec, ctx: WorkContext): Promise<ChunkResult> => {
  // A fork that keeps this chunk's rungs but not its thumbnails runs the thumbnail branch alone.
  const rungs = c.reuseRungs ? [] : ladderOf(p);
  const thumbs = thumbnailsOf(p);
  const dir = await makeScratch(d.workDir, ctx.jobId, ctx.attempt, `c${n}`);
  const outputs: RungOutput[] = [];
  const ts = p.preset.output === 'mp4';
  for (const r of rungs) {
    await mkdir(join(dir, r.name), { recursive: true });
    outputs.push({ rung: r, playlist: join(dir, r.name, ts ? `c${n}.ts` : `c${n}.m3u8`), segmentPattern: join(dir, r.name, `c${n}_%03d.ts`) });
  }
  if (c.thumbs) await mkdir(join(dir, 'thumbs'), { recursive: true });
  const { startFrame, frames } = chunkFrames(p, c);
  try {
    await checkInput(d, p.inputKey);
    const args = videoChunkArgs({
      source: {
        input: await toolInput(d.input, p.inputKey),
        inputOptions: demuxArgs(p.source.demux),
        streamIndex: p.source.videoStream!,
        displayWidth: p.source.displayWidth!,
        displayHeight: p.source.displayHeight!,
        hdr: p.source.hdr,
      },
      fps: gridOf(p),
      origin: rangeStart(p),
      startFrame,
      frames,
      encoderPreset: p.preset.video?.encoderPreset ?? 'veryfast',
      segmentFrames: segmentFrames(p.preset.segmentSeconds, gridOf(p)),
      container: ts ? 'ts' : 'hls',
      rungs: outputs,
      thumbs:
        c.thumbs && thumbs
          ? { ...c.thumbs, interval: thumbs.interval, width: thumbs.width, height: thumbs.height, pattern: join(dir, 'thumbs', 't_%05d.jpg') }
          : null,
      threads: c.threads ?? null,
    });
    await runFfmpeg(args, {
      ...chunkRunOptions(d, dir),
      bin: d.bins().ffmpeg,
      signal: ctx.signal,
      durationSeconds: c.end - c.start,
      onProgress: (x) => ctx.progress({ percent: x.percent, fps: x.fps, speed: x.speed, etaSeconds: x.etaSeconds }),
    });
    const prefix = outputPrefix(ctx.jobId, ctx.attempt);
    const result: Extract<ChunkResult, { type: 'video' }> = { type: 'video', start: c.start, end: c.end, rungs: c.reuseRungs ?? [], thumbs: [] };
    for (const o of outputs) {
      const segments: SegmentRef[] = [];
      if (ts) {
        const key = `${prefix}/parts/${o.rung.name}/c${n}.ts`;
        const s = await d.output.putFile(key, o.playlist);
        segments.push({ key, duration: c.end - c.start, bytes: s.size });
      } else {
        const list = parseMediaPlaylist(await Bun.file(o.playlist).text());
        for (const seg of list.segments) {
          const key = `${prefix}/hls/${o.rung.name}/${seg.uri}`;
          const s = await d.output.putFile(key, join(dir, o.rung.name, seg.uri));
          segments.push({ key, duration: seg.duration, bytes: s.size });
        }
      }
      result.rungs.push({ name: o.rung.name, segments });
    }
    if (c.thumbs) {
      for (const f of (await readdir(join(dir, 'thumbs'))).sort()) {
        const m = /^t_(\d+)\.jpg$/.exec(f);
        if (!m) continue;
        await d.output.putFile(`${prefix}/thumbs/t/${f}`, join(dir, 'thumbs', f));
        result.thumbs.push(`${prefix}/thumbs/t/${f}`);
      }
    }
    return result;
  } finally {
    await removeScratch(d.workDir, dir);
  }
};

const runAudioChunk = async (d: TranscodeDeps, p: TranscodeParams, n: number, ctx: WorkContext): Promise<ChunkResult> => {
  const container = audioOutputOf(p)!;
  const dir = await makeScratch(d.workDir, ctx.jobId, ctx.attempt, `c${n}`);
  const prefix = outputPrefix(ctx.jobId, ctx.attempt);
  try {
    await checkInput(d, p.inputKey);
    const output = join(dir, container === 'hls' ? 'index.m3u8' : 'audio.m4a');
    await runFfmpeg(
      audioArgs({
        input: await toolInput(d.input, p.inputKey),
        inputOptions: demuxArgs(p.source.demux),
        streamIndex: p.source.audioStream!,
        audio: p.preset.audio!,
        segmentSeconds: p.preset.segmentSeconds,
        range: p.range ?? null,
        container,
        output,
        segmentPattern: join(dir, 'a_%03d.ts'),
      }),
      {
        ...chunkRunOptions(d, dir),
        bin: d.bins().ffmpeg,
        signal: ctx.signal,
        durationSeconds: outputDuration(p),
        onProgress: (x) => ctx.progress({ percent: x.percent, fps: null, speed: x.speed, etaSeconds: x.etaSeconds }),
      },
    );
    if (container === 'm4a') {
      const key = p.preset.output === 'audio' ? `${prefix}/audio/audio.m4a` : `${prefix}/parts/audio.m4a`;
      const s = await d.output.putFile(key, output);
      return { type: 'audio-file', key, bytes: s.size };
    }
    const segments: SegmentRef[] = [];
    const list = parseMediaPlaylist(await Bun.file(output).text());
    if (list.segments.length === 0) throw new AppError('unrecoverable', 'the audio track decoded to nothing');
    for (const seg of list.segments) {
      const key = `${prefix}/hls/audio/${seg.uri}`;
      const s = await d.output.putFile(key, join(dir, seg.uri));
      segments.push({ key, duration: seg.duration, bytes: s.size });
    }
    return { type: 'audio', segments };
  } finally {
    await removeScratch(d.workDir, dir);
  }
};

export const createTranscodeKind = (d: TranscodeDeps): JobKind<TranscodeParams, TranscodeResult, TranscodeChunkSpec> => ({
  name: 'transcode',
  validate(params) {
    const p = validateTranscodeParams(params);
    checkPresetFitsSource(p);
    return p;
  },
  request: { fields: TRANSCODE_REQUEST_FIELDS, params: (body) => transcodeRequestParams(d, body) },
  async plan(p, ctx) {
    await recheckSource(d, p, ctx.signal);
    const pool = await d.capacity();
    return planTranscode(p, pool.slots, pool.cores);
  },
  async run(chunk, p, ctx) {
    const spec = chunk.spec;
    if (spec.type === 'video') return runVideoChunk(d, p, chunk.n, spec, ctx);
    if (spec.type === 'subtitles') return runSubtitleChunk(d, p, chunk.n, ctx);
    return runAudioChunk(d, p, chunk.n, ctx);
  },
  forkPlan: (parent, params) => planTranscodeFork(d, parent, params),
  forkKeys: ['range'],
  resolveOverrides(overrides) {
    // Naming another preset brings its settings, unless the overrides give them.
    if (typeof overrides.presetId !== 'string' || overrides.preset !== undefined) return overrides;
    const preset = d.findPreset?.(overrides.presetId);
    if (!preset) throw new AppError('not_found', `no preset ${overrides.presetId}`);
    return { ...overrides, preset };
  },
  combine: (results) => results,
  finish: (combined, p, ctx) => finishTranscode(d, p, combined as ChunkResult[], ctx),
  discard: (_p, ctx) => discardOutputs(d, ctx),
  tags: transcodeTags,
  weight: (chunk) => chunk.spec.weight,
  sourceSpan: sourceSpanOf,
  present: presentTranscode,
});
