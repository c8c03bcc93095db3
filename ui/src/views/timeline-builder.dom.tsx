/** Component tests for the timeline builder and list (DOM: happy-dom; ui/test/run-dom.sh). */
import { describe, expect, test } from 'bun:test';
import { fireEvent, render, waitFor } from '@solidjs/testing-library';
import type { Pick } from '../../../src/types/detect-setup.ts';
import { fakeDetect, filmstrip, refused, source, timeline } from '../../test/detect-setup-fixtures.ts';
import { createTimelineBuilderStore, createTimelineListStore } from '../stores/timeline-builder.ts';
import { TimelineBuilder } from './timeline-builder.tsx';
import { TimelineList } from './timeline-list.tsx';

const SOURCES = [
  source({
    id: 'a1',
    key: 'matches/derby.mp4',
    duration: 60,
    jobs: [{ id: 'j1', kind: 'transcode', status: 'COMPLETED', presetName: 'HLS ladder', createdAt: '' }],
  }),
  source({ id: 'a2', key: 'matches/cup-final.mp4', duration: 30 }),
];

const mount = async (over: Parameters<typeof fakeDetect>[0] = {}, id: string | null = null) => {
  const fake = fakeDetect({
    sources: async () => ({ items: SOURCES, total: SOURCES.length }),
    filmstrip: async (assetId, q) => filmstrip(assetId, q?.count ?? 4, assetId === 'a1' ? 60 : 30),
    createTimeline: async (t) => timeline({ id: 't-new', ...t }),
    updateTimeline: async (tid, t) => timeline({ id: tid, ...t }),
    ...over,
  });
  const store = createTimelineBuilderStore(fake.api, id);
  await store.load();
  const saved: string[] = [];
  const view = render(() => <TimelineBuilder store={store} onSaved={(x) => saved.push(x)} />);
  return { ...view, ...fake, store, saved };
};

const q = (root: ParentNode, sel: string) => root.querySelector(sel) as HTMLElement;
const all = (root: ParentNode, sel: string) => [...root.querySelectorAll(sel)] as HTMLElement[];
const field = (root: ParentNode, path: string) => q(root, `[data-field="${path}"]`) as HTMLInputElement;
const errorFor = (root: ParentNode, path: string) => root.querySelector(`[data-error-for="${path}"]`)?.textContent ?? null;

/** The strip as the browser lays it out: 600 px wide from x = 100. */
const layOut = (track: HTMLElement) => {
  track.getBoundingClientRect = () => ({ x: 100, y: 0, left: 100, top: 0, right: 700, bottom: 54, width: 600, height: 54, toJSON: () => ({}) }) as DOMRect;
};

const chooseA1 = async (container: HTMLElement) => {
  fireEvent.click(q(container, '[data-testid="source-pick"][data-asset="a1"]'));
  await waitFor(() => expect(q(container, '[data-testid="filmstrip"][data-asset="a1"] img')).not.toBeNull());
  const track = q(container, '[data-testid="filmstrip"][data-asset="a1"] .filmstrip-track');
  layOut(track);
  return track;
};

const picksShown = (root: ParentNode): Pick[] =>
  all(root, '[data-testid="pick-row"]').map((row) => ({
    assetId: row.querySelector('.pick-source')!.textContent!.startsWith('derby') ? 'a1' : 'a2',
    start: Number((row.querySelector('[data-testid="pick-start"]') as HTMLInputElement).value),
    end: Number((row.querySelector('[data-testid="pick-end"]') as HTMLInputElement).value),
  }));

