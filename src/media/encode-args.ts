/**
 * ffmpeg command lines for transcoding (pure: arguments in, arguments out).
 * A video chunk is decoded once and split to every rung (and to the
 * thumbnail branch) inside one process; rungs of a chunk share forced
 * keyframes, so their HLS segments are aligned across the ladder.
 */
import { fractionText, frameTime, type Fraction } from './frame-grid.ts';
import type { AudioSpec, PlannedRung, X264Preset } from '../types/media.ts';

export interface VideoSource {
  /** What ffmpeg opens: a local path or a (presigned) URL. */
  input: string;
  /** Options before -i: how the probe found the file opens (a forced demuxer, junk bytes to skip); none when sniffing works. */
  inputOptions?: string[];
  /** ffprobe's index of the video stream to use. */
  streamIndex: number;
  displayWidth: number;
  displayHeight: number;
  hdr: boolean;
}

export interface ThumbBranch {
  /** Seconds between thumbnails (absolute grid from 0). */
  interval: number;
  /** Index of the chunk's first thumbnail on that grid, and how many fall in the chunk. */
  first: number;
  count: number;
  width: number;
  height: number;
  /** Pattern for the images, with %05d for the thumbnail index. */
  pattern: string;
}

export interface RungOutput {
  rung: PlannedRung;
  /** HLS: the chunk's playlist path; its segments go to segmentPattern. TS: the chunk file. */
  playlist: string;
  segmentPattern: string;
}

export interface VideoChunkArgs {
  source: VideoSource;
  /** The output frame rate: the grid every chunk is cut on (frame-grid.ts). */
  fps: Fraction;
  /** Source seconds where output frame 0 sits: 0, or a trimmed range's start. */
  origin: number;
  /** The chunk's first frame on the output grid, and how many it makes (null: to the end of the input). */
  startFrame: number;
  frames: number | null;
  encoderPreset: X264Preset;
  /** Frames per segment: keyframes are forced on every multiple, counted from the chunk's first frame (a multiple itself). */
  segmentFrames: number;
  /** 'hls': segments and a playlist per rung; 'ts': one MPEG-TS file per rung (joined into MP4 later). */
  container: 'hls' | 'ts';
  rungs: RungOutput[];
  thumbs: ThumbBranch | null;
  /** x264 threads per process (null: x264 decides). */
  threads: number | null;
}

const num = (x: number) => String(Math.round(x * 1e6) / 1e6);

/** HDR (PQ/HLG) to SDR BT.709 by tone mapping; everything else is just made 8-bit 4:2:0. */
export const toSdrFilter = (hdr: boolean): string =>
  hdr ? 'zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p' : 'format=yuv420p';

const x264Args = (rung: PlannedRung, a: Pick<VideoChunkArgs, 'fps' | 'encoderPreset' | 'segmentFrames' | 'threads'>): string[] => {
  const gop = Math.max(1, Math.min(a.segmentFrames, Math.round((2 * a.fps.num) / a.fps.den)));
  return [
    '-c:v',
    'libx264',
    '-preset',
    a.encoderPreset,
    '-profile:v',
    rung.profile,
    '-level:v',
    rung.level,
    '-pix_fmt',
    'yuv420p',
    '-b:v',
    String(rung.videoBitrate),
    '-maxrate',
    String(rung.maxrate),
    '-bufsize',
    String(rung.bufsize),
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
    // Keyframes at every segment boundary, in every rung, by frame number:
    // a time expression drifts off the grid at 29.97 fps (6 s is 179.82 frames).
    '-force_key_frames',
    `expr:eq(mod(n,${a.segmentFrames}),0)`,
    ...(a.threads ? ['-threads', String(a.threads)] : []),
  ];
};

/**
 * Where a chunk's ffmpeg starts reading: half a frame before its first grid
 * frame, so the source frame nearest that grid time is the first one kept
 * (input -ss decodes from the keyframe before and drops earlier frames).
 * Null: read from the start.
 */
export const chunkSeek = (a: Pick<VideoChunkArgs, 'fps' | 'origin' | 'startFrame'>): number | null => {
  const at = a.origin + frameTime(a.startFrame - 0.5, a.fps);
  return at > 0 ? at : null;
};

