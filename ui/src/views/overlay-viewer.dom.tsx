/** Component tests for the overlay viewer: layers, stepping, jumps, a compared run, refusals, the source from a frame (DOM: happy-dom). */
import { afterEach, describe, expect, test } from 'bun:test';
import { cleanup, fireEvent, render, waitFor } from '@solidjs/testing-library';
import { fakeOverlayApi, type OverlayAsk as Ask, reportInterval, trackObjectUrls } from '../../test/detect-fixtures.ts';
import { ApiError } from '../api.ts';
import { createOverlayStore } from '../stores/overlays.ts';
import { OverlayViewer } from './overlay-viewer.tsx';

// The library's own cleanup hook only covers the first test file of a run: unmount here, or a view (and its key listener) outlives its test.
afterEach(cleanup);

const { urls } = trackObjectUrls();
const PICKS = [
  { assetId: 'a', start: 100, end: 104 },
  { assetId: 'b', start: 20, end: 60 },
];

const interval = (brand: string, start: number, end: number) => reportInterval(brand, start, end, { meanConfidence: 0.9, meanScreenShare: 0.01 });
const INTERVALS = [interval('Zeta', 6, 7.25), interval('Acme', 2.5, 3.75)];
const STAGES = ['extract_frames', 'filter_scenes', 'ocr', 'match_brands', 'compile_report'];

const mount = (o: { refuse?: (a: Ask) => ApiError | null; stages?: string[] } = {}) => {
  const f = fakeOverlayApi({ refuse: o.refuse, picks: PICKS });
  const store = createOverlayStore(f.api, { jobId: 'j1', frames: 20, samplePeriod: 0.5 });
  const view = render(() => (
    <OverlayViewer
      store={store}
      stages={o.stages ?? STAGES}
      intervals={INTERVALS}
      compareJobs={[
        { id: 'j1', label: 'this run' },
        { id: 'j2', label: 'Run 2 (ocr 0.6)' },
      ]}
    />
  ));
  return { ...view, ...f, store };
};

const img = (root: HTMLElement, id = 'overlay-image') => root.querySelector<HTMLImageElement>(`[data-testid="${id}"]`);
const shows = async (root: HTMLElement, seq: number, id = 'overlay-image') => waitFor(() => expect(img(root, id)?.dataset.seq).toBe(String(seq)));
const chip = (root: HTMLElement, stage: string) => root.querySelector<HTMLElement>(`[data-testid="overlay-layer"][data-stage="${stage}"]`)!;

