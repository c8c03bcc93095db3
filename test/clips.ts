/**
 * Test clips of shapes the corpus lacks, made with ffmpeg in a temp folder,
 * and the ffprobe/ffmpeg read-backs tests assert on.
 */
import { runFfmpeg, runFfprobeJson } from '../src/media/ffmpeg.ts';
import { resolveBinaries } from '../src/media/binaries.ts';

export interface ClipShape {
  seconds: number;
  /** ffmpeg rate syntax: 30, 30000/1001. */
  rate?: string;
  size?: string;
  /** x264 open GOPs with B-frames and this keyframe interval (frames). */
  openGopKeyint?: number;
  audio?: boolean;
  /** Extra output options (e.g. -output_ts_offset 10). */
  extra?: string[];
}

/** An H.264 (+ AAC) clip of testsrc2, whose picture changes every frame (so frame-accuracy shows in PSNR). */
export const makeClip = async (path: string, c: ClipShape): Promise<string> => {
  const rate = c.rate ?? '30';
  const x264 = c.openGopKeyint ? ['-x264-params', `open_gop=1:keyint=${c.openGopKeyint}:min-keyint=${Math.min(20, c.openGopKeyint)}:bframes=3`] : [];
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=${c.size ?? '320x180'}:rate=${rate}`,
    ...(c.audio === false ? [] : ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000']),
    '-t',
    String(c.seconds),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    ...x264,
    '-pix_fmt',
    'yuv420p',
    ...(c.audio === false ? [] : ['-c:a', 'aac', '-shortest']),
    ...(c.extra ?? []),
    path,
  ]);
  return path;
};

/**
 * 4 s of H.264 at 30 fps, one keyframe (so seeking has to decode its way in): red, then green, blue and white from
 * each whole second on; a frame's colour says which second it came from.
 */
export const makeColourClip = async (path: string, size = '320x180'): Promise<string> => {
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    `color=c=red:s=${size}:r=30:d=4,drawbox=c=green:t=fill:enable='gte(t,1)',drawbox=c=blue:t=fill:enable='gte(t,2)',drawbox=c=white:t=fill:enable='gte(t,3)'`,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '300',
    '-pix_fmt',
    'yuv420p',
    path,
  ]);
  return path;
};

/** The colour (of makeColourClip's four) a packed RGB24 frame's middle pixel is nearest to, else its rgb(). */
export const frameColour = (frame: { width: number; height: number; data: Uint8Array }): string => {
  const { width, height, data } = frame;
  const i = ((height >> 1) * width + (width >> 1)) * 3;
  const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
  if (r > 200 && g > 200 && b > 200) return 'white';
  if (r > 150 && g < 80 && b < 80) return 'red';
  if (g > 80 && r < 80 && b < 80) return 'green';
  if (b > 150 && r < 80 && g < 80) return 'blue';
  return `rgb(${r},${g},${b})`;
};

/** What iterating `it` to its end rejects with, null when it ends cleanly (extraction's errors come from its iterator). */
export const rejection = async (it: AsyncIterable<unknown>): Promise<unknown> => {
  try {
    for await (const _ of it) {
      // drain
    }
  } catch (e) {
    return e;
  }
  return null;
};

/** Video packets (= frames) of the first video stream, counted without decoding. */
export const videoFrames = async (input: string): Promise<number> => {
  const j = (await runFfprobeJson(['-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', input])) as {
    streams: { nb_read_packets?: string }[];
  };
  return Number(j.streams[0]?.nb_read_packets ?? 0);
};

/** What `ffmpeg -v error -i INPUT -f null -` prints (a full decode): '' for a clean file. */
export const decodeErrors = async (input: string): Promise<string> => {
  const proc = Bun.spawn([resolveBinaries().ffmpeg, '-nostdin', '-v', 'error', '-i', input, '-f', 'null', '-'], { stdout: 'ignore', stderr: 'pipe' });
  const text = await new Response(proc.stderr).text();
  const code = await proc.exited;
  return code === 0 ? text.trim() : `exit ${code}: ${text.trim()}`;
};

/** PSNR (dB) between frame `a` of one input and frame `b` of another. */
export const framePsnr = async (inA: string, a: number, inB: string, b: number): Promise<number> => {
  const proc = Bun.spawn(
    [
      resolveBinaries().ffmpeg,
      '-nostdin',
      '-hide_banner',
      '-i',
      inA,
      '-i',
      inB,
      '-filter_complex',
      `[0:v]select=eq(n\\,${a}),setpts=0[a];[1:v]select=eq(n\\,${b}),setpts=0[b];[a][b]psnr`,
      '-frames:v',
      '1',
      '-f',
      'null',
      '-',
    ],
    { stdout: 'ignore', stderr: 'pipe' },
  );
  const text = await new Response(proc.stderr).text();
  await proc.exited;
  const m = /average:(inf|[\d.]+)/.exec(text);
  if (!m) throw new Error(`no PSNR in ffmpeg's output: ${text.slice(-500)}`);
  return m[1] === 'inf' ? Infinity : Number(m[1]);
};

/** mulberry32: the same bytes on every run. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** Payload bytes after the TOC byte of an AMR-NB frame, by mode 0-7. */
const AMR_PAYLOAD = [12, 13, 15, 17, 19, 20, 26, 31];

/**
 * `size` seeded random bytes. With `amrLike`, the first 4 kB are cut into
 * AMR-NB frames (a TOC byte naming a valid mode, then random payload):
 * uniformly random bytes never win ffmpeg's format sniffing away from an
 * .mp3 name, but junk that opens like this does, as in the reported file.
 */
export const junkBytes = (size: number, seed: number, amrLike: boolean): Uint8Array => {
  const next = random(seed);
  const byte = () => Math.floor(next() * 256);
  const out = new Uint8Array(size);
  let i = 0;
  while (amrLike && i < 4096) {
    const mode = Math.floor(next() * 8);
    out[i++] = (mode << 3) | 0x04;
    for (let k = 0; k < AMR_PAYLOAD[mode]! && i < size; k++) out[i++] = byte();
  }
  for (; i < size; i++) out[i] = byte();
  return out;
};
