/**
 * Events of the streams a detection run is set up from: `profile:<name>`
 * (user profiles; built-ins live in code), `timeline:<id>` (picks of source
 * video, and its frame cache), `brands:<id>` (a brand list), and
 * `detect-settings:main` (detection's defaults). Their contents are checked
 * before a command is made (the detect kind knows the stages
 * and the rules); the deciders keep the lifecycle.
 */
import type { Brand, DetectSettings, Pick, Profile } from '../types/detect-setup.ts';

export type ProfileEvent =
  | { type: 'ProfileCreated'; data: { profile: Profile; by: string; at: string } }
  | { type: 'ProfileUpdated'; data: { profile: Profile; by: string; at: string } }
  | { type: 'ProfileDeleted'; data: { by: string; at: string } };

export type TimelineEvent =
  | { type: 'TimelineCreated'; data: { timelineId: string; name: string; picks: Pick[]; createdBy: string; at: string } }
  | { type: 'TimelineUpdated'; data: { name: string; picks: Pick[]; by: string; at: string } }
  /** Its frame cache was dropped: `removed` objects. */
  | { type: 'TimelineCacheCleared'; data: { removed: number; by: string; at: string } }
  | { type: 'TimelineDeleted'; data: { by: string; at: string } };

export type BrandListEvent =
  | { type: 'BrandListCreated'; data: { listId: string; name: string; brands: Brand[]; createdBy: string; at: string } }
  | { type: 'BrandListUpdated'; data: { name: string; brands: Brand[]; by: string; at: string } }
  | { type: 'BrandListDeleted'; data: { by: string; at: string } };

/** `detect-settings:main`: detection's settings (the defaults a run falls back on). */
export type DetectSettingsEvent = { type: 'DetectSettingsChanged'; data: { settings: DetectSettings; by: string; at: string } };

export const detectSettingsStream = () => 'detect-settings:main';
export const profileStream = (name: string) => `profile:${name}`;
export const timelineStream = (id: string) => `timeline:${id}`;
export const brandListStream = (id: string) => `brands:${id}`;
