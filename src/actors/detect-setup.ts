/**
 * The deciders of what a detection run is set up from: a profile, a
 * timeline, a brand list. Each is made once, changed while it exists, and
 * deleted; a change that changes nothing appends nothing. What they hold was
 * checked before the command (the detect kind knows stages and brands).
 */
import { AppError } from '../errors.ts';
import type { BrandListEvent, DetectSettingsEvent, ProfileEvent, TimelineEvent } from '../events/detect-setup.ts';
import type { StoredEvent } from '../events/types.ts';
import type { Brand, DetectSettings, Pick, Profile } from '../types/detect-setup.ts';
import type { Decider } from './decider.ts';

type Status = 'none' | 'active' | 'deleted';
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const exhaustive = (x: never): never => x;

// --- profile:<name> ---

export interface ProfileState {
  status: Status;
  profile: Profile | null;
}

export type ProfileCommand =
  | { type: 'CreateProfile'; data: { profile: Profile; by: string; at: string } }
  | { type: 'UpdateProfile'; data: { profile: Profile; by: string; at: string } }
  | { type: 'DeleteProfile'; data: { name: string; by: string; at: string } };

export const profileDecider: Decider<ProfileState, ProfileCommand, ProfileEvent> = {
  initial: () => ({ status: 'none', profile: null }),
  evolve: (s, ev: StoredEvent<ProfileEvent>) => {
    switch (ev.type) {
      case 'ProfileCreated':
      case 'ProfileUpdated':
        return { status: 'active', profile: ev.data.profile };
      case 'ProfileDeleted':
        return { ...s, status: 'deleted' };
      default:
        return s;
    }
  },
  decide: (cmd, s) => {
    switch (cmd.type) {
      case 'CreateProfile':
        if (s.status === 'active') throw new AppError('conflict', `a profile "${cmd.data.profile.name}" exists already`);
        return [{ type: 'ProfileCreated', data: cmd.data }];
      case 'UpdateProfile':
        if (s.status !== 'active') throw new AppError('not_found', `no profile "${cmd.data.profile.name}"`);
        return same(s.profile, cmd.data.profile) ? [] : [{ type: 'ProfileUpdated', data: cmd.data }];
      case 'DeleteProfile':
        if (s.status !== 'active') throw new AppError('not_found', `no profile "${cmd.data.name}"`);
        return [{ type: 'ProfileDeleted', data: { by: cmd.data.by, at: cmd.data.at } }];
      default:
        return exhaustive(cmd);
    }
  },
};

// --- timeline:<id> ---

export interface TimelineState {
  status: Status;
  id: string;
  name: string;
  picks: Pick[];
}

export type TimelineCommand =
  | { type: 'CreateTimeline'; data: { timelineId: string; name: string; picks: Pick[]; createdBy: string; at: string } }
  | { type: 'UpdateTimeline'; data: { name: string; picks: Pick[]; by: string; at: string } }
  | { type: 'RecordCacheCleared'; data: { removed: number; by: string; at: string } }
  | { type: 'DeleteTimeline'; data: { by: string; at: string } };

export const timelineDecider: Decider<TimelineState, TimelineCommand, TimelineEvent> = {
  initial: () => ({ status: 'none', id: '', name: '', picks: [] }),
  evolve: (s, ev: StoredEvent<TimelineEvent>) => {
    switch (ev.type) {
      case 'TimelineCreated':
        return { status: 'active', id: ev.data.timelineId, name: ev.data.name, picks: ev.data.picks };
      case 'TimelineUpdated':
        return { ...s, name: ev.data.name, picks: ev.data.picks };
      case 'TimelineDeleted':
        return { ...s, status: 'deleted' };
      default:
        return s;
    }
  },
  decide: (cmd, s) => {
    if (cmd.type === 'CreateTimeline') {
      if (s.status !== 'none') throw new AppError('conflict', `timeline ${cmd.data.timelineId} exists already`);
      return [{ type: 'TimelineCreated', data: cmd.data }];
    }
    if (s.status !== 'active') throw new AppError('not_found', 'no such timeline');
    switch (cmd.type) {
      case 'UpdateTimeline':
        return s.name === cmd.data.name && same(s.picks, cmd.data.picks) ? [] : [{ type: 'TimelineUpdated', data: cmd.data }];
      case 'RecordCacheCleared':
        return [{ type: 'TimelineCacheCleared', data: cmd.data }];
      case 'DeleteTimeline':
        return [{ type: 'TimelineDeleted', data: cmd.data }];
      default:
        return exhaustive(cmd);
    }
  },
};

// --- brands:<id> ---

export interface BrandListState {
  status: Status;
  id: string;
  name: string;
  brands: Brand[];
}

export type BrandListCommand =
  | { type: 'CreateBrandList'; data: { listId: string; name: string; brands: Brand[]; createdBy: string; at: string } }
  | { type: 'UpdateBrandList'; data: { name: string; brands: Brand[]; by: string; at: string } }
  | { type: 'DeleteBrandList'; data: { by: string; at: string } };

export const brandListDecider: Decider<BrandListState, BrandListCommand, BrandListEvent> = {
  initial: () => ({ status: 'none', id: '', name: '', brands: [] }),
  evolve: (s, ev: StoredEvent<BrandListEvent>) => {
    switch (ev.type) {
      case 'BrandListCreated':
        return { status: 'active', id: ev.data.listId, name: ev.data.name, brands: ev.data.brands };
      case 'BrandListUpdated':
        return { ...s, name: ev.data.name, brands: ev.data.brands };
      case 'BrandListDeleted':
        return { ...s, status: 'deleted' };
      default:
        return s;
    }
  },
  decide: (cmd, s) => {
    if (cmd.type === 'CreateBrandList') {
      if (s.status !== 'none') throw new AppError('conflict', `brand list ${cmd.data.listId} exists already`);
      return [{ type: 'BrandListCreated', data: cmd.data }];
    }
    if (s.status !== 'active') throw new AppError('not_found', 'no such brand list');
    switch (cmd.type) {
      case 'UpdateBrandList':
        return s.name === cmd.data.name && same(s.brands, cmd.data.brands) ? [] : [{ type: 'BrandListUpdated', data: cmd.data }];
      case 'DeleteBrandList':
        return [{ type: 'BrandListDeleted', data: cmd.data }];
      default:
        return exhaustive(cmd);
    }
  },
};

// --- detect-settings:main ---

export interface DetectSettingsState {
  settings: DetectSettings;
  updatedBy: string | null;
  updatedAt: string | null;
}

export const DEFAULT_DETECT_SETTINGS: Readonly<DetectSettings> = Object.freeze({ defaultProfile: 'generic_broadcast', defaultBrandListId: null });

export type DetectSettingsCommand = { type: 'SetDetectSettings'; data: { settings: DetectSettings; by: string; at: string } };

export const detectSettingsDecider: Decider<DetectSettingsState, DetectSettingsCommand, DetectSettingsEvent> = {
  initial: () => ({ settings: { ...DEFAULT_DETECT_SETTINGS }, updatedBy: null, updatedAt: null }),
  evolve: (s, ev: StoredEvent<DetectSettingsEvent>) =>
    ev.type === 'DetectSettingsChanged' ? { settings: ev.data.settings, updatedBy: ev.data.by, updatedAt: ev.data.at } : s,
  decide: (cmd, s) => (same(s.settings, cmd.data.settings) ? [] : [{ type: 'DetectSettingsChanged', data: cmd.data }]),
};
