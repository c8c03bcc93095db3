/**
 * Read models of what detection runs are set up from: user profiles (the
 * built-ins are merged in by whoever lists them), timelines and brand lists.
 */
import type { Database } from 'bun:sqlite';
import { streamId, streamKind } from '../events/index.ts';
import type { Brand, BrandList, Pick, Profile, Timeline } from '../types/detect-setup.ts';
import { DELETE, type Projection } from './projection.ts';
import { defineTable } from './table.ts';

export interface ProfileView {
  name: string;
  profile: Profile;
  created_at: string;
  updated_at: string;
}

export const profilesTable = defineTable<ProfileView>({
  name: 'detect_profiles',
  key: ['name'],
  columns: { name: 'TEXT', profile: 'JSON', created_at: 'TEXT', updated_at: 'TEXT' },
});

export const profilesProjection: Projection<ProfileView> = {
  name: 'detect_profiles',
  version: 1,
  table: profilesTable,
  keyOf: (e) => (streamKind(e.stream) === 'profile' ? [streamId(e.stream)] : null),
  fold: (v, e) => {
    switch (e.type) {
      case 'ProfileCreated':
        return { name: e.data.profile.name, profile: e.data.profile, created_at: e.data.at, updated_at: e.data.at };
      case 'ProfileUpdated':
        return v && { ...v, profile: e.data.profile, updated_at: e.data.at };
      case 'ProfileDeleted':
        return v ? DELETE : null;
      default:
        return null;
    }
  },
};

export interface TimelineView {
  id: string;
  name: string;
  picks: Pick[];
  duration: number;
  created_by: string;
  created_at: string;
  updated_at: string;
}

const durationOf = (picks: readonly Pick[]) => Math.round(picks.reduce((sum, p) => sum + (p.end - p.start), 0) * 1000) / 1000;

export const timelinesTable = defineTable<TimelineView>({
  name: 'detect_timelines',
  key: ['id'],
  columns: { id: 'TEXT', name: 'TEXT', picks: 'JSON', duration: 'REAL', created_by: 'TEXT', created_at: 'TEXT', updated_at: 'TEXT' },
  indexes: [['created_at']],
});

export const timelinesProjection: Projection<TimelineView> = {
  name: 'detect_timelines',
  version: 1,
  table: timelinesTable,
  keyOf: (e) => (streamKind(e.stream) === 'timeline' ? [streamId(e.stream)] : null),
  fold: (v, e) => {
    switch (e.type) {
      case 'TimelineCreated': {
        const d = e.data;
        return { id: d.timelineId, name: d.name, picks: d.picks, duration: durationOf(d.picks), created_by: d.createdBy, created_at: d.at, updated_at: d.at };
      }
      case 'TimelineUpdated':
        return v && { ...v, name: e.data.name, picks: e.data.picks, duration: durationOf(e.data.picks), updated_at: e.data.at };
      case 'TimelineDeleted':
        return v ? DELETE : null;
      default:
        return null;
    }
  },
};

export interface BrandListView {
  id: string;
  name: string;
  brands: Brand[];
  created_by: string;
  created_at: string;
  updated_at: string;
}

export const brandListsTable = defineTable<BrandListView>({
  name: 'detect_brand_lists',
  key: ['id'],
  columns: { id: 'TEXT', name: 'TEXT', brands: 'JSON', created_by: 'TEXT', created_at: 'TEXT', updated_at: 'TEXT' },
  indexes: [['name']],
});

export const brandListsProjection: Projection<BrandListView> = {
  name: 'detect_brand_lists',
  version: 1,
  table: brandListsTable,
  keyOf: (e) => (streamKind(e.stream) === 'brands' ? [streamId(e.stream)] : null),
  fold: (v, e) => {
    switch (e.type) {
      case 'BrandListCreated': {
        const d = e.data;
        return { id: d.listId, name: d.name, brands: d.brands, created_by: d.createdBy, created_at: d.at, updated_at: d.at };
      }
      case 'BrandListUpdated':
        return v && { ...v, name: e.data.name, brands: e.data.brands, updated_at: e.data.at };
      case 'BrandListDeleted':
        return v ? DELETE : null;
      default:
        return null;
    }
  },
};

export const findProfile = (db: Database, name: string): ProfileView | null => profilesTable.load(db, [name]);
export const listProfiles = (db: Database): ProfileView[] => profilesTable.select(db, 'ORDER BY name');
export const findTimeline = (db: Database, id: string): TimelineView | null => timelinesTable.load(db, [id]);
export const listTimelines = (db: Database, page: { limit: number; offset: number }) => ({
  rows: timelinesTable.select(db, 'ORDER BY created_at DESC, id LIMIT ? OFFSET ?', [page.limit, page.offset]),
  total: timelinesTable.count(db, ''),
});
export const findBrandList = (db: Database, id: string): BrandListView | null => brandListsTable.load(db, [id]);
export const listBrandLists = (db: Database, page: { limit: number; offset: number }) => ({
  rows: brandListsTable.select(db, 'ORDER BY name, id LIMIT ? OFFSET ?', [page.limit, page.offset]),
  total: brandListsTable.count(db, ''),
});

export const timelineDto = (v: TimelineView): Timeline => ({
  id: v.id,
  name: v.name,
  picks: v.picks,
  duration: v.duration,
  createdBy: v.created_by,
  createdAt: v.created_at,
  updatedAt: v.updated_at,
});

export const brandListDto = (v: BrandListView): BrandList => ({
  id: v.id,
  name: v.name,
  brands: v.brands,
  createdBy: v.created_by,
  createdAt: v.created_at,
  updatedAt: v.updated_at,
});
