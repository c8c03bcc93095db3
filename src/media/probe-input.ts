/**
 * How ffprobe/ffmpeg are pointed at an input, and reading their compact
 * `key=value|key=value` output lines. Shared by the probe, the packet scans
 * and the decode check.
 */
import { resolve } from 'node:path';
import type { DemuxOptions } from '../types/media.ts';

export const isUrl = (input: string): boolean => /^https?:\/\//i.test(input);

/**
 * Options that go before `-i` so the file is opened the way its probe found
 * works: a forced demuxer and the junk bytes to skip. Empty for null.
 */
export const demuxArgs = (demux: DemuxOptions | null | undefined): string[] =>
  demux ? ['-f', demux.format, ...(demux.skipInitialBytes > 0 ? ['-skip_initial_bytes', String(demux.skipInitialBytes)] : [])] : [];

/**
 * The input as ffprobe should see it. A local path is made absolute so a
 * name like "-i" or "concat:a|b" is never read as an option or protocol; a
 * URL may only pull in http(s), so a playlist cannot make ffprobe open
 * local files.
 */
export const inputArgs = (input: string, demux?: DemuxOptions | null): string[] => [
  ...demuxArgs(demux),
  ...(isUrl(input) ? ['-protocol_whitelist', 'http,https,tcp,tls', input] : [resolve(input)]),
];

/** The file name's extension, lower case, without the dot ('' for none); a URL's query is not part of it. */
export const extensionOf = (input: string): string => {
  const path = isUrl(input) ? new URL(input).pathname : input;
  const name = path.split(/[\\/]/).at(-1) ?? '';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
};

/**
 * The value of `key` in a compact line "stream_index=0|pts_time=1.000|dts_time=N/A|...",
 * found without splitting: a two-hour file has half a million such lines.
 */
export const field = (line: string, key: string): string | undefined => {
  let from: number;
  if (line.startsWith(`${key}=`)) from = key.length + 1;
  else {
    const at = line.indexOf(`|${key}=`);
    if (at < 0) return undefined;
    from = at + key.length + 2;
  }
  const to = line.indexOf('|', from);
  return line.slice(from, to < 0 ? undefined : to);
};

/** A number field; null for N/A, absent or garbage. */
export const time = (v: string | undefined): number | null => {
  if (v === undefined || v === 'N/A') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};
