/**
 * The asset actor's decider: registered once per key, re-probed, commented,
 * marked missing when a rescan no longer finds its file (and found again),
 * deleted (and registered again by a later scan). A deletion that asked for
 * its jobs' outputs to go too stays owed until the asset-outputs router
 * records that they went (RecordOutputsDeleted), once.
 */
import { AppError } from '../errors.ts';
import type { AssetEvent, AssetFacts } from '../events/asset.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Decider } from './decider.ts';

export interface AssetState {
  status: 'none' | 'active' | 'deleted';
  id: string;
  key: string;
  comment: string;
  facts: AssetFacts | null;
  /** A rescan found the file gone; AssetFound or a re-probe ends it. */
  missing: boolean;
  /**
   * Deleted with deleteOutputs and not yet recorded as done. Kept across a
   * later registration of the same key: the old jobs' outputs are still owed.
   */
  outputsPending: boolean;
}

export const MAX_COMMENT = 4000;

export type AssetCommand =
  | { type: 'RegisterAsset'; data: Extract<AssetEvent, { type: 'AssetRegistered' }>['data'] }
  | { type: 'ReprobeAsset'; data: Extract<AssetEvent, { type: 'AssetProbed' }>['data'] }
  | { type: 'CommentAsset'; data: { comment: string; at: string } }
  | { type: 'DeleteAsset'; data: { deleteOutputs: boolean; at: string } }
  | { type: 'MarkAssetMissing'; data: { at: string } }
  | { type: 'MarkAssetFound'; data: { at: string } }
  | { type: 'RecordOutputsDeleted'; data: Extract<AssetEvent, { type: 'AssetOutputsDeleted' }>['data'] };

export const initialAsset = (): AssetState => ({ status: 'none', id: '', key: '', comment: '', facts: null, missing: false, outputsPending: false });

export const evolveAsset = (s: AssetState, ev: StoredEvent<AssetEvent>): AssetState => {
  switch (ev.type) {
    case 'AssetRegistered': {
      const { assetId, key, at: _at, ...facts } = ev.data;
      return { status: 'active', id: assetId, key, comment: '', facts, missing: false, outputsPending: s.outputsPending };
    }
    case 'AssetProbed': {
      const { at: _at, ...facts } = ev.data;
      return { ...s, facts, missing: false };
    }
    case 'AssetMarkedMissing':
      return { ...s, missing: true };
    case 'AssetFound':
      return { ...s, missing: false };
    case 'AssetCommented':
      return { ...s, comment: ev.data.comment };
    case 'AssetDeleted':
      return { ...s, status: 'deleted', outputsPending: s.outputsPending || ev.data.deleteOutputs };
    case 'AssetOutputsDeleted':
      return { ...s, outputsPending: false };
    default:
      return s;
  }
};

export const decideAsset = (cmd: AssetCommand, s: AssetState): AssetEvent[] => {
  const mustExist = () => {
    if (s.status !== 'active') throw new AppError('not_found', `no asset ${s.id || ''}`.trim());
  };
  switch (cmd.type) {
    case 'RegisterAsset':
      return s.status === 'active' ? [] : [{ type: 'AssetRegistered', data: cmd.data }];
    case 'ReprobeAsset':
      mustExist();
      return [{ type: 'AssetProbed', data: cmd.data }];
    case 'CommentAsset':
      mustExist();
      if (cmd.data.comment.length > MAX_COMMENT) throw new AppError('validation', `comment: at most ${MAX_COMMENT} characters, got ${cmd.data.comment.length}`);
      return cmd.data.comment === s.comment ? [] : [{ type: 'AssetCommented', data: cmd.data }];
    case 'DeleteAsset':
      mustExist();
      return [{ type: 'AssetDeleted', data: cmd.data }];
    // Both are idempotent: two scans racing, or a rescan of a file already marked, append nothing.
    case 'MarkAssetMissing':
      return s.status === 'active' && !s.missing ? [{ type: 'AssetMarkedMissing', data: cmd.data }] : [];
    case 'MarkAssetFound':
      return s.status === 'active' && s.missing ? [{ type: 'AssetFound', data: cmd.data }] : [];
    // Idempotent: a router re-delivered the deletion after recording it (or nothing was owed).
    case 'RecordOutputsDeleted':
      return s.outputsPending ? [{ type: 'AssetOutputsDeleted', data: cmd.data }] : [];
    default: {
      const exhaustive: never = cmd;
      return exhaustive;
    }
  }
};

export const assetDecider: Decider<AssetState, AssetCommand, AssetEvent> = { initial: initialAsset, evolve: evolveAsset, decide: decideAsset };
