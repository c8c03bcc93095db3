/**
 * Decides from a probe whether a file is usable as video, as audio, or not
 * at all. Pure. Goes by content, never by the file name: ffprobe sniffs the
 * bytes, so a JPEG renamed .mp4 shows up as jpeg_pipe and is refused here.
 */
import type { DecodeCheck, Probe, ProbeStream, ProbeVerdict } from '../types/media.ts';

/** Present below this share of the stated duration reads as truncated... */
const TRUNCATED_SHARE = 0.9;
/** ...unless less than this is missing (containers round, last frames have no duration). */
const TRUNCATED_MIN_GAP_SECONDS = 0.5;
/** One frame at 25 fps: what ffprobe's image2 demuxer reports for one picture. */
const ONE_FRAME_SECONDS = 0.04;
/**
 * A decode with at least this share of errors (errors / (errors + frames)) is
 * damaged: sound files that read this badly play as noise or not at all.
 * Healthy files print none, or one for a cover picture.
 */
const DAMAGED_SHARE = 0.2;
/** ...counting only from this many errors, so a short clip with a glitch or two passes. */
const DAMAGED_MIN_ERRORS = 5;

const STILL_CODECS: Record<string, string> = {
  mjpeg: 'JPEG',
  jpegls: 'JPEG-LS',
  jpeg2000: 'JPEG 2000',
  png: 'PNG',
  bmp: 'BMP',
  tiff: 'TIFF',
  webp: 'WebP',
  gif: 'GIF',
  qoi: 'QOI',
  pam: 'PAM',
  ppm: 'PPM',
  pgm: 'PGM',
  dpx: 'DPX',
  exr: 'OpenEXR',
};

/** image2 is the picture-file demuxer; jpeg_pipe, png_pipe, tiff_pipe... sniff single pictures. */
const isImageContainer = (container: string): boolean =>
  container.split(',').some((name) => name === 'image2' || name === 'image2pipe' || name.endsWith('_pipe'));

/** A single picture rather than moving images. */
const isStill = (probe: Probe, s: ProbeStream): boolean => {
  if (isImageContainer(probe.container)) return true;
  if (s.codec === null || !(s.codec in STILL_CODECS)) return false;
  const duration = s.duration ?? probe.duration;
  return duration === null || duration <= ONE_FRAME_SECONDS;
};

const stillLabel = (s: ProbeStream): string => (s.codec && STILL_CODECS[s.codec]) ?? s.codec?.toUpperCase() ?? 'image';

const positive = (n: number | null): boolean => n !== null && n > 0;

const isUsableVideo = (probe: Probe, s: ProbeStream): boolean =>
  s.type === 'video' && s.codec !== null && !s.attachedPic && positive(s.width) && positive(s.height) && !isStill(probe, s);

/** A track with no sample description (codec none, 0 Hz, 0 channels) is not audio anyone can play. */
const isUsableAudio = (s: ProbeStream): boolean => s.type === 'audio' && s.codec !== null && positive(s.channels) && positive(s.sampleRate);

/** The stream marked default wins; otherwise the first. */
const pick = (streams: ProbeStream[]): ProbeStream | null => streams.find((s) => s.isDefault) ?? streams[0] ?? null;

const invalid = (reason: string): ProbeVerdict => ({ kind: null, status: 'invalid', reason, videoStream: null, audioStream: null });

const seconds = (n: number): string => `${n.toFixed(1)} s`;

/** Whether `present` seconds of media fall short enough of `duration` to call the file truncated. */
export const isTruncated = (present: number, duration: number): boolean =>
  present < duration * TRUNCATED_SHARE && duration - present > TRUNCATED_MIN_GAP_SECONDS;

/** Whether a decode check shows a damaged file. */
export const isDamaged = (d: DecodeCheck): boolean => d.errors >= DAMAGED_MIN_ERRORS && d.errors >= DAMAGED_SHARE * (d.errors + d.frames);

/** Errors per decode attempt (1 when nothing decoded): the lower, the cleaner. */
export const errorShare = (d: DecodeCheck | null | undefined): number => {
  if (!d) return 0;
  return d.frames === 0 ? 1 : d.errors / (d.errors + d.frames);
};

/**
 * Whether `present` seconds of media are short of the stated `duration`.
 * Containers disagree on what their duration counts from: MPEG-TS and FLV
 * from the first timestamp, MP4 and Matroska from 0 (a clip whose timeline
 * starts at 10 s with 4 s of media states 14 s). So a file is short only if
 * its media ends early counted either way: from its start, and from 0.
 */
const isShort = (present: number, duration: number, startTime: number): boolean => isTruncated(present, duration) && isTruncated(startTime + present, duration);

const decodeReason = (d: DecodeCheck): string | null => {
  const where = d.windowed ? `in the ${seconds(d.seconds)} checked at its start, middle and end` : `in its ${seconds(d.seconds)}`;
  // No frame and no error says nothing (a stream with no keyframe in reach); no frame and errors, that nothing decodes.
  if (d.frames === 0 && d.errors > 0) return `nothing decodes: ${d.errors} decode errors and not one audio or video frame ${where}`;
  if (isDamaged(d)) return `the file is damaged: ${d.errors} decode errors against ${d.frames} good frames ${where}`;
  return null;
};

/**
 * `ffprobeError` is the sentence for a file ffprobe could not open at all
 * (probe null), typically from ffmpegReason.
 */
export const classifyProbe = (probe: Probe | null, ffprobeError?: string): ProbeVerdict => {
  if (probe === null) return invalid(ffprobeError ?? 'ffprobe cannot read this file: it is not a supported media file or it is damaged');
  if (probe.size === 0) return invalid('the file is empty (0 bytes)');

  const video = pick(probe.streams.filter((s) => isUsableVideo(probe, s)));
  const audio = pick(probe.streams.filter(isUsableAudio));
  if (!video && !audio) {
    const still = probe.streams.find((s) => s.type === 'video' && !s.attachedPic && isStill(probe, s));
    if (still) return invalid(`this is a still image (${stillLabel(still)}), not a video`);
    return invalid('no playable audio or video stream: the file holds no track that can be decoded');
  }
  const kind = video ? 'video' : 'audio';

  const chosen = [video, audio].filter((s): s is ProbeStream => s !== null);
  const duration = probe.duration ?? Math.max(0, ...chosen.map((s) => s.duration ?? 0));
  if (!positive(duration)) return invalid(`no duration: the ${kind} stream has no known length (a damaged or unfinished file?)`);

  const present = probe.presentDuration;
  const start = Math.max(0, probe.startTime ?? 0);
  if (present !== null && present <= 0) return invalid('no media data: the file ends right after its header (an interrupted upload?)');
  if (present !== null && isShort(present, duration, start)) {
    const stated = start > 0 && duration > start ? duration - start : duration;
    return invalid(`the file is truncated: only ${seconds(present)} of ${seconds(stated)} are present (an interrupted upload?)`);
  }
  const damage = probe.decode ? decodeReason(probe.decode) : null;
  if (damage) return invalid(damage);

  return { kind, status: 'ready', reason: null, videoStream: video?.index ?? null, audioStream: audio?.index ?? null };
};