describe('timeline builder: marking ranges', () => {
  test('a picked source shows its filmstrip; hovering tells the time; a drag marks a snapped range that becomes a pick', async () => {
    const { container, callsOf } = await mount();
    const track = await chooseA1(container);
    expect(q(container, '[data-testid="source-pick"][data-asset="a1"]').getAttribute('aria-pressed')).toBe('true');
    expect((q(track, 'img') as HTMLImageElement).getAttribute('src')).toBe('/media/a1/strip.jpg');
    expect(callsOf('filmstrip')[0]![1]).toMatchObject({ height: 54 });

    fireEvent.pointerMove(track, { clientX: 250 }); // 150 px of 600 over 60 s
    expect(q(track, '[data-testid="filmstrip-time"]').textContent).toBe('0:15');

    fireEvent.pointerDown(track, { clientX: 160, button: 0, pointerId: 1 });
    fireEvent.pointerMove(track, { clientX: 302, pointerId: 1 });
    expect(q(track, '[data-testid="filmstrip-draft"]')).not.toBeNull();
    fireEvent.pointerUp(track, { clientX: 302, pointerId: 1 });

    expect(picksShown(container)).toEqual([{ assetId: 'a1', start: 6, end: 20.2 }]);
    const range = q(track, '[data-testid="filmstrip-range"]');
    expect(range.dataset.index).toBe('0');
    expect(range.style.left).toBe('10%');
    expect(q(container, '[data-testid="timeline-duration"]').textContent).toContain('1 pick');
  });

  test('click, then click again, marks the range between; a handle dragged adjusts one edge', async () => {
    const { container } = await mount();
    const track = await chooseA1(container);
    fireEvent.pointerDown(track, { clientX: 400, pointerId: 1 });
    fireEvent.pointerUp(track, { clientX: 400, pointerId: 1 });
    expect(all(container, '[data-testid="pick-row"]').length).toBe(0);
    expect(container.textContent).toContain('From 0:30: click where it ends');
    fireEvent.pointerDown(track, { clientX: 250, pointerId: 1 });
    fireEvent.pointerUp(track, { clientX: 250, pointerId: 1 });
    expect(picksShown(container)).toEqual([{ assetId: 'a1', start: 15, end: 30 }]);

    fireEvent.pointerDown(q(track, '[data-testid="filmstrip-handle-end"]'), { clientX: 400, pointerId: 2 });
    fireEvent.pointerMove(track, { clientX: 640, pointerId: 2 });
    fireEvent.pointerUp(track, { clientX: 640, pointerId: 2 });
    expect(picksShown(container)).toEqual([{ assetId: 'a1', start: 15, end: 54 }]);
    // The arrow keys nudge a focused handle by a tenth of a second.
    fireEvent.keyDown(q(track, '[data-testid="filmstrip-handle-start"]'), { key: 'ArrowLeft' });
    expect(picksShown(container)[0]!.start).toBe(14.9);
  });

  test("a transcode's chunk adds as a pick in one click", async () => {
    const { container } = await mount({
      sourceChunks: async (jobId) => ({
        jobId,
        assetId: 'a1',
        chunks: [{ n: 0, start: 0, end: 12, done: true, thumbs: ['/t/0.jpg'], pick: { assetId: 'a1', start: 0, end: 12 } }],
      }),
    });
    fireEvent.click(q(container, '[data-testid="source-job"][data-job="j1"]'));
    await waitFor(() => expect(q(container, '[data-testid="add-chunk"]')).not.toBeNull());
    expect(q(container, '[data-testid="chunk-pick"] img').getAttribute('src')).toBe('/t/0.jpg');
    fireEvent.click(q(container, '[data-testid="add-chunk"]'));
    expect(picksShown(container)).toEqual([{ assetId: 'a1', start: 0, end: 12 }]);
    expect(q(container, '[data-testid="filmstrip"][data-asset="a1"]')).not.toBeNull();
  });
});

