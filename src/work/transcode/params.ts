/**
 * A transcode job's parameters (pure): the asset's key and the facts of its
 * probe, plus a snapshot of the preset, so a job replays the same way even
 * after its preset is edited. Forks may override any of it; `validate`
 * checks the result again.
 */
import { AppError } from '../../errors.ts';
import { validatePreset } from '../../media/preset-validation.ts';
import { textSubtitleTracks, type SubtitleSource } from '../../media/subtitles.ts';
import type { DemuxOptions, Preset, Probe, ProbeVerdict } from '../../types/media.ts';

export interface TranscodeSource {
  duration: number;
  /** ffprobe indices of the streams to use (null: none usable). */
  videoStream: number | null;
  audioStream: number | null;
  displayWidth: number | null;
  displayHeight: number | null;
  fps: number | null;
  avgFps: number | null;
  hdr: boolean;
  /** Text subtitle tracks that become WebVTT renditions (absent on older jobs and on sources without any: none). */
  subtitles?: SubtitleSource[];
  /** Bytes and modification time of the file when it was probed (absent on older jobs). */
  size?: number;
  modifiedAt?: string;
  /** Seconds of the chosen audio track, when the probe knows (absent on older jobs). */
  audioDuration?: number;
  /** How the file must be opened when sniffing it misleads ffmpeg (junk before an MP3's first frame); absent when sniffing works. */
  demux?: DemuxOptions;
}

export interface TranscodeParams {
  assetId: string;
  inputKey: string;
  presetId: string;
  preset: Preset;
  source: TranscodeSource;
  /** Trim: only source seconds [start, end) are encoded, and the output starts at 0. Absent or null: the whole source. */
  range?: TimeRange | null;
}

export interface TimeRange {
  start: number;
  end: number;
}

/** Pure: seconds of output the job makes (the trimmed range, or the whole source). */
export const outputDuration = (p: Pick<TranscodeParams, 'source' | 'range'>): number => (p.range ? p.range.end - p.range.start : p.source.duration);

/** Pure: source seconds where the output begins. */
export const rangeStart = (p: Pick<TranscodeParams, 'range'>): number => p.range?.start ?? 0;

/**
 * Checks a trim range against a source of `duration` seconds; throws
 * AppError('validation') naming `field`. A range covering the whole source
 * is no trim (null).
 */
export const validateTimeRange = (x: unknown, duration: number, field = 'range'): TimeRange | null => {
  if (x === undefined || x === null) return null;
  const bad = (why: string): never => {
    throw new AppError('validation', `${field}: ${why}`);
  };
  if (!isObj(x)) return bad('must be an object { start, end } in seconds');
  const unknown = Object.keys(x).filter((k) => k !== 'start' && k !== 'end');
  if (unknown.length) bad(`unknown field "${unknown[0]}" (a range has start and end, in seconds)`);
  const start = x.start ?? 0;
  const end = x.end ?? duration;
  if (typeof start !== 'number' || !Number.isFinite(start) || start < 0) bad('start must be a number of seconds, 0 or more');
  if (typeof end !== 'number' || !Number.isFinite(end)) bad('end must be a number of seconds');
  const s = start as number;
  const e = end as number;
  if (s >= duration) bad(`start (${s} s) is not before the end of the source (${duration} s)`);
  if (e <= s) bad(`end (${e} s) must come after start (${s} s)`);
  if (e > duration + 1e-3) bad(`end (${e} s) is past the end of the source (${duration} s)`);
  if (e - s < 0.1) bad('the range is shorter than a tenth of a second');
  const clamped = { start: s, end: Math.min(e, duration) };
  return clamped.start === 0 && clamped.end >= duration ? null : clamped;
};

