/**
 * A transcode job's parameters (pure): the asset's key and the facts of its
 * probe, plus a snapshot of the preset, so a job replays the same way even
 * after its preset is edited. Forks may override any of it; `validate`
 * checks the result again.
 */
import { AppError } from '../errors.ts';
import { validatePreset } from '../media/presets.ts';
import type { Preset, Probe, ProbeVerdict } from '../media/types.ts';

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
}

export interface TranscodeParams {
  assetId: string;
  inputKey: string;
  presetId: string;
  preset: Preset;
  source: TranscodeSource;
}

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
  };
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
  for (const f of ['displayWidth', 'displayHeight', 'fps', 'avgFps'] as const) if (!nullablePositive(s[f] ?? null)) bad(`source.${f}`, 'must be a positive number or null');
  if (s.videoStream !== null && !(s.displayWidth && s.displayHeight)) bad('source', 'a video stream needs displayWidth and displayHeight');
  return {
    assetId: p.assetId as string,
    inputKey: p.inputKey as string,
    presetId: p.presetId as string,
    preset,
    source: {
      duration: s.duration as number,
      videoStream: s.videoStream as number | null,
      audioStream: s.audioStream as number | null,
      displayWidth: (s.displayWidth as number | null) ?? null,
      displayHeight: (s.displayHeight as number | null) ?? null,
      fps: (s.fps as number | null) ?? null,
      avgFps: (s.avgFps as number | null) ?? null,
      hdr: s.hdr === true,
    },
  };
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
