/**
 * A transcode job's subtitle chunk: every text subtitle track of the source
 * becomes a WebVTT rendition of the HLS output (one ffmpeg process for all
 * of them), and the master playlist lists them as a SUBTITLES group.
 * Outputs go to deterministic keys under the attempt's prefix
 * (`hls/subs/<folder>/index.m3u8` and `subs_000.vtt`), so a run twice
 * writes the same files.
 */
import { join } from 'node:path';
import { AppError } from '../../errors.ts';
import { runFfmpeg } from '../../media/ffmpeg.ts';
import { writeMediaPlaylist, type MasterSubtitle } from '../../media/hls.ts';
import { parseVtt, retimeCues, subtitleExtractArgs, subtitleFolders, writeSubtitleVtt, type SubtitleSource } from '../../media/subtitles.ts';
import { demuxArgs } from '../../media/probe-input.ts';
import { toolInput } from '../../storage/index.ts';
import { makeScratch, removeScratch } from '../scratch.ts';
import type { WorkContext } from '../../actors/job-kind.ts';
import { chunkRunOptions, type TranscodeDeps } from './deps.ts';
import type { SegmentRef } from './plan.ts';
import { inputGone } from './source.ts';
import { outputDuration, outputPrefix, rangeStart, relativeKey, type TranscodeParams } from './params.ts';

export type SubtitleChunkSpec = { type: 'subtitles'; weight: number };

export interface PlannedSubtitleTrack extends SubtitleSource {
  /** The track's folder under `hls/subs/` ("en", "en-2", "und"): safe in a key, unlike the name. */
  folder: string;
}

export interface SubtitleTrackResult {
  folder: string;
  name: string;
  language: string;
  playlistKey: string;
  segments: SegmentRef[];
}

export type SubtitleChunkResult = { type: 'subtitles'; tracks: SubtitleTrackResult[] };

/**
 * Pure: the subtitle renditions this job makes. Only HLS with video has a
 * master playlist whose variants can name a subtitle group; jobs made
 * before subtitles existed carry no tracks and make none.
 */
export const subtitleTracksOf = (p: TranscodeParams): PlannedSubtitleTrack[] => {
  const tracks = p.source.subtitles ?? [];
  if (tracks.length === 0 || p.preset.output !== 'hls' || !p.preset.video || p.source.videoStream === null) return [];
  const folders = subtitleFolders(tracks);
  return tracks.map((t, i) => ({ ...t, folder: folders[i]! }));
};

/** Pure: the chunk to plan when the job makes subtitles, else null. Reading the file is most of its cost, light next to encoding. */
export const subtitleChunkSpec = (p: TranscodeParams): SubtitleChunkSpec | null =>
  subtitleTracksOf(p).length > 0 ? { type: 'subtitles', weight: outputDuration(p) * 0.01 } : null;

const SEGMENT = 'subs_000.vtt';

/** Extracts every track to WebVTT, moves the cues onto the output timeline and uploads one playlist and one segment per track. */
export const runSubtitleChunk = async (d: TranscodeDeps, p: TranscodeParams, n: number, ctx: WorkContext): Promise<SubtitleChunkResult> => {
  const tracks = subtitleTracksOf(p);
  if (tracks.length === 0) throw new AppError('unrecoverable', 'this job has no subtitle tracks to convert');
  const dir = await makeScratch(d.workDir, ctx.jobId, ctx.attempt, `c${n}`);
  const prefix = outputPrefix(ctx.jobId, ctx.attempt);
  const duration = outputDuration(p);
  try {
    if (!(await d.input.stat(p.inputKey))) throw await inputGone(d.input, p.inputKey);
    const files = tracks.map((t) => join(dir, `${t.folder}.vtt`));
    await runFfmpeg(
      subtitleExtractArgs({
        input: await toolInput(d.input, p.inputKey),
        inputOptions: demuxArgs(p.source.demux),
        tracks: tracks.map((t, i) => ({ streamIndex: t.index, output: files[i]! })),
      }),
      {
        ...chunkRunOptions(d, dir),
        bin: d.bins().ffmpeg,
        signal: ctx.signal,
        durationSeconds: p.source.duration,
        onProgress: (x) => ctx.progress({ percent: x.percent, fps: null, speed: x.speed, etaSeconds: x.etaSeconds }),
      },
    );
    const result: SubtitleChunkResult = { type: 'subtitles', tracks: [] };
    for (const [i, t] of tracks.entries()) {
      // A track with no cue at all leaves no file behind; it is still a (silent) rendition.
      const file = Bun.file(files[i]!);
      const cues = (await file.exists()) ? parseVtt(await file.text()) : [];
      const vtt = writeSubtitleVtt(retimeCues(cues, { origin: rangeStart(p), duration }));
      const base = `${prefix}/hls/subs/${t.folder}`;
      const segmentKey = `${base}/${SEGMENT}`;
      const playlistKey = `${base}/index.m3u8`;
      const stored = await d.output.put(segmentKey, vtt, { contentType: 'text/vtt' });
      await d.output.put(playlistKey, writeMediaPlaylist([{ uri: SEGMENT, duration }]), { contentType: 'application/vnd.apple.mpegurl' });
      result.tracks.push({ folder: t.folder, name: t.name, language: t.language, playlistKey, segments: [{ key: segmentKey, duration, bytes: stored.size }] });
    }
    return result;
  } finally {
    await removeScratch(d.workDir, dir);
  }
};

/** Pure: the subtitle renditions for writeMasterPlaylist, their URIs relative to the master's key. */
export const subtitleMasterEntries = (result: SubtitleChunkResult | null | undefined, masterKey: string): MasterSubtitle[] =>
  (result?.tracks ?? []).map((t) => ({ uri: relativeKey(masterKey, t.playlistKey), name: t.name, language: t.language }));

/**
 * A fork that reuses a subtitle chunk: `copy` brings each file into the
 * fork's prefix and returns its new key. The playlist names its segment
 * relatively, so the copy holds as it is.
 */
export const adoptSubtitleResult = async (r: SubtitleChunkResult, copy: (key: string) => Promise<string>): Promise<SubtitleChunkResult> => {
  const tracks: SubtitleTrackResult[] = [];
  for (const t of r.tracks) {
    const segments: SegmentRef[] = [];
    for (const s of t.segments) segments.push({ ...s, key: await copy(s.key) });
    tracks.push({ ...t, playlistKey: await copy(t.playlistKey), segments });
  }
  return { ...r, tracks };
};