/**
 * The filter graph of a video chunk: decode once, constant frame rate, split
 * to rungs and thumbnails. The fps filter puts each source frame in the grid
 * slot nearest its time: rounding to nearest from the input's start, or down
 * after a half-frame-early seek, which is the same slot. start_time=0 fills
 * slot 0 even when the source's first frame comes late.
 */
export const videoChunkFilter = (a: Pick<VideoChunkArgs, 'source' | 'fps' | 'rungs' | 'thumbs' | 'origin' | 'startFrame'>): string => {
  const branches = a.rungs.length + (a.thumbs ? 1 : 0);
  const round = chunkSeek(a) === null ? 'near' : 'down';
  const head = `[0:${a.source.streamIndex}]${toSdrFilter(a.source.hdr)},fps=fps=${fractionText(a.fps)}:round=${round}:start_time=0`;
  const parts: string[] = [];
  const labels = Array.from({ length: branches }, (_, i) => `s${i}`);
  parts.push(branches > 1 ? `${head},split=${branches}${labels.map((l) => `[${l}]`).join('')}` : `${head}[s0]`);
  a.rungs.forEach((r, i) => {
    const same = r.rung.width === a.source.displayWidth && r.rung.height === a.source.displayHeight;
    parts.push(`[s${i}]${same ? 'null' : `scale=${r.rung.width}:${r.rung.height}:flags=bicubic`},setsar=1[v${i}]`);
  });
  if (a.thumbs) {
    // The first frame at or after each grid time (first × interval, then every
    // interval), counted in register 0; times are chunk-local after -ss.
    const t = a.thumbs;
    const offset = num(Math.max(0, t.first * t.interval - frameTime(a.startFrame, a.fps)));
    const pick = `'if(gte(t\\,${offset}+ld(0)*${num(t.interval)})\\,st(0\\,ld(0)+1)\\,0)'`;
    parts.push(`[s${a.rungs.length}]select=${pick},scale=${t.width}:${t.height},setsar=1[th]`);
  }
  return parts.join(';');
};

/** Arguments (after runFfmpeg's global ones) for one video chunk. */
export const videoChunkArgs = (a: VideoChunkArgs): string[] => {
  const args: string[] = [];
  const seek = chunkSeek(a);
  if (seek !== null) args.push('-ss', num(seek));
  // Read one frame past the chunk's last, so the fps filter has it; -frames:v cuts exactly.
  if (a.frames !== null) args.push('-t', num(frameTime(a.frames + 1, a.fps)));
  args.push(...(a.source.inputOptions ?? []), '-i', a.source.input, '-map_metadata', '-1', '-filter_complex', videoChunkFilter(a));
  const frames = a.frames !== null ? ['-frames:v', String(a.frames)] : [];
  // Segments end just before each forced keyframe's time, so every keyframe on the grid starts a segment.
  const hlsTime = num(frameTime(a.segmentFrames - 0.25, a.fps));
  a.rungs.forEach((r, i) => {
    args.push('-map', `[v${i}]`, '-an', '-sn', '-dn', ...x264Args(r.rung, a), ...frames);
    // Timestamps continue from the chunk's first grid frame, so joined playlists need no discontinuities.
    // B-frames give the first chunk negative decode times: shifting them
    // (the default) would move that chunk alone by the reorder delay and make
    // it overlap the next; MPEG-TS's mux delay keeps them positive anyway.
    args.push('-output_ts_offset', num(frameTime(a.startFrame, a.fps)), '-avoid_negative_ts', 'disabled');
    if (a.container === 'hls') args.push('-hls_ts_options', 'avoid_negative_ts=disabled');
    if (a.container === 'hls') {
      args.push('-f', 'hls', '-hls_time', hlsTime, '-hls_playlist_type', 'vod', '-hls_segment_type', 'mpegts');
      args.push('-hls_segment_filename', r.segmentPattern, r.playlist);
    } else {
      args.push('-f', 'mpegts', r.playlist);
    }
  });
  if (a.thumbs) {
    const t = a.thumbs;
    args.push(
      '-map',
      '[th]',
      '-fps_mode',
      'passthrough',
      '-frames:v',
      String(t.count),
      '-start_number',
      String(t.first),
      '-f',
      'image2',
      '-q:v',
      '4',
      t.pattern,
    );
  }
  return args;
};