/** Pure: the facts a transcode needs from a ready asset's probe. */
export const sourceFromProbe = (probe: Probe, verdict: ProbeVerdict): TranscodeSource => {
  const v = probe.streams.find((s) => s.index === verdict.videoStream) ?? null;
  return {
    duration: probe.presentDuration && probe.duration ? Math.min(probe.duration, probe.presentDuration) : (probe.duration ?? probe.presentDuration ?? 0),
    videoStream: verdict.kind === 'video' ? verdict.videoStream : null,
    audioStream: verdict.audioStream,
    displayWidth: v?.displayWidth ?? null,
    displayHeight: v?.displayHeight ?? null,
    fps: v?.fps ?? null,
    avgFps: v?.avgFps ?? null,
    hdr: v?.hdr ?? false,
    ...optionalSubtitles(textSubtitleTracks(probe.streams)),
    ...audioLength(probe, verdict),
    ...(probe.demux ? { demux: probe.demux } : {}),
  };
};

/** How long the chosen audio track lasts, when the probe says (it may end before the video). */
const audioLength = (probe: Probe, verdict: ProbeVerdict) => {
  const a = probe.streams.find((s) => s.index === verdict.audioStream);
  return a?.duration && a.duration > 0 ? { audioDuration: a.duration } : {};
};

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const nullableIndex = (x: unknown) => x === null || (Number.isInteger(x) && (x as number) >= 0);
const nullablePositive = (x: unknown) => x === null || (typeof x === 'number' && x > 0 && Number.isFinite(x));

/** Checks params from a request or a fork's overrides; throws AppError('validation') naming the field. */
export const validateTranscodeParams = (p: Record<string, unknown>): TranscodeParams => {
  const bad = (field: string, why: string): never => {
    throw new AppError('validation', `params.${field}: ${why}`);
  };
  for (const f of ['assetId', 'inputKey', 'presetId'] as const) if (typeof p[f] !== 'string' || !p[f]) bad(f, 'a non-empty string is required');
  if (!isObj(p.preset)) bad('preset', 'a preset object is required');
  const { builtin, id, ...rest } = p.preset as Record<string, unknown>;
  const preset: Preset = { ...validatePreset(rest, { id: typeof id === 'string' ? id : String(p.presetId) }), builtin: builtin === true };
  if (!isObj(p.source)) bad('source', 'the source facts are required');
  const s = p.source as Record<string, unknown>;
  if (typeof s.duration !== 'number' || !(s.duration > 0)) bad('source.duration', 'must be a positive number of seconds');
  if (!nullableIndex(s.videoStream)) bad('source.videoStream', 'must be a stream index or null');
  if (!nullableIndex(s.audioStream)) bad('source.audioStream', 'must be a stream index or null');
  for (const f of ['displayWidth', 'displayHeight', 'fps', 'avgFps'] as const)
    if (!nullablePositive(s[f] ?? null)) bad(`source.${f}`, 'must be a positive number or null');
  if (s.videoStream !== null && !(s.displayWidth && s.displayHeight)) bad('source', 'a video stream needs displayWidth and displayHeight');
  return {
    assetId: p.assetId as string,
    inputKey: p.inputKey as string,
    presetId: p.presetId as string,
    preset,
    ...optionalRange(validateTimeRange(p.range, s.duration as number, 'params.range')),
    source: {
      duration: s.duration as number,
      videoStream: s.videoStream as number | null,
      audioStream: s.audioStream as number | null,
      displayWidth: (s.displayWidth as number | null) ?? null,
      displayHeight: (s.displayHeight as number | null) ?? null,
      fps: (s.fps as number | null) ?? null,
      avgFps: (s.avgFps as number | null) ?? null,
      hdr: s.hdr === true,
      ...optionalSubtitles(validateSubtitles(s.subtitles)),
      ...optionalFacts(s),
    },
  };
};

/** A source without text subtitles carries no field at all, as sources made before subtitles existed. */
const optionalSubtitles = (tracks: SubtitleSource[]) => (tracks.length > 0 ? { subtitles: tracks } : {});

