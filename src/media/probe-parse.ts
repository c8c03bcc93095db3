/**
 * ffprobe's `-show_format -show_streams` JSON → Probe. Pure. ffprobe prints
 * most numbers as strings, "N/A" for unknown ones and leaves fields out
 * freely, so every field is read defensively and unknown becomes null.
 */
import type { Probe, ProbeStream, StreamType } from '../types/media.ts';

type Json = Record<string, unknown>;

const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 && v !== 'N/A' ? v : null);

const num = (v: unknown): number | null => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** "30000/1001" → 29.97…; "0/0", "0/1" and garbage → null. */
export const parseRate = (v: unknown): number | null => {
  if (typeof v !== 'string') return null;
  const [a, b] = v.split('/');
  const n = Number(a);
  const d = b === undefined ? 1 : Number(b);
  return Number.isFinite(n) && Number.isFinite(d) && n > 0 && d > 0 ? n / d : null;
};

/** Matroska keeps stream durations in a tag: "00:00:05.059000000". */
const tagDuration = (v: unknown): number | null => {
  const m = typeof v === 'string' ? v.match(/^(\d+):(\d\d):(\d\d(?:\.\d+)?)$/) : null;
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
};

const STREAM_TYPES: readonly StreamType[] = ['video', 'audio', 'subtitle', 'data', 'attachment'];

/**
 * Clockwise display rotation, 0/90/180/270. ffprobe's display-matrix
 * "rotation" is counter-clockwise (-90 means "turn 90° clockwise to show",
 * the value phones write for portrait), while the legacy `rotate` tag was
 * already clockwise. A reflection in the matrix is not represented.
 */
export const displayRotation = (stream: Json): number => {
  const matrix = (Array.isArray(stream.side_data_list) ? stream.side_data_list : [])
    .map(obj)
    .find((d) => d.side_data_type === 'Display Matrix' && num(d.rotation) !== null);
  const tags = obj(stream.tags);
  const clockwise = matrix ? -num(matrix.rotation)! : (num(tags.rotate) ?? 0);
  return (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
};

/** Bits per sample: bits_per_raw_sample, else from the pixel format's name (yuv420p10le → 10, p010le → 10). */
export const bitDepthOf = (rawBits: unknown, pixFmt: string | null): number | null => {
  const raw = num(rawBits);
  if (raw !== null && raw > 0) return raw;
  if (!pixFmt) return null;
  const m = pixFmt.match(/^p0(\d\d)/) ?? pixFmt.match(/p(\d\d)(?:le|be)?$/) ?? pixFmt.match(/^gray(\d+)/) ?? pixFmt.match(/^[a-z]+(48|64)(?:le|be)?$/);
  if (m) {
    const bits = Number(m[1]);
    return bits === 48 || bits === 64 ? 16 : bits;
  }
  if (pixFmt === 'monob' || pixFmt === 'monow') return 1;
  return /^(yuv|yuvj|nv|rgb|bgr|gray|argb|rgba|abgr|bgra|gbr|ya)/.test(pixFmt) ? 8 : null;
};

const HDR_TRANSFERS = new Set(['smpte2084', 'arib-std-b67']);

export const parseStream = (raw: unknown, position: number): ProbeStream => {
  const s = obj(raw);
  const codecType = str(s.codec_type);
  const type: StreamType = STREAM_TYPES.find((t) => t === codecType) ?? 'unknown';
  const codecName = str(s.codec_name);
  const tags = obj(s.tags);
  const disposition = obj(s.disposition);
  const language = str(tags.language);
  const video = type === 'video';
  const audio = type === 'audio';
  const width = video ? num(s.width) : null;
  const height = video ? num(s.height) : null;
  const rotation = video ? displayRotation(s) : 0;
  const sideways = rotation === 90 || rotation === 270;
  const pixFmt = video ? str(s.pix_fmt) : null;
  const colorTransfer = video ? str(s.color_transfer) : null;
  return {
    index: num(s.index) ?? position,
    type,
    codec: codecName === 'none' ? null : codecName,
    profile: str(s.profile),
    bitrate: num(s.bit_rate) ?? num(tags.BPS),
    duration: num(s.duration) ?? tagDuration(tags.DURATION),
    // "und" is ISO 639-2 for "undetermined": the same as not knowing.
    language: language === 'und' ? null : language,
    title: str(tags.title),
    width,
    height,
    rotation,
    displayWidth: sideways ? height : width,
    displayHeight: sideways ? width : height,
    fps: video ? parseRate(s.r_frame_rate) : null,
    avgFps: video ? parseRate(s.avg_frame_rate) : null,
    pixFmt,
    bitDepth: video ? bitDepthOf(s.bits_per_raw_sample, pixFmt) : null,
    colorTransfer,
    colorPrimaries: video ? str(s.color_primaries) : null,
    colorSpace: video ? str(s.color_space) : null,
    hdr: colorTransfer !== null && HDR_TRANSFERS.has(colorTransfer),
    attachedPic: num(disposition.attached_pic) === 1,
    isDefault: num(disposition.default) === 1,
    channels: audio ? num(s.channels) : null,
    channelLayout: audio ? str(s.channel_layout) : null,
    sampleRate: audio ? num(s.sample_rate) : null,
  };
};

/**
 * `size` is the byte size of the input (stat for files); format.size is
 * used when it is not known (pass NaN or a negative number).
 */
export const parseProbe = (json: unknown, size: number): Probe => {
  const root = obj(json);
  const format = obj(root.format);
  const streams = Array.isArray(root.streams) ? root.streams.map(parseStream) : [];
  const duration = num(format.duration);
  return {
    container: str(format.format_name) ?? '',
    duration: duration !== null && duration >= 0 ? duration : null,
    size: Number.isFinite(size) && size >= 0 ? size : (num(format.size) ?? 0),
    bitrate: num(format.bit_rate),
    streams,
    presentDuration: null,
  };
};

/**
 * format.start_time: where the container's timeline starts (1.4 s in a
 * typical MPEG-TS). Packet times are measured from it.
 */
export const formatStartTime = (json: unknown): number | null => num(obj(obj(json).format).start_time);
