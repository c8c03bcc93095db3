/**
 * Fitting a preset's ladder to one source: which rungs to encode, at what
 * size, bitrate and H.264 level, and at what constant frame rate.
 *
 * Sizes: a rung's `height` is the short side of the picture, so portrait and
 * landscape sources get the same quality steps; the long side follows the
 * source's display aspect ratio. Both sides are rounded to even numbers
 * because 4:2:0 chroma needs them.
 */
import { AppError } from '../errors.ts';
import type { PlannedRung, RungSpec, VideoSpec } from '../types/media.ts';

const even = (x: number): number => Math.max(2, Math.round(x / 2) * 2);

/**
 * A source only a little taller than the rung below it (721 over 720, 380
 * over 360) gets no rung of its own: it would cost a second encode for a
 * picture nobody can tell apart from the one below.
 */
const MIN_TOP_RUNG_STEP = 1.1;

interface Frame {
  short: number;
  width: number;
  height: number;
}

/**
 * H.264 Annex A, table A-1: MaxFS and MaxMBPS in macroblocks, MaxBR and
 * MaxCPB in the units of the table (High profile multiplies them by 1250
 * bits, cpbBrVclFactor, which is what x264 checks VBV settings against).
 */
const LEVELS = [
  { level: '3.0', idc: 30, maxFs: 1620, maxMbps: 40500, maxBr: 10000, maxCpb: 10000 },
  { level: '3.1', idc: 31, maxFs: 3600, maxMbps: 108000, maxBr: 14000, maxCpb: 14000 },
  { level: '3.2', idc: 32, maxFs: 5120, maxMbps: 216000, maxBr: 20000, maxCpb: 20000 },
  { level: '4.0', idc: 40, maxFs: 8192, maxMbps: 245760, maxBr: 20000, maxCpb: 25000 },
  { level: '4.1', idc: 41, maxFs: 8192, maxMbps: 245760, maxBr: 50000, maxCpb: 62500 },
  { level: '4.2', idc: 42, maxFs: 8704, maxMbps: 522240, maxBr: 50000, maxCpb: 62500 },
  { level: '5.0', idc: 50, maxFs: 22080, maxMbps: 589824, maxBr: 135000, maxCpb: 135000 },
  { level: '5.1', idc: 51, maxFs: 36864, maxMbps: 983040, maxBr: 240000, maxCpb: 240000 },
  { level: '5.2', idc: 52, maxFs: 36864, maxMbps: 2073600, maxBr: 240000, maxCpb: 240000 },
  { level: '6.0', idc: 60, maxFs: 139264, maxMbps: 4177920, maxBr: 240000, maxCpb: 240000 },
  { level: '6.1', idc: 61, maxFs: 139264, maxMbps: 8355840, maxBr: 480000, maxCpb: 480000 },
  { level: '6.2', idc: 62, maxFs: 139264, maxMbps: 16711680, maxBr: 800000, maxCpb: 800000 },
] as const;

const HIGH_PROFILE_BR_FACTOR = 1250;

/**
 * The lowest level (3.0 at least: every HLS player handles it) whose limits
 * admit this frame size, macroblock rate and VBV settings.
 */
export const h264Level = (width: number, height: number, fps: number, vbv: { maxrate: number; bufsize: number }): { level: string; codecs: string } => {
  const mbW = Math.ceil(width / 16);
  const mbH = Math.ceil(height / 16);
  const mbs = mbW * mbH;
  const found = LEVELS.find(
    (l) =>
      mbs <= l.maxFs &&
      // Annex A also bounds each side, so extreme aspect ratios need a higher level.
      mbW * mbW <= 8 * l.maxFs &&
      mbH * mbH <= 8 * l.maxFs &&
      mbs * fps <= l.maxMbps &&
      vbv.maxrate <= l.maxBr * HIGH_PROFILE_BR_FACTOR &&
      vbv.bufsize <= l.maxCpb * HIGH_PROFILE_BR_FACTOR,
  );
  if (!found) throw new AppError('validation', `${width}x${height} at ${fps} fps is beyond every H.264 level`);
  // RFC 6381 avc1.PPCCLL: profile_idc 0x64 (High), no constraint flags, level_idc.
  return { level: found.level, codecs: `avc1.6400${found.idc.toString(16).padStart(2, '0')}` };
};

const frameFor = (short: number, source: { displayWidth: number; displayHeight: number }): Frame => {
  const portrait = source.displayHeight > source.displayWidth;
  const srcShort = Math.min(source.displayWidth, source.displayHeight);
  const srcLong = Math.max(source.displayWidth, source.displayHeight);
  const s = even(short);
  const l = even((short * srcLong) / srcShort);
  return portrait ? { short: s, width: s, height: l } : { short: s, width: l, height: s };
};

const pixels = (f: Frame) => f.width * f.height;

const roundBitrate = (b: number) => Math.round(b / 1000) * 1000;

/**
 * Plan the rungs to encode for one source: never upscaled, ascending, each
 * with VBV settings and the H.264 level it needs. The level assumes
 * min(source.fps or 30, maxFps); pass outputFps(...) as source.fps to match
 * the encode exactly.
 */