describe('timeline builder: the picks list and saving', () => {
  test('typed fields are checked at the field before anything is sent; then Save creates the timeline', async () => {
    const { container, callsOf, saved, store } = await mount();
    store.mark('a2', 1, 5);
    store.mark('a1', 10, 20);
    fireEvent.click(q(container, '[data-testid="save-timeline"]'));
    expect(errorFor(container, 'name')).toBe('Give the timeline a name.');

    fireEvent.input(field(container, 'name'), { target: { value: 'Derby mix' } });
    fireEvent.input(field(container, 'picks[0].end'), { target: { value: '31' } });
    fireEvent.input(field(container, 'picks[1].start'), { target: { value: '' } });
    fireEvent.click(q(container, '[data-testid="save-timeline"]'));
    await Promise.resolve();
    expect(errorFor(container, 'name')).toBeNull();
    expect(errorFor(container, 'picks[0].end')).toBe('The end is past the end of the asset (0:30).');
    expect(errorFor(container, 'picks[1].start')).toBe('The start must be a number of seconds, 0 or more.');
    expect(q(container, '[data-testid="pick-row"][data-index="0"]').classList.contains('invalid')).toBe(true);
    expect(callsOf('createTimeline')).toEqual([]);

    fireEvent.input(field(container, 'picks[0].end'), { target: { value: '30' } });
    fireEvent.input(field(container, 'picks[1].start'), { target: { value: '12.5' } });
    expect(errorFor(container, 'picks[0].end')).toBeNull();
    fireEvent.click(q(container, '[data-testid="save-timeline"]'));
    await waitFor(() => expect(saved).toEqual(['t-new']));
    expect(callsOf('createTimeline')).toEqual([
      [
        {
          name: 'Derby mix',
          picks: [
            { assetId: 'a2', start: 1, end: 30 },
            { assetId: 'a1', start: 12.5, end: 20 },
          ],
        },
      ],
    ]);
  });

  test("the server's refusal is shown at the pick it names; a refusal naming nothing shown goes on the form", async () => {
    let answer = 'picks[1].end: 20 s is past the end of the asset (19.5 s)';
    const { container, store } = await mount({ createTimeline: async () => Promise.reject(refused(answer)) });
    store.setName('x');
    store.mark('a2', 1, 5);
    store.mark('a1', 10, 20);
    fireEvent.click(q(container, '[data-testid="save-timeline"]'));
    await waitFor(() => expect(errorFor(container, 'picks[1].end')).toBe('20 s is past the end of the asset (19.5 s).'));
    expect(q(container, '[data-testid="timeline-error"]')).toBeNull();

    answer = 'body: unknown field (name, picks)';
    fireEvent.click(q(container, '[data-testid="save-timeline"]'));
    await waitFor(() => expect(q(container, '[data-testid="timeline-error"]')?.textContent).toContain('body: unknown field (name, picks).'));
    expect(errorFor(container, 'picks[1].end')).toBeNull();
  });

  test('up, down, remove, and a grip dragged onto another row reorder the picks', async () => {
    const { container, store } = await mount();
    store.mark('a1', 0, 1);
    store.mark('a1', 2, 3);
    store.mark('a2', 4, 5);
    const starts = () => picksShown(container).map((p) => p.start);
    expect(starts()).toEqual([0, 2, 4]);
    expect((q(container, '[data-testid="pick-row"][data-index="0"] [data-testid="pick-up"]') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(q(container, '[data-testid="pick-row"][data-index="0"] [data-testid="pick-down"]'));
    expect(starts()).toEqual([2, 0, 4]);
    fireEvent.click(q(container, '[data-testid="pick-row"][data-index="2"] [data-testid="pick-up"]'));
    expect(starts()).toEqual([2, 4, 0]);

    const grip = q(container, '[data-testid="pick-row"][data-index="2"] [data-testid="pick-grip"]');
    fireEvent.dragStart(grip);
    fireEvent.dragOver(q(container, '[data-testid="pick-row"][data-index="0"]'));
    fireEvent.drop(q(container, '[data-testid="pick-row"][data-index="0"]'));
    expect(starts()).toEqual([0, 2, 4]);

    fireEvent.click(q(container, '[data-testid="pick-row"][data-index="1"] [data-testid="pick-remove"]'));
    expect(starts()).toEqual([0, 4]);
    expect(q(container, '[data-testid="timeline-duration"]').textContent).toContain('2 picks');
  });
});

describe('an existing timeline', () => {
  test('loads its picks and frame cache; Drop cache and Delete both ask first', async () => {
    let frames = 240;
    const { container, callsOf, saved } = await mount(
      {
        timeline: async () => timeline({ id: 't1', picks: [{ assetId: 'a2', start: 0, end: 10 }] }),
        frameCache: async (tid) => ({
          timelineId: tid,
          frames,
          bytes: frames * 50_000,
          sets: frames ? [{ fps: 2, width: 1280, height: 720, frames, bytes: frames * 50_000 }] : [],
        }),
        clearFrameCache: async () => {
          frames = 0;
          return { removed: 240 };
        },
        deleteTimeline: async () => null,
      },
      't1',
    );
    expect(field(container, 'name').value).toBe('Derby first half');
    expect(q(container, '[data-testid="filmstrip"][data-asset="a2"]')).not.toBeNull();
    const cache = q(container, '[data-testid="frame-cache"]');
    expect(cache.dataset.frames).toBe('240');
    expect(cache.textContent).toContain('240 frames · 11.4 MB');
    expect(q(cache, '[data-testid="cache-set"]').textContent).toContain('1280×720');

    fireEvent.click(q(container, '[data-testid="drop-cache"]'));
    expect(callsOf('clearFrameCache')).toEqual([]);
    fireEvent.click(q(container, '[data-testid="confirm-drop-cache"]'));
    await waitFor(() => expect(q(container, '[data-testid="frame-cache"]').dataset.frames).toBe('0'));
    expect(callsOf('clearFrameCache')).toEqual([['t1']]);

    fireEvent.click(q(container, '[data-testid="save-timeline"]'));
    await waitFor(() => expect(saved).toEqual(['t1']));
    expect(callsOf('updateTimeline')[0]![0]).toBe('t1');

    fireEvent.click(q(container, '[data-testid="delete-timeline"]'));
    fireEvent.click(q(container, '[data-testid="confirm-delete-timeline"]'));
    await waitFor(() => expect(q(container, '[data-testid="timeline-deleted"]')).not.toBeNull());
    expect(callsOf('deleteTimeline')).toEqual([['t1']]);
  });
});

describe('timeline list', () => {
  test('rows link to the builder with picks and duration; New timeline opens an empty one', async () => {
    const fake = fakeDetect({
      timelines: async () => ({
        items: [
          timeline({
            id: 't 1',
            duration: 95,
            picks: [
              { assetId: 'a1', start: 0, end: 60 },
              { assetId: 'a2', start: 0, end: 35 },
            ],
          }),
        ],
        total: 1,
      }),
    });
    const store = createTimelineListStore(fake.api);
    await store.load();
    const { container } = render(() => <TimelineList store={store} />);
    const row = q(container, '[data-testid="timeline-row"]');
    expect(row.dataset.id).toBe('t 1');
    expect(q(row, 'a').getAttribute('href')).toBe('#/detect/timelines/t%201');
    expect(q(row, '[data-label="Picks"]').textContent).toBe('2');
    expect(q(row, '[data-label="Duration"]').textContent).toBe('1:35');
    expect(q(container, '[data-testid="new-timeline"]').getAttribute('href')).toBe('#/detect/timelines/new');
  });
});
