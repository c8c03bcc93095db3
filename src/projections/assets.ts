/** The Asset read model: one row per registered input file, with the probe facts lists show. */
import type { Database } from 'bun:sqlite';
import type { AssetFacts } from '../events/asset.ts';
import { streamId, streamKind, type LoggedEvent } from '../events/index.ts';
import type { Probe, ProbeVerdict } from '../types/media.ts';
import { DELETE, type Projection } from './projection.ts';
import { defineTable } from './table.ts';

export interface AssetView {
  id: string;
  key: string;
  kind: 'video' | 'audio' | null;
  /** missing: a rescan no longer found the file; `probe` and `verdict` still say what it was. */
  status: 'ready' | 'invalid' | 'missing';
  reason: string | null;
  size: number;
  modified_at: string;
  duration: number | null;
  width: number | null;
  height: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  probe: Probe | null;
  verdict: ProbeVerdict;
  comment: string;
  registered_at: string;
  updated_at: string;
}

export const assetsTable = defineTable<AssetView>({
  name: 'assets',
  key: ['id'],
  columns: {
    id: 'TEXT',
    key: 'TEXT',
    kind: 'TEXT',
    status: 'TEXT',
    reason: 'TEXT',
    size: 'INTEGER',
    modified_at: 'TEXT',
    duration: 'REAL',
    width: 'INTEGER',
    height: 'INTEGER',
    video_codec: 'TEXT',
    audio_codec: 'TEXT',
    probe: 'JSON',
    verdict: 'JSON',
    comment: 'TEXT',
    registered_at: 'TEXT',
    updated_at: 'TEXT',
  },
  indexes: [['key'], ['status'], ['registered_at']],
});

export const MISSING_REASON = 'the file is no longer in the input store (a rescan found it gone): put it back and scan again';

/** Pure: the columns a probe fills. */
/** The registered assets under `prefix` not marked missing, by key: what a scan checks against its listing. */
export const registeredAssets =
  (db: Database) =>
  (prefix: string): { id: string; key: string }[] =>
    assetsTable.select(db, "WHERE status != 'missing' AND substr(key, 1, ?) = ? ORDER BY key", [prefix.length, prefix]).map((a) => ({ id: a.id, key: a.key }));

export const factsColumns = (f: AssetFacts) => {
  const v = f.probe?.streams.find((s) => s.index === f.verdict.videoStream) ?? null;
  const a = f.probe?.streams.find((s) => s.index === f.verdict.audioStream) ?? null;
  return {
    kind: f.kind,
    status: f.status,
    reason: f.reason,
    size: f.size,
    modified_at: f.modifiedAt,
    duration: f.probe?.duration ?? null,
    width: v?.displayWidth ?? null,
    height: v?.displayHeight ?? null,
    video_codec: v?.codec ?? null,
    audio_codec: a?.codec ?? null,
    probe: f.probe,
    verdict: f.verdict,
  };
};

export const foldAsset = (v: AssetView | null, e: LoggedEvent): AssetView | null | typeof DELETE => {
  switch (e.type) {
    case 'AssetRegistered':
      return { id: e.data.assetId, key: e.data.key, ...factsColumns(e.data), comment: '', registered_at: e.data.at, updated_at: e.data.at };
    case 'AssetProbed':
      return v && { ...v, ...factsColumns(e.data), updated_at: e.data.at };
    case 'AssetCommented':
      return v && { ...v, comment: e.data.comment, updated_at: e.data.at };
    case 'AssetMarkedMissing':
      return v && { ...v, status: 'missing', reason: MISSING_REASON, updated_at: e.data.at };
    case 'AssetFound':
      return v && { ...v, status: v.verdict.status, reason: v.verdict.reason, updated_at: e.data.at };
    case 'AssetDeleted':
      return v ? DELETE : null;
    default:
      return null;
  }
};

export const assetsProjection: Projection<AssetView> = {
  name: 'assets',
  version: 1,
  table: assetsTable,
  keyOf: (e) => (streamKind(e.stream) === 'asset' ? [streamId(e.stream)] : null),
  fold: foldAsset,
};
