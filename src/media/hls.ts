/**
 * HLS playlists as text in, text out (RFC 8216). We read the media playlists
 * ffmpeg's hls muxer writes per chunk, and write the joined VOD media
 * playlists and the master playlist ourselves.
 */
import { AppError } from '../errors.ts';

export interface Segment {
  uri: string;
  duration: number;
}

export interface MediaPlaylist {
  targetDuration: number;
  segments: Segment[];
  ended: boolean;
}

const tagValue = (line: string, tag: string): string | undefined => (line.startsWith(`${tag}:`) ? line.slice(tag.length + 1) : undefined);

/**
 * Parse a media playlist. Tags we do not use (version, media sequence,
 * playlist type, discontinuities, dates) are skipped; what we rely on (the
 * header, target duration, and every EXTINF having a finite duration and a
 * URI) is checked, and anything else is `corrupt`.
 */
export const parseMediaPlaylist = (text: string): MediaPlaylist => {
  const corrupt = (why: string, n?: number) => new AppError('corrupt', `media playlist: ${why}${n === undefined ? '' : ` (line ${n})`}`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (lines[i]?.trim() !== '#EXTM3U') throw corrupt('does not start with #EXTM3U');

  let targetDuration: number | undefined;
  let ended = false;
  let pending: { duration: number; line: number } | undefined;
  const segments: Segment[] = [];
  for (i++; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const n = i + 1;
    if (line === '') continue;
    const target = tagValue(line, '#EXT-X-TARGETDURATION');
    const extinf = tagValue(line, '#EXTINF');
    if (target !== undefined) {
      targetDuration = Number(target);
      if (!Number.isInteger(targetDuration) || targetDuration < 0) throw corrupt(`bad target duration "${target}"`, n);
    } else if (extinf !== undefined) {
      if (pending) throw corrupt('#EXTINF without a URI', pending.line);
      // EXTINF:<duration>,[<title>]; the title may itself contain commas.
      const raw = extinf.split(',', 1)[0]!.trim();
      const duration = raw === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(duration) || duration < 0) throw corrupt(`bad segment duration "${raw}"`, n);
      pending = { duration, line: n };
    } else if (line === '#EXT-X-ENDLIST') {
      ended = true;
    } else if (line.startsWith('#')) {
    } else {
      if (!pending) throw corrupt(`URI "${line}" without #EXTINF`, n);
      segments.push({ uri: line, duration: pending.duration });
      pending = undefined;
    }
  }
  if (pending) throw corrupt('#EXTINF without a URI', pending.line);
  if (targetDuration === undefined) throw corrupt('no #EXT-X-TARGETDURATION');
  return { targetDuration, segments, ended };
};

const checkUri = (uri: string, what: string): void => {
  if (uri === '' || /[\r\n]/.test(uri) || uri.startsWith('#')) throw new AppError('validation', `${what}: unusable URI ${JSON.stringify(uri)}`);
};

/**
 * RFC 8216 4.3.3.1: every EXTINF rounded to the nearest integer must be at
 * most the target. The ceiling of the longest segment satisfies that; the
 * millisecond of slack keeps float noise (6.0000001) from bumping 6 to 7,
 * which players would read as a longer segment cadence than we made.
 */
export const targetDurationFor = (durations: number[]): number => Math.max(1, Math.ceil(Math.max(...durations) - 0.001));

