/**
 * Scanning the input store: every file with a media extension is probed and
 * registered as an asset (ready or invalid, decided by its content). A file
 * already registered with the same size and time is skipped; a changed one
 * is probed again. A registered file the store no longer holds is marked
 * missing, and found again when it is back (probed again only if it
 * changed). Idempotent: the asset id comes from the key and the asset
 * decider registers a stream once.
 */
import { assetIdFor, type AssetFacts } from '../events/asset.ts';
import type { Binaries } from '../media/binaries.ts';
import { probeAndClassify } from '../media/probe.ts';
import { toolInput, type Storage, type StoredObject } from '../storage/index.ts';
import { actorsOf } from './registry.ts';
import type { Runtime } from './runtime.ts';

export const VIDEO_EXTENSIONS = ['mp4', 'mkv', 'avi', 'mov', 'webm', 'flv', 'wmv', 'm4v', 'ts', '3gp'] as const;
export const AUDIO_EXTENSIONS = ['mp3', 'wav', 'flac', 'aac', 'ogg', 'opus', 'm4a', 'm4b'] as const;
const MEDIA = new Set<string>([...VIDEO_EXTENSIONS, ...AUDIO_EXTENSIONS]);

/** Pure: whether a key names a file the scan looks at (by extension; the content decides the rest). */
export const isMediaKey = (key: string): boolean => {
  const name = key.split('/').at(-1) ?? '';
  if (name.startsWith('.')) return false;
  const dot = name.lastIndexOf('.');
  return dot > 0 && MEDIA.has(name.slice(dot + 1).toLowerCase());
};

export interface ScanResult {
  found: number;
  registered: number;
  skipped: number;
  /** Changed files probed again. */
  updated: number;
  /** Files marked missing before and back now (unchanged ones are not probed again). */
  restored: number;
  /** Registered files this scan no longer found: marked missing. */
  missing: number;
  /** Keys registered, updated or restored by this scan. */
  keys: string[];
  /** Keys marked missing by this scan. */
  missingKeys: string[];
}

export interface ScanDeps {
  runtime: Runtime;
  input: Storage;
  bins: () => Binaries;
  now: () => string;
  /**
   * The registered assets under a prefix that are not marked missing (from
   * the read model), to notice the files that are gone. Without it, none is
   * marked missing.
   */
  registered?: (prefix: string) => { id: string; key: string }[];
}

/** Probes one stored file into the facts its asset events carry. Never throws for bad media. */
export const probeObject = async (d: Pick<ScanDeps, 'input' | 'bins'>, o: StoredObject, signal?: AbortSignal): Promise<AssetFacts> => {
  const input = await toolInput(d.input, o.key);
  const { probe, verdict } = await probeAndClassify(input, { signal, bins: d.bins() });
  return { size: o.size, modifiedAt: o.modifiedAt, kind: verdict.kind, status: verdict.status, reason: verdict.reason, probe, verdict };
};

export const scanAssets = async (
  d: ScanDeps,
  opts: { prefix?: string; concurrency?: number; signal?: AbortSignal; actor?: string } = {},
): Promise<ScanResult> => {
  const prefix = opts.prefix ?? '';
  const objects = (await d.input.list(prefix)).filter((o) => isMediaKey(o.key));
  const result: ScanResult = { found: objects.length, registered: 0, skipped: 0, updated: 0, restored: 0, missing: 0, keys: [], missingKeys: [] };
  const meta = { actor: opts.actor ?? 'scan' };
  let next = 0;
  const worker = async () => {
    while (next < objects.length) {
      opts.signal?.throwIfAborted();
      const o = objects[next++]!;
      const assetId = assetIdFor(o.key);
      const asset = actorsOf(d.runtime).asset(assetId);
      const { state } = await asset.load();
      if (state.status === 'active' && state.facts?.size === o.size && state.facts.modifiedAt === o.modifiedAt) {
        if (!state.missing) {
          result.skipped++;
          continue;
        }
        const r = await asset.execute({ type: 'MarkAssetFound', data: { at: d.now() } }, { ...meta, correlationId: assetId });
        if (r.events.length > 0) {
          result.restored++;
          result.keys.push(o.key);
        } else result.skipped++;
        continue;
      }
      const facts = await probeObject(d, o, opts.signal);
      if (state.status === 'active') {
        // A re-probe also ends a missing mark: the facts are new.
        await asset.execute({ type: 'ReprobeAsset', data: { ...facts, at: d.now() } }, { ...meta, correlationId: assetId });
        result.updated++;
        if (state.missing) result.restored++;
        result.keys.push(o.key);
        continue;
      }
      const r = await asset.execute({ type: 'RegisterAsset', data: { assetId, key: o.key, ...facts, at: d.now() } }, { ...meta, correlationId: assetId });
      // Another scan may have registered it a moment ago: then this one skipped it.
      if (r.events.length > 0) {
        result.registered++;
        result.keys.push(o.key);
      } else result.skipped++;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 4) }, worker));
  if (d.registered) await markMissing(d, d.registered(prefix), new Set(objects.map((o) => o.key)), result, meta, opts.signal);
  result.keys.sort();
  result.missingKeys.sort();
  return result;
};

/**
 * Registered assets under `prefix` whose file the listing lacks become
 * missing. The read model only says which to look at (it may lag the log:
 * an asset registered a moment ago waits for the next scan); a stat confirms
 * the file is gone, so one written since the listing is left alone, and the
 * asset decider appends once however many scans race.
 */
const markMissing = async (
  d: ScanDeps,
  known: { id: string; key: string }[],
  listed: ReadonlySet<string>,
  result: ScanResult,
  meta: { actor: string },
  signal?: AbortSignal,
): Promise<void> => {
  for (const a of known) {
    signal?.throwIfAborted();
    if (listed.has(a.key) || !isMediaKey(a.key) || (await d.input.stat(a.key))) continue;
    const r = await actorsOf(d.runtime)
      .asset(a.id)
      .execute({ type: 'MarkAssetMissing', data: { at: d.now() } }, { ...meta, correlationId: a.id });
    if (r.events.length > 0) {
      result.missing++;
      result.missingKeys.push(a.key);
    }
  }
};
