/**
 * Test helpers for the OCR integration tests (no product code uses them):
 * the shared corpus, frames cut from its videos with ffmpeg, a frame with a
 * made-up brand board drawn over real footage, and word scores against the
 * corpus' reference texts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { resolveBinaries } from '../../media/binaries.ts';
import type { RgbFrame } from '../frame.ts';

export const CORPUS = join(import.meta.dir, '../../../../shared/corpus');

export const corpusFile = (rel: string): string => {
  const path = join(CORPUS, rel);
  if (!existsSync(path)) throw new Error(`corpus file ${path} is missing: the OCR tests read the shared media corpus (../shared/corpus, see its MANIFEST.md)`);
  return path;
};

/** One RGB frame from ffmpeg: `input` options and file, an optional filter chain ending at width × height. */
export const ffmpegFrame = (input: string[], width: number, height: number, filter?: string): RgbFrame => {
  const { ffmpeg } = resolveBinaries();
  const vf = `${filter ? `${filter},` : ''}scale=${width}:${height}`;
  const r = Bun.spawnSync([ffmpeg, '-v', 'error', ...input, '-vf', vf, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  if (r.exitCode !== 0) throw new Error(`ffmpeg failed (${r.exitCode}): ${r.stderr.toString()}`);
  const data = new Uint8Array(r.stdout).slice();
  if (data.length !== width * height * 3) throw new Error(`ffmpeg gave ${data.length} bytes for a ${width}x${height} frame`);
  return { width, height, data };
};

/** A frame of a corpus video at `seconds`, scaled to width × height. */
export const videoFrame = (file: string, seconds: number, width: number, height: number, filter?: string): RgbFrame =>
  ffmpegFrame(['-ss', String(seconds), '-i', corpusFile(`video/${file}`)], width, height, filter);

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

export interface Board {
  text: string;
  x: number;
  y: number;
  /** Font size in pixels of the 1280×720 frame. */
  size: number;
}

/**
 * A 1280×720 frame of real footage (mdn_flower.mp4 at 1 s) with a green
 * board and white `text` on it, drawn by ffmpeg's drawtext; `after` filters
 * run on the finished frame (a rotation, say). Returns the board's box too.
 */
export const boardFrame = (b: Board, after?: string): { frame: RgbFrame; board: { x: number; y: number; w: number; h: number } } => {
  if (!existsSync(FONT)) throw new Error(`${FONT} is missing: apt-get install fonts-dejavu-core`);
  const pad = Math.round(b.size * 0.5);
  const board = { x: b.x - pad, y: b.y - pad, w: Math.round(b.text.length * b.size * 0.8) + 2 * pad, h: b.size + 2 * pad };
  const draw = [
    'scale=1280:720',
    `drawbox=x=${board.x}:y=${board.y}:w=${board.w}:h=${board.h}:color=0x1f8a3a@1:t=fill`,
    `drawtext=fontfile=${FONT}:text=${b.text}:fontcolor=white:fontsize=${b.size}:x=${b.x}:y=${b.y}`,
    ...(after ? [after] : []),
  ].join(',');
  const turned = after?.startsWith('transpose') ?? false;
  return { frame: videoFrame('mdn_flower.mp4', 1, turned ? 720 : 1280, turned ? 1280 : 720, draw), board };
};

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** Words of two or more letters or digits, lower case, accents dropped. */
export const wordsOf = (s: string): string[] =>
  fold(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 2);

/** The share of the reference's words (with repeats) that appear among the read words. */
export const wordShare = (reference: string, read: string): { share: number; missing: string[] } => {
  const got = new Set(wordsOf(read));
  const words = wordsOf(reference);
  const missing = words.filter((w) => !got.has(w));
  return { share: (words.length - missing.length) / words.length, missing };
};

/**
 * Whether the phrase appears in the read text, ignoring case, accents, spaces
 * and punctuation: the Chinese PP-OCR recogniser often drops the space
 * between English words ("DRYFLAT"), which matching downstream must forgive.
 */
export const hasPhrase = (read: string, phrase: string): boolean => {
  const squash = (s: string) => fold(s).replace(/[^\p{L}\p{N}]+/gu, '');
  return squash(read).includes(squash(phrase));
};
