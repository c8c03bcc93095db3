/**
 * Plain-JSON shapes shared by probing, presets, ladder planning and the
 * transcode job. They travel inside events, so: no Dates, no classes,
 * null rather than undefined for "unknown".
 */

export type StreamType = 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | 'unknown';

export interface ProbeStream {
  /** ffprobe's stream index in the container (not necessarily 0 for video). */
  index: number;
  type: StreamType;
  /** codec_name, e.g. h264, aac; null when ffprobe reports none (a broken track). */
  codec: string | null;
  profile: string | null;
  bitrate: number | null;
  duration: number | null;
  language: string | null;
  /**
   * The track's title tag ("English SDH", "Commentary"), null when none.
   * parseProbe always sets it; optional so probes stored before it existed still fit.
   */
  title?: string | null;
  // Video (null for other types)
  width: number | null;
  height: number | null;
  /** Display-matrix rotation normalised to 0, 90, 180 or 270 (clockwise). */
  rotation: number;
  /** Size as shown after rotation. */
  displayWidth: number | null;
  displayHeight: number | null;
  /** r_frame_rate and avg_frame_rate as numbers (null when 0/0 or absent). */
  fps: number | null;
  avgFps: number | null;
  pixFmt: string | null;
  bitDepth: number | null;
  colorTransfer: string | null;
  colorPrimaries: string | null;
  colorSpace: string | null;
  /** PQ (smpte2084) or HLG (arib-std-b67) transfer. */
  hdr: boolean;
  /** A still picture attached to an audio file (cover art), not a video. */
  attachedPic: boolean;
  /**
   * disposition.default: the track a player picks first among several.
   * parseProbe always sets it; optional only so hand-written probes may omit it.
   */
  isDefault?: boolean;
  // Audio (null for other types)
  channels: number | null;
  channelLayout: string | null;
  sampleRate: number | null;
}

export interface Probe {
  /** format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** Container duration in seconds, null when unknown. */
  duration: number | null;
  size: number;
  bitrate: number | null;
  streams: ProbeStream[];
  /** Seconds of media actually present in the file (end of the last packet), null when not measured. */
  presentDuration: number | null;
  /*
   * The fields below are set by probeFile (not parseProbe) and optional, so
   * probes stored before they existed still fit.
   */
  /**
   * format.start_time: where the file's timeline starts (1.4 s in a typical
   * MPEG-TS, 10 s in a clip cut from a longer recording). ffmpeg counts
   * input `-ss` from it and makes output timestamps start at 0 by itself.
   */
  startTime?: number | null;
  /**
   * How ffmpeg must open the file, null when its own format sniffing reads it
   * right. Pass demuxArgs(probe.demux) before `-i` in every later run.
   */
  demux?: DemuxOptions | null;
  /** What decoding a few seconds at the start, middle and end showed; null when not checked. */
  decode?: DecodeCheck | null;
}

/**
 * A forced demuxer and a byte offset: for a file whose first bytes are junk
 * (a bad download, a broken tool) that makes ffmpeg guess the wrong format.
 */
export interface DemuxOptions {
  /** Demuxer name for `-f` (mp3, mov, matroska...). */
  format: string;
  /** Bytes before the real stream, for `-skip_initial_bytes`; 0 for none. */
  skipInitialBytes: number;
}

export interface DecodeCheck {
  /** Seconds of media the check asked for (the windows' lengths added up, or the whole file's). */
  seconds: number;
  /** Windows at the start, middle and end; false when the file is short enough to decode whole. */
  windowed: boolean;
  /** Audio frames and video keyframes that decoded. */
  frames: number;
  /** Error lines the decoders printed. */
  errors: number;
}

/** What a probe says about a file: usable as video, as audio, or not at all. */
export interface ProbeVerdict {
  kind: 'video' | 'audio' | null;
  status: 'ready' | 'invalid';
  /** A sentence for a person when status is invalid, else null. */
  reason: string | null;
  /** Index (ProbeStream.index) of the video stream to use, or null. */
  videoStream: number | null;
  /** Index of the audio stream to use, or null when there is no usable audio. */
  audioStream: number | null;
}

export type PresetOutput = 'hls' | 'mp4' | 'audio' | 'thumbnails';

export type X264Preset = 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium' | 'slow' | 'slower' | 'veryslow';

export interface RungSpec {
  /** Label, e.g. "720p". */
  name: string;
  /** Height of the short side in pixels (a 720p portrait rung is 720 wide). */
  height: number;
  /** Target video bitrate in bits per second. */
  videoBitrate: number;
}

export interface VideoSpec {
  codec: 'h264';
  encoderPreset: X264Preset;
  rungs: RungSpec[];
  /** Sources above this frame rate are reduced to it; every output is constant frame rate. */
  maxFps: number;
}

export interface AudioSpec {
  codec: 'aac';
  bitrate: number;
  channels: 1 | 2;
  sampleRate: 44100 | 48000;
}

export interface ThumbnailSpec {
  /** Seconds between thumbnails; grows for long sources so the count stays under maxCount. */
  intervalSeconds: number;
  /** Thumbnail width in pixels (height follows the display aspect ratio, rounded to even). */
  width: number;
  columns: number;
  rows: number;
  maxCount: number;
}

export interface Preset {
  id: string;
  name: string;
  description: string;
  builtin: boolean;
  output: PresetOutput;
  video: VideoSpec | null;
  audio: AudioSpec | null;
  /** HLS segment length in seconds (also the chunk alignment unit). */
  segmentSeconds: number;
  thumbnails: ThumbnailSpec | null;
}

/** One rung of a ladder planned for a particular source. */
export interface PlannedRung {
  name: string;
  width: number;
  height: number;
  videoBitrate: number;
  maxrate: number;
  bufsize: number;
  /** x264 profile and level, and the RFC 6381 codecs string they imply (avc1.PPCCLL). */
  profile: 'high';
  level: string;
  codecs: string;
}