export const planLadder = (video: VideoSpec, source: { displayWidth: number; displayHeight: number; fps: number | null }): PlannedRung[] => {
  const { displayWidth: w, displayHeight: h } = source;
  if (!(w > 0 && h > 0 && Number.isFinite(w) && Number.isFinite(h))) throw new AppError('validation', `source display size must be positive, got ${w}x${h}`);
  if (video.rungs.length === 0) throw new AppError('validation', 'video.rungs: the ladder has no rungs');
  const rungs = [...video.rungs].sort((a, b) => a.height - b.height);
  const srcShort = Math.min(w, h);
  const fps = Math.min(source.fps && source.fps > 0 ? source.fps : 30, video.maxFps);

  const planned: { name: string; frame: Frame; bitrate: number }[] = [];
  const fits = rungs.filter((r) => r.height <= srcShort);
  for (const r of fits) planned.push({ name: r.name, frame: frameFor(r.height, source), bitrate: r.videoBitrate });

  const below: RungSpec | undefined = fits[fits.length - 1];
  const above: RungSpec | undefined = rungs[fits.length];
  const src = frameFor(srcShort, source);
  if (!below) {
    // Smaller than the whole ladder: one rung at source size, with the
    // bottom rung's bits per pixel.
    const lowest = rungs[0]!;
    const scaled = (lowest.videoBitrate * pixels(src)) / pixels(frameFor(lowest.height, source));
    planned.push({ name: `${src.short}p`, frame: src, bitrate: Math.max(100_000, roundBitrate(scaled)) });
  } else if (above && below.height < srcShort && srcShort / below.height >= MIN_TOP_RUNG_STEP) {
    // Between two rungs: the source's own size becomes the top rung, priced
    // by pixel count between its neighbours.
    const lo = pixels(frameFor(below.height, source));
    const hi = pixels(frameFor(above.height, source));
    const t = (pixels(src) - lo) / (hi - lo);
    const bitrate = roundBitrate(below.videoBitrate + t * (above.videoBitrate - below.videoBitrate));
    planned.push({ name: `${src.short}p`, frame: src, bitrate: Math.min(above.videoBitrate, bitrate) });
  }

  return planned.map(({ name, frame, bitrate }) => {
    // Capped VBR, as HLS wants: maxrate a little above target keeps the
    // advertised peak honest, and a two-second buffer lets x264 spend bits
    // on hard scenes without blowing through it.
    const maxrate = Math.round(1.07 * bitrate);
    const bufsize = 2 * bitrate;
    const { level, codecs } = h264Level(frame.width, frame.height, fps, { maxrate, bufsize });
    return { name, width: frame.width, height: frame.height, videoBitrate: bitrate, maxrate, bufsize, profile: 'high', level, codecs };
  });
};

/** Rates cameras and broadcast use; a measured rate this close to one is that one. */
const COMMON_RATES = [23.976, 24, 25, 29.97, 30, 48, 50, 59.94, 60, 100, 119.88, 120] as const;

/**
 * 0.2%: wide enough for timestamp jitter (60.06 → 60, 30.006 → 30), narrow
 * enough to keep a real 29.87 apart from 29.97 (0.33% away).
 */
const SNAP_TOLERANCE = 0.002;

/**
 * Above this a rate is a container artefact, not a camera: Matroska reports
 * 1000 (its millisecond timebase) and MPEG-TS 90000.
 */
const MAX_PLAUSIBLE_FPS = 480;

// Nearest, not first: 29.97 and 30 are only 0.1% apart.
const snap = (fps: number): number | undefined => {
  const off = (c: number) => Math.abs(fps - c) / c;
  const best = COMMON_RATES.reduce((a, b) => (off(b) < off(a) ? b : a));
  return off(best) <= SNAP_TOLERANCE ? best : undefined;
};

const plausible = (fps: number | null): fps is number => fps !== null && Number.isFinite(fps) && fps > 0 && fps <= MAX_PLAUSIBLE_FPS;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * The constant frame rate to encode at.
 *
 * 1. r_frame_rate when it is a common rate (29.97, 60, …): it is the rate the
 *    camera meant, and avg_frame_rate of phone video sags below it where
 *    frames were dropped (r 29.97, avg 29.41 → 29.97).
 * 2. Otherwise avg_frame_rate when plausible: an odd r (179/6) is usually a
 *    timebase artefact, while avg is what actually plays (→ 29.87).
 * 3. Otherwise r when plausible, else 30.
 * The pick snaps to a common rate within 0.2%, else is rounded to 3 decimals.
 * Above maxFps it is divided by the smallest whole number that brings it
 * within (120 → 60, 59.94 with max 30 → 29.97), so frames are dropped evenly.
 */
export const outputFps = (sourceFps: number | null, avgFps: number | null, maxFps: number): number => {
  const r = plausible(sourceFps) ? sourceFps : null;
  const a = plausible(avgFps) ? avgFps : null;
  const raw = r !== null && snap(r) !== undefined ? r : (a ?? r ?? 30);
  const tidy = (x: number) => snap(x) ?? round3(x);
  const picked = tidy(raw);
  if (picked <= maxFps) return picked;
  return tidy(picked / Math.ceil(picked / maxFps - 1e-9));
};

/**
 * The exact rational for ffmpeg's -r / fps filter. The NTSC rates are
 * N*1000/1001; "29.97" is 2997/100 to ffmpeg, which drifts against a
 * 30000/1001 source (a duplicated or dropped frame every ~9 hours) and gives
 * the output a non-standard timebase.
 */
export const fpsRational = (fps: number): string => {
  const ntsc: Record<string, string> = {
    '23.976': '24000/1001',
    '29.97': '30000/1001',
    '59.94': '60000/1001',
    '119.88': '120000/1001',
  };
  return ntsc[String(fps)] ?? String(fps);
};

/** RFC 6381 codecs value for AAC-LC (object type 2), the only audio we make. */
export const audioCodecs = (): 'mp4a.40.2' => 'mp4a.40.2';
