import { describe, expect, test } from 'bun:test';
import { fakeDetect, filmstrip, refused, source, timeline } from '../../test/detect-setup-fixtures.ts';
import { createTimelineBuilderStore, createTimelineListStore } from './timeline-builder.ts';

const sources = [source({ id: 'a1', duration: 60 }), source({ id: 'a2', key: 'b.mp4', duration: 30 })];

const setup = (over: Parameters<typeof fakeDetect>[0] = {}, id: string | null = null) => {
  const fake = fakeDetect({
    sources: async () => ({ items: sources, total: 2 }),
    filmstrip: async (assetId, q) => filmstrip(assetId, q?.count ?? 4),
    createTimeline: async (t) => timeline({ id: 'new', ...t }),
    updateTimeline: async (tid, t) => timeline({ id: tid, ...t, updatedAt: '2026-02-02T00:00:00Z' }),
    timeline: async () => timeline({ picks: [{ assetId: 'a2', start: 1, end: 5 }] }),
    frameCache: async (tid) => ({ timelineId: tid, frames: 240, bytes: 12_000_000, sets: [] }),
    ...over,
  });
  return { ...fake, store: createTimelineBuilderStore(fake.api, id) };
};

describe('timeline builder store', () => {
  test('a new timeline: mark, adjust, reorder, then save creates it with the picks in order', async () => {
    const { store, callsOf } = setup();
    await store.load();
    expect(store.sources.items().map((s) => s.id)).toEqual(['a1', 'a2']);
    expect(callsOf('frameCache')).toEqual([]); // nothing cached before it exists
    store.choose('a1');
    await store.loadFilmstrip('a1', 8);
    expect(callsOf('filmstrip')).toEqual([['a1', { count: 8, height: 54 }]]);
    expect(store.mark('a1', 12.34, 3.01)).toBe(0);
    store.mark('a2', 25, 40); // clamped to the asset's 30 s
    expect(store.picks()).toEqual([
      { assetId: 'a1', start: 3, end: 12.3 },
      { assetId: 'a2', start: 25, end: 30 },
    ]);
    store.moveEdge(0, 'end', 99);
    expect(store.picks()[0]!.end).toBe(60);
    store.movePick(1, 0);
    expect(store.duration()).toBe(62);
    store.setName('  Derby  ');
    expect(await store.save()).toBe('new');
    expect(callsOf('createTimeline')).toEqual([
      [
        {
          name: 'Derby',
          picks: [
            { assetId: 'a2', start: 25, end: 30 },
            { assetId: 'a1', start: 3, end: 60 },
          ],
        },
      ],
    ]);
    // Saved once, the next save updates.
    expect(store.id()).toBe('new');
    await store.save();
    expect(callsOf('updateTimeline').length).toBe(1);
    expect(callsOf('updateTimeline')[0]![0]).toBe('new');
  });

  test('nothing is sent while a field is wrong; the messages then follow the edits', async () => {
    const { store, callsOf } = setup();
    await store.load();
    expect(await store.save()).toBeNull();
    expect(store.errors()).toEqual({ name: 'Give the timeline a name.', picks: 'Add at least one pick: mark a range on a filmstrip.' });
    store.setName('x');
    store.mark('a2', 1, 2);
    store.setEdge(0, 'end', 31);
    expect(store.errors()).toEqual({ 'picks[0].end': 'The end is past the end of the asset (0:30).' });
    store.setEdge(0, 'end', 30);
    expect(store.errors()).toEqual({});
    expect(callsOf('createTimeline')).toEqual([]);
  });

  test("the server's refusal is shown at the pick it names, and goes once the picks change", async () => {
    const { store } = setup({
      createTimeline: async () => Promise.reject(refused('picks[1].end: 29 s is past the end of the asset (28.5 s)')),
    });
    await store.load();
    store.setName('x');
    store.mark('a1', 0, 5);
    store.mark('a2', 0, 29);
    expect(await store.save()).toBeNull();
    expect(store.errors()).toEqual({ 'picks[1].end': '29 s is past the end of the asset (28.5 s).' });
    expect(store.error()).toBeNull();
    store.movePick(1, 0);
    expect(store.errors()).toEqual({});
  });

  test('a refusal naming no field it shows goes to the form line', async () => {
    const { store } = setup({ createTimeline: async () => Promise.reject(refused('picks[7].assetId: no asset zz')) });
    await store.load();
    store.setName('x');
    store.mark('a1', 0, 5);
    await store.save();
    expect(store.error()).toBe('picks[7].assetId: no asset zz.');
  });

  test('an existing timeline: its picks choose their assets; the frame cache can be dropped; it can be deleted', async () => {
    let frames = 240;
    const { store, callsOf } = setup(
      {
        frameCache: async (tid) => ({ timelineId: tid, frames, bytes: frames * 50_000, sets: [] }),
        clearFrameCache: async () => {
          frames = 0;
          return { removed: 3 };
        },
        deleteTimeline: async () => null,
      },
      't1',
    );
    await store.load();
    expect(store.name()).toBe('Derby first half');
    expect(store.chosen()).toEqual(['a2']);
    expect(store.cache()?.frames).toBe(240);
    expect(await store.dropCache()).toBe(true);
    expect(callsOf('clearFrameCache')).toEqual([['t1']]);
    expect(store.cache()?.frames).toBe(0);
    expect(await store.remove()).toBe(true);
    expect(store.deleted()).toBe(true);
    expect(callsOf('deleteTimeline')).toEqual([['t1']]);
  });

  test('a failing filmstrip or chunk list is an error on that asset only', async () => {
    const { store } = setup({
      filmstrip: async () => Promise.reject(new Error('no sprite for a1')),
      sourceChunks: async (jobId) => ({ jobId, assetId: 'a1', chunks: [] }),
    });
    await store.load();
    await store.loadFilmstrip('a1', 4);
    expect(store.filmstrip('a1')).toEqual({ state: 'error', error: 'No sprite for a1.' });
    await store.loadChunks('j1');
    expect(store.chunksOf('j1')).toEqual({ state: 'ready', value: [] });
  });

  test('an asset not on the loaded page takes its length from its filmstrip', async () => {
    const { store } = setup({ filmstrip: async (assetId) => filmstrip(assetId, 4, 20) });
    await store.load();
    await store.loadFilmstrip('zz', 4);
    expect(store.durationOf('zz')).toBeNull();
    expect(store.stripDuration('zz')).toBe(20);
    store.mark('zz', 18, 40);
    expect(store.picks()).toEqual([{ assetId: 'zz', start: 18, end: 20 }]);
  });
});

describe('timeline list store', () => {
  test('pages through the timelines', async () => {
    const fake = fakeDetect({ timelines: async () => ({ items: [timeline()], total: 1 }) });
    const list = createTimelineListStore(fake.api);
    await list.load();
    expect(list.items().map((t) => t.id)).toEqual(['t1']);
    expect(fake.callsOf('timelines')).toEqual([[{ limit: 50, offset: 0 }]]);
  });
});
