/**
 * The validator for user presets.
 *
 * A user preset arrives as a JSON body. Omitted optional sections get the
 * defaults that make the output usable (AAC stereo audio; thumbnails for
 * `hls` and `thumbnails` outputs); an explicit `null` switches a section off.
 * `video` is never defaulted: the ladder is the point of a video preset.
 *
 * Every problem found is reported (up to MAX_REPORTED, joined with "; ") so a
 * person fixes a body in one round trip rather than one field at a time.
 */
import { AppError } from '../errors.ts';
import {
  X264_PRESETS,
  PRESET_OUTPUTS,
  DEFAULT_AUDIO,
  DEFAULT_THUMBNAILS,
  DEFAULT_SEGMENT_SECONDS,
  DEFAULT_ENCODER_PRESET,
  DEFAULT_MAX_FPS,
} from './presets.ts';
import type { AudioSpec, Preset, PresetOutput, RungSpec, ThumbnailSpec, VideoSpec } from '../types/media.ts';

const MAX_REPORTED = 5;

// Start and end on a letter or digit so ids read well in URLs and paths.
const ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$/;
// Rung names become directory names in the output (`720p/index.m3u8`).
const RUNG_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

// ffmpeg's encoder name and the RFC 6381 family name are common in copied
// configs; they all mean the one codec we produce.
const VIDEO_CODEC_ALIASES: Record<string, 'h264'> = { h264: 'h264', libx264: 'h264', avc: 'h264', avc1: 'h264' };
const AUDIO_CODEC_ALIASES: Record<string, 'aac'> = { aac: 'aac' };

const TOP_FIELDS = ['id', 'name', 'description', 'builtin', 'output', 'video', 'audio', 'segmentSeconds', 'thumbnails'];
const VIDEO_FIELDS = ['codec', 'encoderPreset', 'rungs', 'maxFps'];
const RUNG_FIELDS = ['name', 'height', 'videoBitrate'];
const AUDIO_FIELDS = ['codec', 'bitrate', 'channels', 'sampleRate'];
const THUMBNAIL_FIELDS = ['intervalSeconds', 'width', 'columns', 'rows', 'maxCount'];

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const show = (v: unknown): string => {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
};

const at = (path: string, field: string) => (path ? `${path}.${field}` : field);

const unknownFields = (issues: string[], path: string, o: Obj, allowed: readonly string[]): void => {
  const extra = Object.keys(o).filter((k) => !allowed.includes(k));
  if (extra.length === 0) return;
  const names = extra.map((k) => JSON.stringify(k)).join(', ');
  issues.push(`${path || 'preset'}: unknown field${extra.length > 1 ? 's' : ''} ${names} (allowed: ${allowed.join(', ')})`);
};

interface NumberRule {
  min: number;
  max: number;
  whole?: boolean;
  even?: boolean;
  unit?: string;
}

const num = (issues: string[], path: string, v: unknown, r: NumberRule): number | undefined => {
  const ok =
    typeof v === 'number' && Number.isFinite(v) && v >= r.min && v <= r.max && (!r.whole && !r.even ? true : Number.isInteger(v)) && (!r.even || v % 2 === 0);
  if (ok) return v;
  const kind = r.even ? 'an even whole number' : r.whole ? 'a whole number' : 'a number';
  issues.push(`${path}: must be ${kind} between ${r.min} and ${r.max}${r.unit ? ` ${r.unit}` : ''}, got ${show(v)}`);
  return undefined;
};

const optNum = (issues: string[], path: string, v: unknown, r: NumberRule, fallback: number): number | undefined =>
  v === undefined ? fallback : num(issues, path, v, r);

const oneOf = <T extends string | number>(issues: string[], path: string, v: unknown, allowed: readonly T[]): T | undefined => {
  if ((allowed as readonly unknown[]).includes(v)) return v as T;
  issues.push(`${path}: must be one of ${allowed.join(', ')}, got ${show(v)}`);
  return undefined;
};

const text = (issues: string[], path: string, v: unknown, min: number, max: number): string | undefined => {
  const s = typeof v === 'string' ? v.trim() : undefined;
  if (s !== undefined && s.length >= min && s.length <= max) return s;
  issues.push(`${path}: must be a string of ${min}-${max} characters, got ${typeof v === 'string' ? `${v.length} characters` : show(v)}`);
  return undefined;
};

const codec = <T extends string>(issues: string[], path: string, v: unknown, aliases: Record<string, T>, fallback: T): T | undefined => {
  if (v === undefined) return fallback;
  const found = typeof v === 'string' ? aliases[v.toLowerCase()] : undefined;
  if (found) return found;
  issues.push(`${path}: unsupported codec ${show(v)} (supported: ${fallback})`);
  return undefined;
};

