/**
 * The upload actor's decider: started once, then completed into an asset,
 * aborted by its owner, or expired by the sweep: exactly one of those, once.
 * Completing twice with the same asset is a no-op (a client that retries
 * after a lost answer); any other change to an ended upload is refused.
 */
import { AppError } from '../errors.ts';
import type { StoredEvent } from '../events/types.ts';
import type { UploadEvent } from '../events/upload.ts';
import type { Decider } from './decider.ts';

type Started = Extract<UploadEvent, { type: 'UploadStarted' }>['data'];

export interface UploadState {
  status: 'none' | 'open' | 'completed' | 'aborted' | 'expired';
  upload: Started | null;
  assetId: string | null;
}

export type UploadCommand =
  | { type: 'StartUpload'; data: Started }
  | { type: 'CompleteUpload'; data: { assetId: string; size: number; at: string } }
  | { type: 'AbortUpload'; data: { by: string; at: string } }
  | { type: 'ExpireUpload'; data: { at: string } };

export const initialUpload = (): UploadState => ({ status: 'none', upload: null, assetId: null });

export const evolveUpload = (s: UploadState, ev: StoredEvent<UploadEvent>): UploadState => {
  switch (ev.type) {
    case 'UploadStarted':
      return { status: 'open', upload: ev.data, assetId: null };
    case 'UploadCompleted':
      return { ...s, status: 'completed', assetId: ev.data.assetId };
    case 'UploadAborted':
      return { ...s, status: 'aborted' };
    case 'UploadExpired':
      return { ...s, status: 'expired' };
    default:
      return s;
  }
};

const ended = (s: UploadState, action: string) => new AppError('invalid_state', `upload ${s.upload?.uploadId ?? ''} is ${s.status}: it cannot be ${action}`);

export const decideUpload = (cmd: UploadCommand, s: UploadState): UploadEvent[] => {
  if (cmd.type === 'StartUpload') {
    if (s.status !== 'none') throw new AppError('conflict', `upload ${cmd.data.uploadId} exists already`);
    return [{ type: 'UploadStarted', data: cmd.data }];
  }
  if (s.status === 'none') throw new AppError('not_found', 'no such upload');
  switch (cmd.type) {
    case 'CompleteUpload':
      if (s.status === 'completed' && s.assetId === cmd.data.assetId) return [];
      if (s.status !== 'open') throw ended(s, 'completed');
      return [{ type: 'UploadCompleted', data: cmd.data }];
    case 'AbortUpload':
      if (s.status === 'aborted' || s.status === 'expired') return [];
      if (s.status !== 'open') throw ended(s, 'aborted');
      return [{ type: 'UploadAborted', data: cmd.data }];
    case 'ExpireUpload':
      // Only an open upload past its time expires; anything else is left as it is (the sweep may race a completion).
      if (s.status !== 'open' || Date.parse(s.upload!.expiresAt) > Date.parse(cmd.data.at)) return [];
      return [{ type: 'UploadExpired', data: cmd.data }];
    default: {
      const exhaustive: never = cmd;
      return exhaustive;
    }
  }
};

export const uploadDecider: Decider<UploadState, UploadCommand, UploadEvent> = { initial: initialUpload, evolve: evolveUpload, decide: decideUpload };
