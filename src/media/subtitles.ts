/**
 * Text subtitle tracks → WebVTT for HLS (pure). ffmpeg converts each track
 * to one WebVTT file on the source timeline; we then move its cues onto the
 * output timeline (a trimmed range starts at 0), make the text safe for a
 * browser's WebVTT parser, and add the X-TIMESTAMP-MAP header that ties cue
 * times to the video segments' MPEG-TS clock. Each track becomes a
 * one-segment subtitle playlist covering the whole output: valid HLS
 * (RFC 8216 sets no limit on a segment's length), loaded once by hls.js,
 * and no cue is split or repeated across segment boundaries.
 */
import type { ProbeStream } from '../types/media.ts';

/**
 * Codecs ffmpeg decodes to text and its webvtt encoder accepts. Bitmap
 * subtitles (dvd_subtitle, hdmv_pgs_subtitle, dvb_subtitle, xsub) are
 * pictures of text: WebVTT holds text only, so they would need OCR, and
 * they are skipped. Teletext (dvb_teletext) needs libzvbi, which Debian's
 * ffmpeg decodes to bitmaps by default: skipped too.
 */
export const TEXT_SUBTITLE_CODECS: ReadonlySet<string> = new Set(['subrip', 'ass', 'ssa', 'mov_text', 'webvtt', 'text']);

/** A text subtitle track of a source, as a transcode job keeps it. */
export interface SubtitleSource {
  /** ffprobe's stream index. */
  index: number;
  codec: string;
  /** RFC 5646 tag ("en", "pt-BR"), "und" when the file does not say. */
  language: string;
  /** What a player shows in its subtitle menu; unique within the source. */
  name: string;
}

export const isTextSubtitle = (s: Pick<ProbeStream, 'type' | 'codec'>): boolean =>
  s.type === 'subtitle' && s.codec !== null && TEXT_SUBTITLE_CODECS.has(s.codec);

/**
 * ISO 639-2 has two codes for 20 languages: the bibliographic (B) one that
 * Matroska files often carry, and the terminology (T) one that RFC 5646
 * (through ISO 639-1) knows. Intl canonicalises only the T codes.
 */
const ISO_639_2_B_TO_T: Record<string, string> = {
  alb: 'sqi',
  arm: 'hye',
  baq: 'eus',
  bur: 'mya',
  chi: 'zho',
  cze: 'ces',
  dut: 'nld',
  fre: 'fra',
  geo: 'kat',
  ger: 'deu',
  gre: 'ell',
  ice: 'isl',
  mac: 'mkd',
  mao: 'mri',
  may: 'msa',
  per: 'fas',
  rum: 'ron',
  slo: 'slk',
  tib: 'bod',
  wel: 'cym',
};

/**
 * A container's language tag (ISO 639-2 "eng", "fre", or already "en") as
 * the RFC 5646 tag HLS LANGUAGE wants ("en", "fr"): players match it
 * against the user's preferred languages. "und" when absent or unusable.
 */
export const subtitleLanguage = (tag: string | null | undefined): string => {
  const raw = (tag ?? '').trim().toLowerCase().replaceAll('_', '-');
  if (raw === '' || raw === 'und') return 'und';
  const [primary, ...rest] = raw.split('-');
  const candidate = [ISO_639_2_B_TO_T[primary!] ?? primary, ...rest].join('-');
  // Primary subtags of 4 or more letters are syntactically valid but unused;
  // a file saying "English" there means the name, not a tag.
  if (!/^[a-z]{2,3}(-[a-z0-9]{1,8})*$/.test(candidate)) return 'und';
  try {
    return Intl.getCanonicalLocales(candidate)[0] ?? 'und';
  } catch {
    return 'und';
  }
};

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** A name for a track without a title: its language in English ("French"), else "Subtitles". */
const languageName = (language: string): string => {
  if (language === 'und') return 'Subtitles';
  try {
    return languageNames.of(language) ?? 'Subtitles';
  } catch {
    return 'Subtitles';
  }
};