const parseId = (issues: string[], fromBody: unknown, fromPath: string | undefined): string | undefined => {
  if (fromBody !== undefined && fromPath !== undefined && fromBody !== fromPath) {
    issues.push(`id: ${show(fromBody)} in the body does not match ${show(fromPath)}`);
    return undefined;
  }
  const id = fromPath ?? fromBody;
  if (id === undefined) {
    issues.push('id: required');
    return undefined;
  }
  if (typeof id === 'string' && ID_PATTERN.test(id)) return id;
  issues.push(`id: use 2-40 lowercase letters, digits or dashes (not starting or ending with a dash), got ${show(id)}`);
  return undefined;
};

const parseRung = (issues: string[], path: string, v: unknown): RungSpec | undefined => {
  if (!isObj(v)) {
    issues.push(`${path}: must be an object with height and videoBitrate, got ${show(v)}`);
    return undefined;
  }
  unknownFields(issues, path, v, RUNG_FIELDS);
  const height = num(issues, at(path, 'height'), v.height, { min: 144, max: 4320, even: true });
  const videoBitrate = num(issues, at(path, 'videoBitrate'), v.videoBitrate, {
    min: 100_000,
    max: 50_000_000,
    whole: true,
    unit: 'b/s',
  });
  let name: string | undefined = height === undefined ? undefined : `${height}p`;
  if (v.name !== undefined) {
    if (typeof v.name === 'string' && RUNG_NAME_PATTERN.test(v.name)) name = v.name;
    else {
      issues.push(`${at(path, 'name')}: use 1-32 letters, digits, dashes or underscores, got ${show(v.name)}`);
      name = undefined;
    }
  }
  if (height === undefined || videoBitrate === undefined || name === undefined) return undefined;
  return { name, height, videoBitrate };
};

const parseRungs = (issues: string[], v: unknown): RungSpec[] | undefined => {
  if (!Array.isArray(v) || v.length < 1 || v.length > 8) {
    issues.push(`video.rungs: must be a list of 1-8 rungs, got ${Array.isArray(v) ? `${v.length} rungs` : show(v)}`);
    return undefined;
  }
  const parsed = v.map((r, i) => parseRung(issues, `video.rungs[${i}]`, r));
  const rungs = parsed.filter((r): r is RungSpec => r !== undefined);
  if (rungs.length !== parsed.length) return undefined;
  const dup = (key: (r: RungSpec) => string | number, what: string): boolean => {
    const seen = new Set<string | number>();
    for (const r of rungs) {
      if (seen.has(key(r))) {
        issues.push(`video.rungs: ${what} must be distinct, ${JSON.stringify(key(r))} appears twice`);
        return true;
      }
      seen.add(key(r));
    }
    return false;
  };
  if (dup((r) => r.height, 'heights') || dup((r) => r.name, 'names')) return undefined;
  // Canonical order is ascending; a taller rung with no more bits than a
  // shorter one would only ever look worse, so it is surely a typo.
  const sorted = [...rungs].sort((a, b) => a.height - b.height);
  for (let i = 1; i < sorted.length; i++) {
    const lo = sorted[i - 1]!;
    const hi = sorted[i]!;
    if (hi.videoBitrate <= lo.videoBitrate) {
      issues.push(`video.rungs: videoBitrate must rise with height, but ${hi.name} has ${hi.videoBitrate} b/s and ${lo.name} ${lo.videoBitrate} b/s`);
      return undefined;
    }
  }
  return sorted;
};

const parseVideo = (issues: string[], v: unknown): VideoSpec | undefined => {
  if (!isObj(v)) {
    issues.push(`video: must be an object or null, got ${show(v)}`);
    return undefined;
  }
  unknownFields(issues, 'video', v, VIDEO_FIELDS);
  const c = codec(issues, 'video.codec', v.codec, VIDEO_CODEC_ALIASES, 'h264');
  const encoderPreset = v.encoderPreset === undefined ? DEFAULT_ENCODER_PRESET : oneOf(issues, 'video.encoderPreset', v.encoderPreset, X264_PRESETS);
  const rungs = parseRungs(issues, v.rungs);
  const maxFps = optNum(issues, 'video.maxFps', v.maxFps, { min: 1, max: 120 }, DEFAULT_MAX_FPS);
  if (!c || !encoderPreset || !rungs || maxFps === undefined) return undefined;
  return { codec: c, encoderPreset, rungs, maxFps };
};

const parseAudio = (issues: string[], v: unknown): AudioSpec | undefined => {
  if (!isObj(v)) {
    issues.push(`audio: must be an object or null, got ${show(v)}`);
    return undefined;
  }
  unknownFields(issues, 'audio', v, AUDIO_FIELDS);
  const c = codec(issues, 'audio.codec', v.codec, AUDIO_CODEC_ALIASES, 'aac');
  const bitrate = num(issues, 'audio.bitrate', v.bitrate, { min: 32_000, max: 512_000, whole: true, unit: 'b/s' });
  const channels = v.channels === undefined ? 2 : oneOf(issues, 'audio.channels', v.channels, [1, 2] as const);
  const sampleRate = v.sampleRate === undefined ? 48000 : oneOf(issues, 'audio.sampleRate', v.sampleRate, [44100, 48000] as const);
  if (!c || bitrate === undefined || channels === undefined || sampleRate === undefined) return undefined;
  return { codec: c, bitrate, channels, sampleRate };
};