export interface AudioArgs {
  input: string;
  /** Options before -i (see VideoSource.inputOptions). */
  inputOptions?: string[];
  streamIndex: number;
  audio: AudioSpec;
  segmentSeconds: number;
  /** 'hls': playlist + segments; 'm4a': one AAC file in MP4. */
  container: 'hls' | 'm4a';
  output: string;
  segmentPattern?: string;
  /** Trim: only source seconds [start, end), with timestamps from 0. */
  range?: { start: number; end: number } | null;
}

/** The whole audio track, encoded once: stereo (or mono) AAC whatever the source (PCM, AC-3, Vorbis, 5.1...). */
export const audioArgs = (a: AudioArgs): string[] => {
  const args = [
    ...(a.range ? ['-ss', num(a.range.start), '-t', num(a.range.end - a.range.start)] : []),
    ...(a.inputOptions ?? []),
    '-i',
    a.input,
    '-map_metadata',
    '-1',
    '-map',
    `0:${a.streamIndex}`,
    '-vn',
    '-sn',
    '-dn',
    // Fills gaps and drops overlaps so audio stays in sync with the constant-rate video.
    '-af',
    'aresample=async=1:first_pts=0',
    '-c:a',
    'aac',
    '-b:a',
    String(a.audio.bitrate),
    '-ac',
    String(a.audio.channels),
    '-ar',
    String(a.audio.sampleRate),
  ];
  if (a.container === 'hls') {
    args.push('-f', 'hls', '-hls_time', num(a.segmentSeconds), '-hls_playlist_type', 'vod', '-hls_segment_type', 'mpegts');
    args.push('-hls_segment_filename', a.segmentPattern ?? 'a_%03d.ts', a.output);
  } else {
    args.push('-movflags', '+faststart', '-f', 'mp4', a.output);
  }
  return args;
};

/** One sprite sheet from numbered thumbnails: columns x rows tiles, row by row. */
export const spriteSheetArgs = (a: { pattern: string; first: number; count: number; columns: number; rows: number; output: string }): string[] => [
  '-framerate',
  '1',
  '-start_number',
  String(a.first),
  '-i',
  a.pattern,
  '-frames:v',
  '1',
  '-vf',
  `tile=${a.columns}x${a.rows}`,
  '-q:v',
  '3',
  a.output,
];

/** A poster: one frame at `time`, at most 1280 wide, upright. Output seeking decodes from the start (a fallback for unseekable inputs). */
export const posterArgs = (a: {
  input: string;
  inputOptions?: string[];
  streamIndex: number;
  time: number;
  output: string;
  hdr: boolean;
  seek?: 'input' | 'output';
}): string[] => [
  ...(a.seek === 'output' ? [...(a.inputOptions ?? []), '-i', a.input, '-ss', num(a.time)] : ['-ss', num(a.time), ...(a.inputOptions ?? []), '-i', a.input]),
  '-map',
  `0:${a.streamIndex}`,
  '-frames:v',
  '1',
  '-vf',
  `${toSdrFilter(a.hdr)},scale='min(1280,iw)':-2`,
  '-q:v',
  '3',
  a.output,
];

/** Joins MPEG-TS chunk files (listed in a concat file) and an optional audio file into one faststart MP4, without re-encoding. */
export const joinMp4Args = (a: { list: string; audio: string | null; output: string }): string[] => [
  '-f',
  'concat',
  '-safe',
  '0',
  '-i',
  a.list,
  ...(a.audio ? ['-i', a.audio] : []),
  '-map',
  '0:v:0',
  ...(a.audio ? ['-map', '1:a:0'] : []),
  '-c',
  'copy',
  '-movflags',
  '+faststart',
  '-f',
  'mp4',
  a.output,
];
