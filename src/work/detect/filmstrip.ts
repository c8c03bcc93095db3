/**
 * Filmstrips: `count` frames evenly over an asset, each scaled to one
 * height, side by side in one JPEG, made by one ffmpeg run (an input seek
 * per frame, so a long file is not decoded end to end) and kept in the
 * output store under a name that changes with the asset's bytes (outputs
 * are served as immutable, so a remade strip must get a new URL). A JSON
 * beside it keeps the tile size and the times; it is written last, so its
 * presence means the strip is whole.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeSource } from '../../cv/extract.ts';
import { AppError, errorMessage, isAppError } from '../../errors.ts';
import type { Binaries } from '../../media/binaries.ts';
import { runFfmpeg } from '../../media/ffmpeg.ts';
import { inputArgs } from '../../media/probe-input.ts';
import { readJson, type Storage, toolInput } from '../../storage/index.ts';
import type { DemuxOptions } from '../../types/media.ts';

export const FILMSTRIP = { count: { min: 2, max: 60, default: 20 }, height: { min: 32, max: 240, default: 90 } } as const;
/** One strip may take this long to make; past it ffmpeg is stopped. */
const MAKE_TIMEOUT_MS = 120_000;

/** A strip as kept: `times[i]` is the second of frame i (its tile from the left). */
export interface FilmstripMade {
  assetId: string;
  key: string;
  count: number;
  width: number;
  height: number;
  times: number[];
}

/** What a strip is made of: the asset's file and what identifies its bytes. */
export interface FilmstripSource {
  id: string;
  key: string;
  size: number;
  modifiedAt: string;
  demux: DemuxOptions | null;
}

const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
const ms = (t: number) => Math.round(t * 1000) / 1000;

/** Pure: a whole number within limits from a query value or a number, or the default when absent; refusals name the field. */
export const wholeIn = (field: string, v: unknown, l: { min: number; max: number; default: number }): number => {
  if (v === undefined || v === null || v === '') return l.default;
  const n = typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < l.min || n > l.max) {
    throw new AppError('validation', `${field}: a whole number from ${l.min} to ${l.max}, got ${JSON.stringify(v).slice(0, 40)}`);
  }
  return n;
};

/** Pure: the seconds of `count` frames evenly over `duration`, each the middle of its share (never the very end, where there may be no frame). */
export const stripTimes = (duration: number, count: number): number[] => Array.from({ length: count }, (_, i) => ms((duration * (i + 0.5)) / count));

/** Pure: a tile's width for a display size scaled to `height` (even, at least 2). */
export const tileWidth = (display: { width: number; height: number }, height: number): number => even((height * display.width) / display.height);

/** Pure: where a strip is kept: its asset's folder, its shape, and a digest of what the bytes were. */
export const filmstripKey = (src: Pick<FilmstripSource, 'id' | 'key' | 'size' | 'modifiedAt'>, count: number, height: number): string => {
  const content = new Bun.CryptoHasher('sha256')
    .update(JSON.stringify([src.key, src.size, src.modifiedAt]))
    .digest('hex')
    .slice(0, 16);
  return `detect/filmstrips/${src.id}/${count}x${height}-${content}.jpg`;
};

/** Pure: ffmpeg's arguments (after the binary's own): one seeked input per frame, each scaled, stacked left to right, one JPEG. */
export const filmstripArgs = (a: { input: string; demux: DemuxOptions | null; times: number[]; width: number; height: number; output: string }): string[] => {
  const source = inputArgs(a.input, a.demux);
  const open = [...source.slice(0, -1), '-i', source.at(-1)!];
  const inputs = a.times.flatMap((t) => ['-ss', t.toFixed(3), ...open]);
  const scaled = a.times.map((_, i) => `[${i}:v:0]scale=${a.width}:${a.height}:flags=bicubic,setsar=1[f${i}]`);
  const stack = `${a.times.map((_, i) => `[f${i}]`).join('')}hstack=inputs=${a.times.length}[strip]`;
  return [...inputs, '-filter_complex', [...scaled, stack].join(';'), '-map', '[strip]', '-frames:v', '1', '-q:v', '4', a.output];
};

export interface FilmstripDeps {
  input: Storage;
  output: Storage;
  bins: () => Binaries;
}

/** Makes strips, one ffmpeg at a time per strip (a second ask for the same strip waits for the first). */
export const createFilmstrips = (d: FilmstripDeps) => {
  const making = new Map<string, Promise<FilmstripMade>>();

  const make = async (src: FilmstripSource, count: number, height: number, key: string): Promise<FilmstripMade> => {
    const input = await toolInput(d.input, src.key);
    const bins = d.bins();
    // Messages name the key, never the file's path on this host (ffmpeg's own lines quote it).
    const fail = (e: unknown): never => {
      // A crash or a full disk is not the file's fault.
      if (isAppError(e, 'unavailable') || isAppError(e, 'insufficient_storage')) throw e;
      if (isAppError(e, 'invalid_state'))
        throw new AppError('unavailable', `ffmpeg took longer than ${MAKE_TIMEOUT_MS / 1000} s to make the filmstrip of ${src.key}`);
      if (isAppError(e, 'validation')) throw new AppError('invalid_state', `${src.key} has no video stream to make a filmstrip of`);
      throw new AppError('corrupt', `ffmpeg cannot read ${src.key} for a filmstrip: ${errorMessage(e).replaceAll(input, src.key)}`, { cause: e });
    };
    const signal = AbortSignal.timeout(MAKE_TIMEOUT_MS);
    const video = await probeSource(input, { bins, signal, demux: src.demux }).catch(fail);
    if (!video.duration || !(video.duration > 0)) throw new AppError('corrupt', `${src.key} has no duration ffprobe can tell: no filmstrip`);
    const times = stripTimes(video.duration, count);
    const width = tileWidth(video, height);
    const dir = await mkdtemp(join(tmpdir(), 'mpr-filmstrip-'));
    try {
      const file = join(dir, 'strip.jpg');
      await runFfmpeg(filmstripArgs({ input, demux: src.demux, times, width, height, output: file }), { bin: bins.ffmpeg, signal }).catch(fail);
      if (!(await Bun.file(file).exists()) || Bun.file(file).size === 0) {
        throw new AppError('corrupt', `ffmpeg found no frames in ${src.key} at the filmstrip's times (${times[0]} s to ${times.at(-1)} s)`);
      }
      await d.output.putFile(key, file, { contentType: 'image/jpeg' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const made: FilmstripMade = { assetId: src.id, key, count, width, height, times };
    await d.output.put(key.replace(/\.jpg$/, '.json'), JSON.stringify(made), { contentType: 'application/json' });
    // Strips of the same shape made from bytes the asset no longer has.
    const shape = `detect/filmstrips/${src.id}/${count}x${height}-`;
    for (const o of await d.output.list(shape)) if (o.key !== key && o.key !== key.replace(/\.jpg$/, '.json')) await d.output.delete(o.key);
    return made;
  };

  return {
    /** The strip of `count` frames `height` px high: kept, or made now. */
    async get(src: FilmstripSource, count: number, height: number): Promise<FilmstripMade> {
      const key = filmstripKey(src, count, height);
      const index = key.replace(/\.jpg$/, '.json');
      if (await d.output.stat(index)) return readJson<FilmstripMade>(d.output, index);
      let p = making.get(key);
      if (!p) {
        p = make(src, count, height, key).finally(() => making.delete(key));
        making.set(key, p);
      }
      return p;
    },
  };
};