const parseThumbnails = (issues: string[], v: unknown): ThumbnailSpec | undefined => {
  if (!isObj(v)) {
    issues.push(`thumbnails: must be an object or null, got ${show(v)}`);
    return undefined;
  }
  unknownFields(issues, 'thumbnails', v, THUMBNAIL_FIELDS);
  const d = DEFAULT_THUMBNAILS;
  const spec = {
    intervalSeconds: optNum(issues, 'thumbnails.intervalSeconds', v.intervalSeconds, { min: 0.5, max: 600, unit: 's' }, d.intervalSeconds),
    width: optNum(issues, 'thumbnails.width', v.width, { min: 32, max: 1920, even: true }, d.width),
    columns: optNum(issues, 'thumbnails.columns', v.columns, { min: 1, max: 20, whole: true }, d.columns),
    rows: optNum(issues, 'thumbnails.rows', v.rows, { min: 1, max: 20, whole: true }, d.rows),
    maxCount: optNum(issues, 'thumbnails.maxCount', v.maxCount, { min: 1, max: 10_000, whole: true }, d.maxCount),
  };
  const values = Object.values(spec);
  return values.every((x) => x !== undefined) ? (spec as ThumbnailSpec) : undefined;
};

/** Which sections an output needs, allows, or forbids, and what an omitted one becomes. */
const checkSections = (issues: string[], output: PresetOutput, body: Obj): void => {
  const given = (k: string) => body[k] !== undefined && body[k] !== null;
  const forbid = (k: string, why: string) => {
    if (given(k)) issues.push(`${k}: must be null or omitted for output "${output}" (${why})`);
  };
  const need = (k: string) => {
    if (!given(k)) issues.push(`${k}: required for output "${output}"`);
  };
  switch (output) {
    case 'hls':
      need('video');
      break;
    case 'mp4':
      need('video');
      if (isObj(body.video) && Array.isArray(body.video.rungs) && body.video.rungs.length !== 1)
        issues.push(`video.rungs: output "mp4" takes exactly one rung, got ${body.video.rungs.length}`);
      break;
    case 'audio':
      forbid('video', 'an audio output has no picture');
      if (body.audio === null) need('audio');
      forbid('thumbnails', 'an audio output has no picture');
      break;
    case 'thumbnails':
      forbid('video', 'only thumbnails are made');
      forbid('audio', 'only thumbnails are made');
      if (body.thumbnails === null) need('thumbnails');
      break;
    default: {
      const _exhaustive: never = output;
      throw new Error(`unknown output ${String(_exhaustive)}`);
    }
  }
};

const report = (issues: string[]): string => {
  const shown = issues.slice(0, MAX_REPORTED).join('; ');
  return issues.length > MAX_REPORTED ? `${shown}; and ${issues.length - MAX_REPORTED} more` : shown;
};

/**
 * Validate a user preset body and fill its defaults. `opts.id` is the id from
 * the route, if any; a body id must then agree with it. Whether the id is
 * taken (by a built-in or a stored preset) is the caller's question: see
 * isBuiltinPresetId.
 */
export const validatePreset = (input: unknown, opts: { id?: string } = {}): Preset => {
  if (!isObj(input)) throw new AppError('validation', `preset: must be a JSON object, got ${show(input)}`);
  const issues: string[] = [];
  unknownFields(issues, '', input, TOP_FIELDS);
  // Echoing back a preset read from the API (builtin: false) is harmless.
  if (input.builtin !== undefined && input.builtin !== false) issues.push(`builtin: only the server's own presets are built in, got ${show(input.builtin)}`);
  const id = parseId(issues, input.id, opts.id);
  const name = text(issues, 'name', input.name, 1, 80);
  const description = input.description === undefined ? '' : text(issues, 'description', input.description, 0, 500);
  const output = oneOf(issues, 'output', input.output, PRESET_OUTPUTS);
  const video = input.video === undefined || input.video === null ? null : parseVideo(issues, input.video);
  const audio =
    input.audio === null ? null : input.audio === undefined ? (output === 'thumbnails' ? null : { ...DEFAULT_AUDIO }) : parseAudio(issues, input.audio);
  const thumbnails =
    input.thumbnails === null
      ? null
      : input.thumbnails === undefined
        ? output === 'hls' || output === 'thumbnails'
          ? { ...DEFAULT_THUMBNAILS }
          : null
        : parseThumbnails(issues, input.thumbnails);
  const segmentSeconds = optNum(issues, 'segmentSeconds', input.segmentSeconds, { min: 1, max: 30, whole: true, unit: 's' }, DEFAULT_SEGMENT_SECONDS);
  if (output) checkSections(issues, output, input);

  if (
    issues.length > 0 ||
    id === undefined ||
    name === undefined ||
    description === undefined ||
    output === undefined ||
    video === undefined ||
    audio === undefined ||
    thumbnails === undefined ||
    segmentSeconds === undefined
  )
    throw new AppError('validation', report(issues));
  return { id, name, description, builtin: false, output, video, audio, segmentSeconds, thumbnails };
};
