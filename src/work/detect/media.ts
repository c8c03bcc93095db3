/**
 * The media the detection pages show: a timeline's frame cache as kept (by
 * extraction: fps and size), filmstrips of assets (filmstrip.ts), an asset's
 * source file to play, the cached frames a run looked at, and brand lists'
 * reference images in the input store. Signing URLs is the HTTP layer's
 * part; this answers keys. The read models come in as readers (the
 * composition root wires them), so this reaches no projection itself.
 */
import { actorsOf } from '../../actors/registry.ts';
import type { Runtime } from '../../actors/runtime.ts';
import { AppError, errorMessage } from '../../errors.ts';
import type { Binaries } from '../../media/binaries.ts';
import { nonFileAt, readBytes, readJson, type Storage, type StoredObject, validateKey } from '../../storage/index.ts';
import type { DemuxOptions } from '../../types/media.ts';
import { createFilmstrips, FILMSTRIP, type FilmstripMade, wholeIn } from './filmstrip.ts';
import { frameCachePrefix } from './frames.ts';
import type { ExtractOutput } from './kind.ts';
import { loadNative } from './native.ts';
import { frameAt } from './overlay-layers.ts';

export type { FilmstripMade } from './filmstrip.ts';

/** A timeline's frame cache: one entry per extraction kept (fps 0: no run that finished says at what rate it was made). */
export interface FrameCache {
  timelineId: string;
  frames: number;
  bytes: number;
  sets: { fps: number; width: number; height: number; frames: number; bytes: number }[];
}

/** What the media need of an asset. */
export interface MediaAsset {
  id: string;
  key: string;
  status: string;
  kind: string | null;
  size: number;
  modifiedAt: string;
  demux: DemuxOptions | null;
}

export interface MediaReaders {
  asset(id: string): MediaAsset | null;
  timelineExists(id: string): boolean;
  brandListExists(id: string): boolean;
  /** What the finished extract_frames of a timeline's runs say: their rate and their segments' cache folders. */
  extractions(timelineId: string): { fps: number; prefixes: string[] }[];
}

export interface MediaDeps {
  runtime: Runtime;
  input: Storage;
  output: Storage;
  bins: () => Binaries;
  readers: MediaReaders;
  newId(): string;
}

/** Reference images: the formats a brand's image may be, by what sharp reads in the bytes. */
const IMAGE_FORMATS: Record<string, { ext: string; type: string }> = {
  png: { ext: 'png', type: 'image/png' },
  jpeg: { ext: 'jpg', type: 'image/jpeg' },
  webp: { ext: 'webp', type: 'image/webp' },
};
export const MAX_BRAND_IMAGE_BYTES = 5 * 1024 * 1024;

/** Pure: the input-store folder of a brand list's reference images. */
export const brandImagePrefix = (listId: string) => `brands/${listId}/`;

/** Pure: the cache folder a frame-cache key lies in (`…/frames/<id>/`), or null for a key outside one. */
const segmentFolderOf = (prefix: string, key: string): string | null => {
  const m = /^frames\/[^/]+\//.exec(key.slice(prefix.length));
  return m ? prefix + m[0] : null;
};

/** Pure: a frame cache listing grouped by extraction; `manifests` holds what each whole segment's manifest.json says. */
export const groupFrameCache = (
  timelineId: string,
  prefix: string,
  objects: readonly StoredObject[],
  manifests: ReadonlyMap<string, { count: number; width: number; height: number; fps: number }>,
): FrameCache => {
  const sets = new Map<string, FrameCache['sets'][number]>();
  const folderBytes = new Map<string, number>();
  for (const o of objects) {
    const folder = segmentFolderOf(prefix, o.key);
    if (folder) folderBytes.set(folder, (folderBytes.get(folder) ?? 0) + o.size);
  }
  for (const [folder, m] of manifests) {
    const id = `${m.fps} ${m.width} ${m.height}`;
    const set = sets.get(id) ?? { fps: m.fps, width: m.width, height: m.height, frames: 0, bytes: 0 };
    set.frames += m.count;
    set.bytes += folderBytes.get(folder) ?? 0;
    sets.set(id, set);
  }
  const list = [...sets.values()].sort((a, b) => b.frames - a.frames || b.fps - a.fps || b.width - a.width);
  return {
    timelineId,
    frames: list.reduce((a, s) => a + s.frames, 0),
    bytes: objects.reduce((a, o) => a + o.size, 0),
    sets: list,
  };
};