const validateSubtitles = (x: unknown): SubtitleSource[] => {
  if (x === undefined || x === null) return [];
  const bad = (why: string): never => {
    throw new AppError('validation', `params.source.subtitles: ${why}`);
  };
  if (!Array.isArray(x)) return bad('must be a list of subtitle tracks');
  const names = new Set<string>();
  return x.map((t, i) => {
    if (!isObj(t)) return bad(`track ${i} must be an object { index, codec, language, name }`);
    if (!Number.isInteger(t.index) || (t.index as number) < 0) bad(`track ${i} needs a stream index (a whole number, 0 or more)`);
    for (const f of ['codec', 'language', 'name'] as const) if (typeof t[f] !== 'string' || (t[f] as string).trim() === '') bad(`track ${i} needs a ${f}`);
    if (names.has(t.name as string)) bad(`two tracks are named "${t.name}": each needs its own name`);
    names.add(t.name as string);
    return { index: t.index as number, codec: t.codec as string, language: t.language as string, name: t.name as string };
  });
};

/** An untrimmed job's params carry no range at all, as jobs made before trimming existed. */
const optionalRange = (range: TimeRange | null) => (range ? { range } : {});

/**
 * Optional facts: the file's size and modification time when it was probed
 * (a job checks them before it starts) and its audio track's length (what
 * the output check expects). Older jobs have none of them.
 */
const optionalFacts = (s: Record<string, unknown>) => ({
  ...(typeof s.size === 'number' ? { size: s.size } : {}),
  ...(typeof s.modifiedAt === 'string' ? { modifiedAt: s.modifiedAt } : {}),
  ...(typeof s.audioDuration === 'number' && s.audioDuration > 0 ? { audioDuration: s.audioDuration } : {}),
  ...validDemux(s.demux),
});

/** A forced demuxer is passed to ffmpeg as `-f NAME`: only a plain demuxer name is accepted, never anything that reads as an option. */
const validDemux = (x: unknown): { demux?: DemuxOptions } => {
  if (x === undefined || x === null) return {};
  const d = x as Partial<DemuxOptions>;
  if (!isObj(x) || typeof d.format !== 'string' || !/^[a-z0-9_]{1,32}$/.test(d.format) || !Number.isInteger(d.skipInitialBytes) || d.skipInitialBytes! < 0) {
    throw new AppError('validation', 'params.source.demux: must be { format: a demuxer name, skipInitialBytes: a whole number }');
  }
  return { demux: { format: d.format, skipInitialBytes: d.skipInitialBytes! } };
};

/** Pure: refuses a preset the source cannot feed, with a sentence saying what would work. */
export const checkPresetFitsSource = (p: TranscodeParams): void => {
  const { preset, source } = p;
  const hasVideo = source.videoStream !== null;
  const hasAudio = source.audioStream !== null && preset.audio !== null;
  if ((preset.output === 'mp4' || preset.output === 'thumbnails') && !hasVideo) {
    throw new AppError('validation', `preset ${preset.id} needs a video stream, and this asset is audio only (try audio-aac)`);
  }
  if (preset.output === 'audio' && source.audioStream === null) {
    throw new AppError('validation', `preset ${preset.id} extracts audio, and this asset has no usable audio stream`);
  }
  if (preset.output === 'hls' && !hasVideo && !hasAudio) {
    throw new AppError('validation', `preset ${preset.id} has nothing to encode: the asset has no video and the preset no audio`);
  }
};

/** Where an attempt's outputs live in the output store: attempts never share keys, so cleaning one never touches another. */
export const outputPrefix = (jobId: string, attempt: number): string => `jobs/${jobId}/a${attempt}`;

/** Pure: a relative URI from a playlist's key to another key in the same store (playlists stay valid wherever the store is served). */
export const relativeKey = (fromKey: string, toKey: string): string => {
  const from = fromKey.split('/').slice(0, -1);
  const to = toKey.split('/');
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  return [...Array(from.length - i).fill('..'), ...to.slice(i)].join('/');
};