/** A complete VOD media playlist. */
export const writeMediaPlaylist = (segments: Segment[], opts: { version?: number } = {}): string => {
  if (segments.length === 0) throw new AppError('validation', 'media playlist: no segments');
  const version = opts.version ?? 3;
  // Version 3 is the first to allow the decimal EXTINF durations we write.
  if (!Number.isInteger(version) || version < 3)
    throw new AppError('validation', `media playlist: version must be a whole number of at least 3, got ${version}`);
  for (const [i, s] of segments.entries()) {
    checkUri(s.uri, `segments[${i}]`);
    if (!Number.isFinite(s.duration) || s.duration <= 0) throw new AppError('validation', `segments[${i}]: duration must be positive, got ${s.duration}`);
  }
  const lines = [
    '#EXTM3U',
    `#EXT-X-VERSION:${version}`,
    `#EXT-X-TARGETDURATION:${targetDurationFor(segments.map((s) => s.duration))}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  for (const s of segments) lines.push(`#EXTINF:${s.duration.toFixed(6)},`, s.uri);
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
};

export interface MasterVariant {
  uri: string;
  /** Peak bits per second of the whole variant, audio included when an audio group is given. */
  bandwidth: number;
  /** Average bits per second, likewise including audio. */
  averageBandwidth: number;
  width: number;
  height: number;
  /** The video codec alone (avc1.64001f); the audio codec is appended here. */
  codecs: string;
  frameRate: number;
}

export interface MasterAudio {
  uri: string;
  groupId: string;
  name: string;
  /** RFC 5646 tag; "und" when not given. */
  language?: string;
  channels: number;
  codecs: string;
}

/** A WebVTT rendition (one per subtitle track), in the `subs` group. */
export interface MasterSubtitle {
  uri: string;
  /** Shown in the player's menu; unique within the group (RFC 8216 4.3.4.2). */
  name: string;
  /** RFC 5646 tag; "und" when not given. */
  language?: string;
}

/** The GROUP-ID of the subtitle renditions: one group, every variant names it. */
export const SUBTITLE_GROUP_ID = 'subs';

// A quoted-string may not hold a double quote, CR or LF (RFC 8216 4.2).
const quoted = (v: string, what: string): string => {
  if (/["\r\n]/.test(v)) throw new AppError('validation', `master playlist: ${what} cannot contain quotes or newlines: ${JSON.stringify(v)}`);
  return `"${v}"`;
};

const positiveInt = (v: number, what: string): number => {
  if (!Number.isInteger(v) || v <= 0) throw new AppError('validation', `master playlist: ${what} must be a positive whole number, got ${v}`);
  return v;
};

/**
 * The master playlist. With an audio rendition group, each variant's
 * BANDWIDTH and AVERAGE-BANDWIDTH must already include the audio's bits: a
 * player budgets a variant by them, and it downloads both.
 */
export const writeMasterPlaylist = (input: { variants: MasterVariant[]; audio?: MasterAudio | null; subtitles?: MasterSubtitle[] | null }): string => {
  if (input.variants.length === 0) throw new AppError('validation', 'master playlist: no variants');
  const audio = input.audio ?? null;
  const subtitles = input.subtitles ?? [];
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-INDEPENDENT-SEGMENTS'];
  if (audio) {
    checkUri(audio.uri, 'audio');
    const attrs = [
      'TYPE=AUDIO',
      `GROUP-ID=${quoted(audio.groupId, 'audio.groupId')}`,
      `NAME=${quoted(audio.name, 'audio.name')}`,
      `LANGUAGE=${quoted(audio.language ?? 'und', 'audio.language')}`,
      'DEFAULT=YES',
      'AUTOSELECT=YES',
      `CHANNELS=${quoted(String(positiveInt(audio.channels, 'audio.channels')), 'audio.channels')}`,
      `URI=${quoted(audio.uri, 'audio.uri')}`,
    ];
    lines.push(`#EXT-X-MEDIA:${attrs.join(',')}`);
  }
  lines.push(...subtitleMediaLines(subtitles));
  const sorted = [...input.variants].sort((a, b) => a.bandwidth - b.bandwidth);
  for (const [i, v] of sorted.entries()) {
    const what = `variants[${i}]`;
    checkUri(v.uri, what);
    if (!(v.frameRate > 0)) throw new AppError('validation', `master playlist: ${what}.frameRate must be positive, got ${v.frameRate}`);
    const codecs = audio ? `${v.codecs},${audio.codecs}` : v.codecs;
    const attrs = [
      `BANDWIDTH=${positiveInt(v.bandwidth, `${what}.bandwidth`)}`,
      `AVERAGE-BANDWIDTH=${positiveInt(v.averageBandwidth, `${what}.averageBandwidth`)}`,
      `RESOLUTION=${positiveInt(v.width, `${what}.width`)}x${positiveInt(v.height, `${what}.height`)}`,
      `CODECS=${quoted(codecs, `${what}.codecs`)}`,
      `FRAME-RATE=${v.frameRate.toFixed(3)}`,
    ];
    if (audio) attrs.push(`AUDIO=${quoted(audio.groupId, 'audio.groupId')}`);
    if (subtitles.length > 0) attrs.push(`SUBTITLES="${SUBTITLE_GROUP_ID}"`);
    lines.push(`#EXT-X-STREAM-INF:${attrs.join(',')}`, v.uri);
  }
  lines.push('');
  return lines.join('\n');
};

/**
 * The subtitle renditions' media lines. DEFAULT=NO: subtitles stay off
 * until the viewer picks them (a player may still turn on one matching the
 * user's language: AUTOSELECT=YES). Variants carry no WebVTT entry in
 * CODECS: plain WebVTT segments are not a media format players check.
 */
const subtitleMediaLines = (subtitles: MasterSubtitle[]): string[] => {
  const names = new Set<string>();
  return subtitles.map((t, i) => {
    const what = `subtitles[${i}]`;
    checkUri(t.uri, what);
    if (t.name.trim() === '') throw new AppError('validation', `master playlist: ${what}.name must not be empty`);
    if (names.has(t.name))
      throw new AppError('validation', `master playlist: two subtitle tracks are both named ${JSON.stringify(t.name)}; each needs its own name`);
    names.add(t.name);
    const attrs = [
      'TYPE=SUBTITLES',
      `GROUP-ID="${SUBTITLE_GROUP_ID}"`,
      `NAME=${quoted(t.name, `${what}.name`)}`,
      `LANGUAGE=${quoted(t.language ?? 'und', `${what}.language`)}`,
      'DEFAULT=NO',
      'AUTOSELECT=YES',
      `URI=${quoted(t.uri, `${what}.uri`)}`,
    ];
    return `#EXT-X-MEDIA:${attrs.join(',')}`;
  });
};

/** Segments this short (a chunk's tail) swing too much to stand for the peak. */
const MIN_PEAK_SEGMENT_SECONDS = 0.5;

/**
 * BANDWIDTH (the peak segment bitrate) and AVERAGE-BANDWIDTH for a variant,
 * in bits per second, rounded up as RFC 8216 4.3.4.2 wants an upper bound.
 */
export const measureBandwidth = (segments: { duration: number; bytes: number }[]): { peak: number; average: number } => {
  const timed = segments.filter((s) => s.duration > 0);
  if (timed.length === 0) throw new AppError('validation', 'bandwidth: no segment with a positive duration');
  const long = timed.filter((s) => s.duration >= MIN_PEAK_SEGMENT_SECONDS);
  const forPeak = long.length > 0 ? long : timed;
  const peak = Math.max(...forPeak.map((s) => (s.bytes * 8) / s.duration));
  const bits = timed.reduce((sum, s) => sum + s.bytes * 8, 0);
  const seconds = timed.reduce((sum, s) => sum + s.duration, 0);
  const average = Math.ceil(bits / seconds);
  // Leaving out a dense short tail can put the peak under the average; a
  // BANDWIDTH below AVERAGE-BANDWIDTH would be self-contradictory.
  return { peak: Math.max(Math.ceil(peak), average), average };
};