/** A title fit for a one-line menu entry and an HLS quoted-string (no quotes, no line breaks). */
const cleanTitle = (title: string | null | undefined): string => (title ?? '').replaceAll('"', "'").replace(/\s+/g, ' ').trim();

/** Makes names unique in order: the second "English" becomes "English (2)". */
const uniqueNames = (names: string[]): string[] => {
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; taken.has(candidate); n++) candidate = `${name} (${n})`;
    taken.add(candidate);
    return candidate;
  });
};

/** The text subtitle tracks of a probe that can become WebVTT renditions, in stream order. */
export const textSubtitleTracks = (streams: ProbeStream[]): SubtitleSource[] => {
  const usable = streams.filter(isTextSubtitle);
  const languages = usable.map((s) => subtitleLanguage(s.language));
  const names = uniqueNames(usable.map((s, i) => cleanTitle(s.title) || languageName(languages[i]!)));
  return usable.map((s, i) => ({ index: s.index, codec: s.codec!, language: languages[i]!, name: names[i]! }));
};

/**
 * Folder names for tracks in output keys: the language ("en", "und"),
 * numbered when it repeats ("en-2"). Names are free text and may not be
 * safe as keys; these always are.
 */
export const subtitleFolders = (tracks: Pick<SubtitleSource, 'language'>[]): string[] => {
  const seen = new Map<string, number>();
  return tracks.map((t) => {
    const base = /^[a-z0-9-]+$/i.test(t.language) ? t.language.toLowerCase() : 'und';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
};

/**
 * One ffmpeg process for every track: it reads the input once (subtitles
 * are interleaved with the video, so any track costs a full read) and
 * writes one WebVTT file per track. Times come out on the timeline every
 * other output uses: the input's start_time (1.4 s in a typical MPEG-TS,
 * 10 s in a file cut from a longer recording) is subtracted, as for the
 * video chunks and the audio.
 */
export const subtitleExtractArgs = (a: { input: string; inputOptions?: string[]; tracks: { streamIndex: number; output: string }[] }): string[] => {
  const args = [...(a.inputOptions ?? []), '-i', a.input];
  for (const t of a.tracks) args.push('-map', `0:${t.streamIndex}`, '-c:s', 'webvtt', '-f', 'webvtt', t.output);
  return args;
};

export interface Cue {
  /** The cue identifier line, when there is one. */
  id: string | null;
  start: number;
  end: number;
  /** Cue settings after the timing ("align:start line:10%"), '' when none. */
  settings: string;
  text: string;
}

const TIMING = /^((?:\d+:)?\d{2}:\d{2}\.\d{3})[ \t]+-->[ \t]+((?:\d+:)?\d{2}:\d{2}\.\d{3})(?:[ \t]+(.*))?$/;

const seconds = (t: string): number => {
  const parts = t.split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
};

/**
 * The cues of a WebVTT file as ffmpeg's webvtt muxer writes it: a header
 * block, then cue blocks. A block without a timing line after a cue is
 * text that held an empty line (ASS "\N\N" becomes one) and belongs to that
 * cue; NOTE, STYLE and REGION blocks are dropped.
 */
export const parseVtt = (vtt: string): Cue[] => {
  const blocks = vtt
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/);
  const cues: Cue[] = [];
  let last: Cue | null = null;
  for (const [b, block] of blocks.entries()) {
    const lines = block.split('\n').filter((l, i, all) => !(l === '' && (i === 0 || i === all.length - 1)));
    if (b === 0 || lines.length === 0) continue; // the WEBVTT header
    const at = lines.findIndex((l) => l.includes('-->'));
    const m = at >= 0 && at <= 1 ? TIMING.exec(lines[at]!.trim()) : null;
    if (!m) {
      if (last && !/^(NOTE|STYLE|REGION)\b/.test(lines[0]!)) last.text += `\n${lines.join('\n')}`;
      else last = null;
      continue;
    }
    last = { id: at === 1 ? lines[0]! : null, start: seconds(m[1]!), end: seconds(m[2]!), settings: (m[3] ?? '').trim(), text: lines.slice(at + 1).join('\n') };
    cues.push(last);
  }
  return cues;
};

/**
 * Cues on the output timeline: source seconds [origin, origin + duration)
 * become [0, duration). Cues outside are dropped, a cue that straddles an
 * edge is cut to it, and cues come ordered by start (WebVTT requires it).
 */
export const retimeCues = (cues: Cue[], window: { origin: number; duration: number }): Cue[] => {
  const out: Cue[] = [];
  for (const c of cues) {
    const start = Math.max(0, c.start - window.origin);
    const end = Math.min(window.duration, c.end - window.origin);
    if (end - start >= 0.001) out.push({ ...c, start, end });
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
};

// The tags a WebVTT cue may hold (class, italic, bold, underline, ruby, voice, language) and timestamps.
const TAG = /^<(?:\/?(?:c|i|b|u|ruby|rt|v|lang)(?:\.[^\s>]*)?(?:[ \t][^>\n]*)?|\d+:\d{2}(?::\d{2})?\.\d{3})>/;
const ENTITY = /^&(?:amp|lt|gt|lrm|rlm|nbsp|#\d+|#x[0-9a-f]+);/i;

/**
 * Cue text a browser's WebVTT parser reads as written. ffmpeg passes text
 * through as it was ("a < b & c" from an ASS line): an unescaped "<" opens
 * a tag that swallows the text up to the next ">". So "<" not starting a
 * WebVTT tag becomes "&lt;", "&" not starting an entity "&amp;"; "-->"
 * (forbidden in cue text) is broken up, and empty lines (which end a cue)
 * are dropped.
 */
export const cleanCueText = (text: string): string => {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const rest = text.slice(i, i + 64);
    if (ch === '<' && !TAG.test(rest)) out += '&lt;';
    else if (ch === '&' && !ENTITY.test(rest)) out += '&amp;';
    else if (ch === '>' && out.endsWith('--')) out += '&gt;';
    else out += ch;
  }
  return out
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .join('\n');
};

/**
 * ffmpeg's mpegts muxer delays every timestamp by twice its max_delay
 * (0.7 s): output time 0 of our video and audio segments is MPEG-TS time
 * 126000 (1.4 s at 90 kHz), measured on the segments a job writes. WebVTT
 * segments must say so in X-TIMESTAMP-MAP; without it, cue time 0 means
 * MPEG-TS time 0 (RFC 8216 3.5) and hls.js and Safari show every cue 1.4 s
 * early.
 */
export const MPEGTS_ORIGIN_90KHZ = 126000;

const vttTime = (t: number): string => {
  const ms = Math.round(t * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
};

/** A WebVTT segment for HLS: the header with X-TIMESTAMP-MAP, then the cues (empty ones dropped). */
export const writeSubtitleVtt = (cues: Cue[], opts: { mpegtsOrigin?: number } = {}): string => {
  const origin = opts.mpegtsOrigin ?? MPEGTS_ORIGIN_90KHZ;
  const lines = ['WEBVTT', `X-TIMESTAMP-MAP=MPEGTS:${origin},LOCAL:00:00:00.000`, ''];
  for (const c of cues) {
    const text = cleanCueText(c.text);
    if (text === '') continue;
    // An identifier may not contain "-->" or a line break; ffmpeg's never do, a broken one is left out.
    if (c.id && !c.id.includes('-->') && !/[\r\n]/.test(c.id)) lines.push(c.id);
    lines.push(`${vttTime(c.start)} --> ${vttTime(c.end)}${c.settings ? ` ${c.settings}` : ''}`, text, '');
  }
  return lines.join('\n');
};
