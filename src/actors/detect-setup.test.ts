import { describe, expect, test } from 'bun:test';
import type { BrandListEvent, ProfileEvent, TimelineEvent } from '../events/detect-setup.ts';
import type { Profile } from '../types/detect-setup.ts';
import { given } from './decider.ts';
import { brandListDecider, DEFAULT_DETECT_SETTINGS, detectSettingsDecider, profileDecider, timelineDecider } from './detect-setup.ts';

const at = '2026-01-01T00:00:00.000Z';
const profile: Profile = { name: 'p', description: '', pipeline: { stages: ['extract_frames'], edges: [] }, configs: {}, basedOn: null };
const created: ProfileEvent = { type: 'ProfileCreated', data: { profile, by: 'u', at } };

describe('setup deciders', () => {
  test('a profile is made once, changed only when it differs, deleted once', () => {
    expect(given(profileDecider, []).when({ type: 'CreateProfile', data: { profile, by: 'u', at } }).events).toEqual([created]);
    expect(given(profileDecider, [created]).when({ type: 'CreateProfile', data: { profile, by: 'u', at } }).error).toMatchObject({ code: 'conflict' });
    expect(given(profileDecider, [created]).when({ type: 'UpdateProfile', data: { profile, by: 'u', at } }).events).toEqual([]);
    const changed = { ...profile, description: 'new' };
    expect(given(profileDecider, [created]).when({ type: 'UpdateProfile', data: { profile: changed, by: 'u', at } }).events).toHaveLength(1);
    const deleted: ProfileEvent = { type: 'ProfileDeleted', data: { by: 'u', at } };
    expect(given(profileDecider, [created, deleted]).when({ type: 'DeleteProfile', data: { name: 'p', by: 'u', at } }).error).toMatchObject({
      code: 'not_found',
    });
    // A deleted name can be made again.
    expect(given(profileDecider, [created, deleted]).when({ type: 'CreateProfile', data: { profile, by: 'u', at } }).events).toEqual([created]);
  });

  test('a timeline records cache clears and refuses changes once deleted', () => {
    const made: TimelineEvent = {
      type: 'TimelineCreated',
      data: { timelineId: 't', name: 'n', picks: [{ assetId: 'a', start: 0, end: 1 }], createdBy: 'u', at },
    };
    expect(given(timelineDecider, [made]).when({ type: 'RecordCacheCleared', data: { removed: 3, by: 'u', at } }).events).toHaveLength(1);
    const gone: TimelineEvent = { type: 'TimelineDeleted', data: { by: 'u', at } };
    expect(given(timelineDecider, [made, gone]).when({ type: 'UpdateTimeline', data: { name: 'x', picks: [], by: 'u', at } }).error).toMatchObject({
      code: 'not_found',
    });
  });

  test('a brand list changes only when it differs', () => {
    const made: BrandListEvent = {
      type: 'BrandListCreated',
      data: { listId: 'b', name: 'n', brands: [{ name: 'Z', aliases: [], images: [] }], createdBy: 'u', at },
    };
    const same = { name: 'n', brands: [{ name: 'Z', aliases: [], images: [] }], by: 'u', at };
    expect(given(brandListDecider, [made]).when({ type: 'UpdateBrandList', data: same }).events).toEqual([]);
    expect(given(brandListDecider, [made]).when({ type: 'UpdateBrandList', data: { ...same, name: 'm' } }).events).toHaveLength(1);
  });

  test('detection settings start at their defaults and change only when they differ', () => {
    const same = { settings: { ...DEFAULT_DETECT_SETTINGS }, by: 'u', at };
    expect(given(detectSettingsDecider, []).when({ type: 'SetDetectSettings', data: same }).events).toEqual([]);
    const next = { ...same, settings: { defaultProfile: 'mine', defaultBrandListId: 'b' } };
    const changed = given(detectSettingsDecider, []).when({ type: 'SetDetectSettings', data: next });
    expect(changed.events).toEqual([{ type: 'DetectSettingsChanged', data: next }]);
    expect(given(detectSettingsDecider, changed.events!).state).toEqual({ settings: next.settings, updatedBy: 'u', updatedAt: at });
  });
});