describe('overlay viewer', () => {
  test('offers the completed stages that draw; the furthest is drawn first; chips add layers and one stays on', async () => {
    const { container, asked } = mount();
    await shows(container, 0);
    const chips = [...container.querySelectorAll<HTMLElement>('[data-testid="overlay-layer"]')];
    expect(chips.map((c) => c.dataset.stage)).toEqual(['extract_frames', 'filter_scenes', 'ocr', 'match_brands']);
    expect(chips.map((c) => c.getAttribute('aria-pressed'))).toEqual(['false', 'false', 'false', 'true']);
    expect(img(container)!.dataset.stage).toBe('match_brands');
    expect(img(container)!.getAttribute('src')).toBe('blob:test/1');
    expect(asked[0]).toEqual({ jobId: 'j1', stage: 'match_brands', seq: 0, layers: [] });

    fireEvent.click(chip(container, 'ocr'));
    await waitFor(() => expect(img(container)!.dataset.layers).toBe('ocr'));
    expect(asked).toContainEqual({ jobId: 'j1', stage: 'match_brands', seq: 0, layers: ['ocr'] });
    expect(chip(container, 'ocr').getAttribute('aria-pressed')).toBe('true');

    fireEvent.click(chip(container, 'match_brands'));
    await waitFor(() => expect(img(container)!.dataset.stage).toBe('ocr'));
    fireEvent.click(chip(container, 'ocr'));
    expect(chip(container, 'ocr').getAttribute('aria-pressed')).toBe('true');
  });

  test('steps with the buttons, the arrow keys and the frame number; shows the time', async () => {
    const { container, getByTestId } = mount();
    await shows(container, 0);
    expect((getByTestId('overlay-prev') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(getByTestId('overlay-next'));
    await shows(container, 1);
    fireEvent.keyDown(document.body, { key: 'ArrowRight' });
    await shows(container, 2);
    fireEvent.keyDown(document.body, { key: 'ArrowLeft' });
    await shows(container, 1);
    const seq = getByTestId('overlay-seq') as HTMLInputElement;
    fireEvent.change(seq, { target: { value: '9' } });
    await shows(container, 9);
    expect(getByTestId('overlay-viewer').textContent).toContain('of 20 · 0:04.5');
    fireEvent.change(seq, { target: { value: '500' } });
    await shows(container, 19);
    await waitFor(() => expect(seq.value).toBe('19'));
    expect((getByTestId('overlay-next') as HTMLButtonElement).disabled).toBe(true);
    // Keys typed into a field are the field's.
    seq.focus();
    fireEvent.keyDown(seq, { key: 'ArrowLeft' });
    await Bun.sleep(10);
    expect(img(container)!.dataset.seq).toBe('19');
  });

  test('jump to a brand hit: each interval’s first frame, in time order', async () => {
    const { container } = mount();
    await shows(container, 0);
    const jumps = [...container.querySelectorAll<HTMLElement>('[data-testid="overlay-jump"]')];
    expect(jumps.map((j) => [j.dataset.brand, j.dataset.seq])).toEqual([
      ['Acme', '5'],
      ['Zeta', '12'],
    ]);
    fireEvent.click(jumps[1]!);
    await shows(container, 12);
    expect(jumps[1]!.getAttribute('aria-current')).toBe('true');
  });

  test('compare: the other run’s same frame and layers beside it; its refusal is said apart', async () => {
    const refuse = (a: Ask) => (a.jobId === 'j2' && a.seq === 1 ? new ApiError(409, 'invalid_state', 'match_brands has not finished in job j2 yet') : null);
    const { container, getByTestId, queryByTestId, asked } = mount({ refuse });
    await shows(container, 0);
    const select = getByTestId('overlay-compare') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['', 'j2']); // not itself
    fireEvent.change(select, { target: { value: 'j2' } });
    await shows(container, 0, 'overlay-compare-image');
    expect(asked).toContainEqual({ jobId: 'j2', stage: 'match_brands', seq: 0, layers: [] });
    expect(container.querySelector('.ov-frames')!.classList.contains('compare')).toBe(true);
    expect(container.textContent).toContain('Run 2 (ocr 0.6)');
    fireEvent.click(getByTestId('overlay-next'));
    await shows(container, 1);
    await waitFor(() => expect(getByTestId('overlay-compare-error').textContent).toContain('Match_brands has not finished in job j2 yet.'));
    expect(queryByTestId('overlay-error')).toBeNull();
    expect(img(container, 'overlay-compare-image')).toBeNull();
  });

  test('a refused overlay is shown in words where the image would be', async () => {
    const { container, getByTestId } = mount({
      refuse: (a) => (a.seq === 0 ? new ApiError(400, 'validation', 'seq: frame 0 is past the timeline’s last (-1)') : null),
    });
    await waitFor(() => expect(getByTestId('overlay-error').textContent).toBe('seq: frame 0 is past the timeline’s last (-1).'));
    expect(img(container)).toBeNull();
  });

  test('no stage that draws has finished: a sentence, nothing asked', async () => {
    const { getByTestId, asked } = mount({ stages: ['compile_report'] });
    expect(getByTestId('overlay-viewer').textContent).toContain('No stage of this run that draws on a frame has finished yet.');
    await Bun.sleep(5);
    expect(asked).toEqual([]);
  });

  test('play the source from the frame: the timeline maps its second to an asset second', async () => {
    const { container, getByTestId, calls } = mount();
    await shows(container, 0);
    fireEvent.change(getByTestId('overlay-seq'), { target: { value: '14' } }); // 7 s: 3 s into the second pick
    await shows(container, 14);
    fireEvent.click(getByTestId('play-source'));
    await waitFor(() => expect(container.querySelector('[data-testid="source-video"]')).not.toBeNull());
    const v = container.querySelector<HTMLVideoElement>('[data-testid="source-video"]')!;
    expect(v.getAttribute('src')).toBe('https://s3.local/b.mp4');
    Object.defineProperty(v, 'readyState', { configurable: true, get: () => 1 });
    fireEvent(v, new Event('loadedmetadata'));
    expect(v.currentTime).toBe(23);
    expect(calls).toEqual(['status j1', 'timeline t1', 'media b']);
  });

  test('leaving revokes every object URL it made', async () => {
    const { container, unmount } = mount();
    await shows(container, 0);
    await Bun.sleep(5); // the next frame, fetched ahead
    expect(urls.made.length).toBe(2);
    unmount();
    expect(urls.made.filter((u) => !urls.revoked.has(u))).toEqual([]);
  });
});
