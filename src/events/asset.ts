/**
 * Events of an asset stream, `asset:<id>`: a media file in the input store.
 * The id derives from the key, so scanning the same store twice (or from
 * two nodes at once) meets the same stream and registers nothing twice.
 */
import type { Probe, ProbeVerdict } from '../types/media.ts';

export interface AssetFacts {
  size: number;
  modifiedAt: string;
  kind: 'video' | 'audio' | null;
  status: 'ready' | 'invalid';
  /** Why the asset is invalid, as a sentence; null when ready. */
  reason: string | null;
  probe: Probe | null;
  verdict: ProbeVerdict;
}

export type AssetEvent =
  | { type: 'AssetRegistered'; data: AssetFacts & { assetId: string; key: string; at: string } }
  | { type: 'AssetProbed'; data: AssetFacts & { at: string } }
  | { type: 'AssetCommented'; data: { comment: string; at: string } }
  | { type: 'AssetDeleted'; data: { deleteOutputs: boolean; at: string } }
  /**
   * After an AssetDeleted with deleteOutputs: the outputs of the asset's jobs
   * (`jobs/<jobId>/`) are gone from the output store. `objects` counts what
   * this pass removed: a pass repeated after a crash finds fewer (or none).
   */
  | { type: 'AssetOutputsDeleted'; data: { jobs: number; objects: number; at: string } }
  /** A rescan no longer found the file; the asset keeps its facts but cannot be transcoded. */
  | { type: 'AssetMarkedMissing'; data: { at: string } }
  /** The file is back as it was (same size and time): the facts hold again, nothing is probed. A changed file comes back as AssetProbed. */
  | { type: 'AssetFound'; data: { at: string } };

export const assetStream = (assetId: string) => `asset:${assetId}`;

/** A stable id for a key in the input store (16 hex chars of its SHA-256). */
export const assetIdFor = (key: string): string => new Bun.CryptoHasher('sha256').update(key).digest('hex').slice(0, 16);
