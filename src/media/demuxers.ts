/**
 * Which ffmpeg demuxer a file's extension stands for, and whether the one
 * ffprobe picked by sniffing agrees. Pure. Sniffing scores a few KB of
 * bytes, so junk at the start of a file can win it for the wrong format
 * (an MP3 behind 100 kB of garbage reads as 70 s of AMR-NB); the extension
 * is then the other guess worth trying.
 */

const DEMUXER_OF_EXTENSION: Record<string, string> = {
  mp4: 'mov',
  m4v: 'mov',
  mov: 'mov',
  '3gp': 'mov',
  m4a: 'mov',
  m4b: 'mov',
  mkv: 'matroska',
  webm: 'matroska',
  avi: 'avi',
  flv: 'flv',
  wmv: 'asf',
  ts: 'mpegts',
  mp3: 'mp3',
  wav: 'wav',
  flac: 'flac',
  aac: 'aac',
  ogg: 'ogg',
  opus: 'ogg',
};

/** The demuxer an extension (no dot, any case) implies, null for one we do not know. */
export const demuxerForExtension = (extension: string): string | null => DEMUXER_OF_EXTENSION[extension.toLowerCase()] ?? null;

/** Whether a probe's format_name ("mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm") is that demuxer. */
export const isDemuxer = (container: string, demuxer: string): boolean => container.split(',').includes(demuxer);

/** The name to pass to `-f` for a sniffed format_name: its first (ffmpeg accepts any of them). */
export const demuxerName = (container: string): string | null => container.split(',')[0] || null;