/** Runs `fn` over items with at most `limit` at once. */
const eachLimit = async <T>(items: readonly T[], limit: number, fn: (x: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const run = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
};

export const createMedia = (d: MediaDeps) => {
  const actors = actorsOf(d.runtime);
  const filmstrips = createFilmstrips(d);

  const asset = (id: string): MediaAsset => {
    const a = d.readers.asset(id);
    if (!a) throw new AppError('not_found', `no asset ${id}`);
    return a;
  };
  const brandList = (id: string) => {
    if (!d.readers.brandListExists(id)) throw new AppError('not_found', `no brand list ${id}`);
  };

  return {
    /** What a timeline's frame cache holds, by extraction. */
    async frameCache(timelineId: string): Promise<FrameCache> {
      if (!d.readers.timelineExists(timelineId)) throw new AppError('not_found', `no timeline ${timelineId}`);
      const prefix = frameCachePrefix(timelineId);
      const objects = await d.output.list(prefix);
      const fpsOf = new Map<string, number>();
      for (const x of d.readers.extractions(timelineId)) for (const p of x.prefixes) fpsOf.set(p, x.fps);
      const manifests = new Map<string, { count: number; width: number; height: number; fps: number }>();
      const whole = objects.filter((o) => o.key.endsWith('/manifest.json') && segmentFolderOf(prefix, o.key));
      await eachLimit(whole, 8, async (o) => {
        const folder = segmentFolderOf(prefix, o.key)!;
        const m = await readJson<{ count?: unknown; width?: unknown; height?: unknown; fps?: unknown }>(d.output, o.key).catch(() => null);
        if (!m || typeof m.count !== 'number' || typeof m.width !== 'number' || typeof m.height !== 'number') return;
        const fps = typeof m.fps === 'number' ? m.fps : (fpsOf.get(folder) ?? 0);
        manifests.set(folder, { count: m.count, width: m.width, height: m.height, fps });
      });
      return groupFrameCache(timelineId, prefix, objects, manifests);
    },

    /** A filmstrip of an asset: `count` (2–60, default 20) frames `height` (32–240, default 90) px high; made once, then kept. */
    async filmstrip(assetId: string, ask: { count?: unknown; height?: unknown }): Promise<FilmstripMade> {
      const count = wholeIn('count', ask.count, FILMSTRIP.count);
      const height = wholeIn('height', ask.height, FILMSTRIP.height);
      const a = asset(assetId);
      if (a.status !== 'ready') throw new AppError('invalid_state', `asset ${assetId} is ${a.status}, not ready: no filmstrip`);
      if (a.kind !== 'video') throw new AppError('invalid_state', `asset ${assetId} has no video: no filmstrip`);
      return filmstrips.get({ id: a.id, key: a.key, size: a.size, modifiedAt: a.modifiedAt, demux: a.demux }, count, height);
    },

    /** The input-store key of an asset's file, to stream (404 for an unknown asset, 409 when the file is gone). */
    async sourceFile(assetId: string): Promise<{ assetId: string; key: string; size: number }> {
      const a = asset(assetId);
      const o = await d.input.stat(a.key);
      if (!o) {
        const local = d.input.localPath(a.key);
        const what = local ? await nonFileAt(local) : null;
        if (what) throw new AppError('invalid_state', `asset ${assetId}'s file ${a.key} is ${what}, not a media file`);
        throw new AppError('invalid_state', `asset ${assetId}'s file ${a.key} is no longer in the input store (rescan, or upload it again)`);
      }
      return { assetId, key: a.key, size: o.size };
    },

    /** The cached JPEG a run looked at as frame `seq` of its timeline. */
    async frame(jobId: string, seq: number): Promise<Uint8Array> {
      const { state } = await actors.job(jobId).load();
      if (state.status === 'none' || state.kind !== 'detect') throw new AppError('not_found', `no detect job ${jobId}`);
      const extract = state.stages.extract_frames;
      if (!extract || extract.status === 'skipped') throw new AppError('invalid_state', `job ${jobId} has not extracted its frames yet`);
      const frames = extract.output as ExtractOutput;
      if (!Number.isInteger(seq) || seq < 0) throw new AppError('validation', `seq: a frame number ≥ 0, got ${seq}`);
      const at = frameAt(frames.segments, frames.fps, seq);
      if (!at) throw new AppError('validation', `seq: frame ${seq} is past the timeline's last (${frames.frames - 1})`);
      if (!(await d.output.stat(at.key))) {
        throw new AppError('invalid_state', `the frame cache of job ${jobId}'s timeline was dropped: run the timeline again to extract its frames`);
      }
      return readBytes(d.output, at.key);
    },

    /** Keeps a reference image for a brand list (PNG, JPEG or WebP by its bytes); answers its input-store key. */
    async putBrandImage(listId: string, bytes: Uint8Array): Promise<{ key: string }> {
      brandList(listId);
      if (bytes.byteLength === 0) throw new AppError('validation', "body: the image's bytes are required");
      if (bytes.byteLength > MAX_BRAND_IMAGE_BYTES) throw new AppError('too_large', `an image may be at most 5 MB; this one is ${bytes.byteLength} bytes`);
      const sharp = (await loadNative(() => import('sharp'))).default;
      let format: string | undefined;
      try {
        const m = await sharp(bytes).metadata();
        if (!(m.width && m.height)) throw new Error('it has no size');
        format = m.format;
      } catch (e) {
        throw new AppError('validation', `body: not an image that can be read (${errorMessage(e)})`);
      }
      const f = format ? IMAGE_FORMATS[format] : undefined;
      if (!f) throw new AppError('unsupported_media_type', `body: a ${format ?? 'unknown'} image; send PNG, JPEG or WebP`);
      const key = `${brandImagePrefix(listId)}${d.newId()}.${f.ext}`;
      await d.input.put(key, bytes, { contentType: f.type });
      return { key };
    },

    /** A reference image's bytes; only keys under its list's own folder (404 otherwise). */
    async brandImage(listId: string, key: string): Promise<{ bytes: Uint8Array; contentType: string }> {
      brandList(listId);
      const prefix = brandImagePrefix(listId);
      let ok = false;
      try {
        ok = validateKey(key) === key && key.startsWith(prefix) && !key.slice(prefix.length).includes('/');
      } catch {
        ok = false;
      }
      if (!ok) throw new AppError('not_found', `no image ${key} in brand list ${listId}`);
      const ext = key.slice(key.lastIndexOf('.') + 1);
      const f = Object.values(IMAGE_FORMATS).find((x) => x.ext === ext);
      if (!f || !(await d.input.stat(key))) throw new AppError('not_found', `no image ${key} in brand list ${listId}`);
      return { bytes: await readBytes(d.input, key), contentType: f.type };
    },
  };
};

export type DetectMedia = ReturnType<typeof createMedia>;
