import { describe, expect, test } from 'bun:test';
import type { ProfileDto, ProfileInput } from '../detect-api.ts';
import { fakeDetect, profile, refused, STAGES } from '../../test/detect-setup-fixtures.ts';
import { createProfilesStore } from './detect-profiles.ts';

const BUILTIN = profile();
const MINE = profile({ name: 'mine', builtIn: false, basedOn: 'soccer_broadcast', createdAt: '2026-01-02T00:00:00Z' });

const setup = (over: Parameters<typeof fakeDetect>[0] = {}) => {
  const fake = fakeDetect({
    profiles: async () => [BUILTIN, MINE],
    stages: async () => STAGES,
    updateProfile: async (name, body) => ({
      ...MINE,
      name,
      description: body.description ?? '',
      pipeline: { stages: body.pipeline.stages, edges: (body.pipeline.edges ?? []) as ProfileDto['pipeline']['edges'] },
      configs: body.configs ?? {},
    }),
    duplicateProfile: async (name, copy) => ({ ...profile({ name: copy, builtIn: false, basedOn: name }) }),
    createProfile: async (p: ProfileInput) =>
      profile({ name: p.name, builtIn: false, description: '', pipeline: { stages: p.pipeline.stages, edges: [] }, configs: {} }),
    deleteProfile: async () => null,
    ...over,
  });
  return { ...fake, store: createProfilesStore(fake.api) };
};

describe('profiles store', () => {
  test('opens the first user profile; a built-in is read-only and edits do nothing', async () => {
    const { store } = setup();
    await store.load();
    expect(store.selected()).toBe('mine');
    expect(store.readOnly()).toBe(false);
    store.open('soccer_broadcast');
    expect(store.readOnly()).toBe(true);
    store.setDescription('changed');
    expect(store.draft()!.description).toBe('Football on TV');
  });

  test('saves the description, the stages, the edges and only the settings that differ from the defaults', async () => {
    const { store, callsOf } = setup();
    await store.load();
    store.setDescription('Night games');
    store.removeStage(1); // segment_field
    store.addStage('escalate_vlm');
    store.addEdge();
    store.setEdge(0, { from: 'match_brands', to: 'escalate_vlm', flow: 'unresolved' });
    store.setValue('ocr', 'det_width', 1280);
    store.setValue('match_brands', 'min_similarity', 0.75); // back to the default: not saved
    expect(store.dirty()).toBe(true);
    expect(await store.save()).toBe(true);
    expect(callsOf('updateProfile')).toEqual([
      [
        'mine',
        {
          description: 'Night games',
          pipeline: {
            stages: ['extract_frames', 'ocr', 'match_brands', 'escalate_vlm', 'compile_report'],
            edges: [{ from: 'match_brands', to: 'escalate_vlm', flow: 'unresolved' }],
          },
          configs: { ocr: { det_width: 1280 } },
        },
      ],
    ]);
    expect(store.dirty()).toBe(false);
    expect(store.profiles().find((p) => p.name === 'mine')!.description).toBe('Night games');
  });

  test('a bad setting is named at its field and nothing is sent; a reset clears it', async () => {
    const { store, callsOf } = setup();
    await store.load();
    store.setValue('ocr', 'det_width', 99);
    expect(await store.save()).toBe(false);
    expect(store.errors()).toEqual({ 'configs.ocr.det_width': 'Must be at least 320.' });
    store.resetValue('ocr', 'det_width');
    expect(store.errors()).toEqual({});
    expect(callsOf('updateProfile')).toEqual([]);
  });

  test("the server's refusal goes to the field it names; an item of a list to the list", async () => {
    let answer = 'configs.segment_field.hue[1]: must be at most 180, got 200';
    const { store } = setup({ updateProfile: async () => Promise.reject(refused(answer)) });
    await store.load();
    await store.save();
    expect(store.errors()).toEqual({ 'configs.segment_field.hue': 'Must be at most 180, got 200.' });
    expect(store.formError()).toBeNull();
    answer = 'pipeline.edges: a cycle: ocr → match_brands → ocr';
    await store.save();
    expect(store.errors()).toEqual({ 'pipeline.edges': 'A cycle: ocr → match_brands → ocr.' });
    answer = '"soccer_broadcast" is a built-in profile and cannot change';
    await store.save();
    expect(store.formError()).toBe('"soccer_broadcast" is a built-in profile and cannot change.');
  });

  test('duplicate checks the name, then opens the copy; delete takes a user profile away', async () => {
    const { store, callsOf } = setup();
    await store.load();
    expect(await store.duplicate('soccer_broadcast', 'Mine!')).toBe(false);
    expect(store.copyError()).toBe('Lower-case letters, digits, - and _, starting with a letter or digit, at most 64.');
    expect(await store.duplicate('soccer_broadcast', 'mine')).toBe(false);
    expect(store.copyError()).toBe('There is already a profile called mine.');
    expect(await store.duplicate('soccer_broadcast', 'night')).toBe(true);
    expect(callsOf('duplicateProfile')).toEqual([['soccer_broadcast', 'night']]);
    expect(store.selected()).toBe('night');
    expect(store.readOnly()).toBe(false);
    expect(await store.remove()).toBe(true);
    expect(callsOf('deleteProfile')).toEqual([['night']]);
    expect(store.profiles().map((p) => p.name)).toEqual(['soccer_broadcast', 'mine']);
    expect(store.selected()).toBe('soccer_broadcast');
  });

  test('a new profile starts from every available stage', async () => {
    const { store, callsOf } = setup();
    await store.load();
    expect(await store.create('plain')).toBe(true);
    expect(callsOf('createProfile')).toEqual([
      [{ name: 'plain', description: '', pipeline: { stages: ['extract_frames', 'segment_field', 'ocr', 'match_brands', 'compile_report'] } }],
    ]);
    expect(store.selected()).toBe('plain');
  });
});
