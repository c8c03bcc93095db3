import { describe, expect, test } from 'bun:test';
import { fakeOverlayApi, trackObjectUrls } from '../../test/detect-fixtures.ts';
import { ApiError } from '../api.ts';
import { createOverlayStore } from './overlays.ts';

const { urls, alive } = trackObjectUrls();
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('overlay store', () => {
  test('shows the first stage of the frame, fetches the next ahead, and steps onto it without asking again', async () => {
    const f = fakeOverlayApi();
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 10, samplePeriod: 0.5 });
    await s.start(['match_brands', 'ocr']);
    expect(s.stages()).toEqual(['match_brands']);
    expect(s.image()).toMatchObject({ seq: 0, stage: 'match_brands', url: 'blob:test/1' });
    await flush();
    expect(f.asked).toEqual([
      { jobId: 'j1', stage: 'match_brands', seq: 0, layers: [] },
      { jobId: 'j1', stage: 'match_brands', seq: 1, layers: [] },
    ]);
    expect(f.images).toEqual(['/api/detect/overlays/t1/j1/match_brands/0', '/api/detect/overlays/t1/j1/match_brands/1']);

    await s.next();
    expect(s.seq()).toBe(1);
    expect(s.time()).toBe(0.5);
    expect(s.image()!.url).toBe('blob:test/2');
    expect(f.asked.filter((a) => a.seq === 1).length).toBe(1); // the prefetched one
    await flush();
    // Frame 0 is gone; frame 1 shown and frame 2 fetched ahead are all that live.
    expect(alive()).toEqual(['blob:test/2', 'blob:test/3']);
  });

  test('stepping back fetches the frame before ahead; the frame number is clamped', async () => {
    const f = fakeOverlayApi();
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 10, samplePeriod: 0.5 });
    await s.start(['ocr']);
    await s.go(42);
    expect(s.seq()).toBe(9);
    await flush();
    await s.prev();
    await flush();
    expect(f.asked.map((a) => a.seq)).toEqual([0, 1, 9, 8, 7]);
    await s.goTime(2.26);
    expect(s.seq()).toBe(5);
  });

  test('stage layers: the first chosen is the stage, the rest layers; the last one stays on', async () => {
    const f = fakeOverlayApi();
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 3, samplePeriod: 1 });
    await s.start(['ocr']);
    await s.toggleStage('segment_field');
    expect(s.image()).toMatchObject({ stage: 'ocr', layers: ['segment_field'] });
    expect(f.asked.some((a) => a.seq === 0 && a.stage === 'ocr' && a.layers?.[0] === 'segment_field')).toBe(true);
    await s.toggleStage('ocr');
    expect(s.stages()).toEqual(['segment_field']);
    expect(s.image()).toMatchObject({ stage: 'segment_field', layers: [] });
    await s.toggleStage('segment_field');
    expect(s.stages()).toEqual(['segment_field']);
    await flush();
    // Only the shown image and the one fetched ahead outlive the stage changes.
    expect(alive().length).toBe(2);
  });

  test('a refused overlay shows the server’s message and no image; asking again asks the server again', async () => {
    let refusing = true;
    const f = fakeOverlayApi({ refuse: (a) => (refusing && a.seq === 1 ? new ApiError(409, 'invalid_state', 'ocr has not finished in job j1 yet') : null) });
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 3, samplePeriod: 1 });
    await s.start(['ocr']);
    await flush();
    await s.next();
    expect(s.error()).toBe('Ocr has not finished in job j1 yet.');
    expect(s.image()).toBeNull();
    expect(s.loading()).toBe(false);
    refusing = false;
    await s.go(1);
    expect(s.error()).toBeNull();
    expect(s.image()!.seq).toBe(1);
  });

  test('a late answer for a frame left behind is not shown, and its URL is revoked', async () => {
    const f = fakeOverlayApi();
    f.hold.add(3);
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 10, samplePeriod: 1 });
    await s.start(['ocr']);
    const slow = s.go(3);
    expect(s.loading()).toBe(true);
    await s.go(5);
    expect(s.image()!.seq).toBe(5);
    f.release(3);
    await slow;
    await flush();
    expect(s.image()!.seq).toBe(5);
    const late = urls.made.at(-1)!;
    expect(urls.revoked.has(late)).toBe(true);
  });

  test('compare: the other run, same frame and layers, side by side; its refusal is its own', async () => {
    const f = fakeOverlayApi({
      refuse: (a) => (a.jobId === 'j2' && a.seq === 1 ? new ApiError(400, 'validation', 'seq: frame 1 is past the timeline’s last (0)') : null),
    });
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 5, samplePeriod: 1 });
    await s.start(['ocr']);
    await s.setCompare('j2');
    expect(s.compareImage()).toMatchObject({ jobId: 'j2', seq: 0, stage: 'ocr' });
    await s.next();
    expect(s.image()!.seq).toBe(1);
    expect(s.compareImage()).toBeNull();
    expect(s.compareError()).toBe('seq: frame 1 is past the timeline’s last (0).');
    expect(s.error()).toBeNull();
    await s.setCompare(null);
    expect(s.compareJob()).toBeNull();
    expect(s.compareError()).toBeNull();
    await s.setCompare('j1'); // itself: no comparison
    expect(s.compareJob()).toBeNull();
  });

  test('dispose revokes every URL; start shows the frame again', async () => {
    const f = fakeOverlayApi();
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 5, samplePeriod: 1 });
    await s.start(['ocr']);
    await s.setCompare('j2');
    await flush();
    expect(alive().length).toBe(4);
    s.dispose();
    expect(alive()).toEqual([]);
    expect(s.image()).toBeNull();
    await s.start(['match_brands']);
    expect(s.image()).toMatchObject({ stage: 'ocr', seq: 0 }); // the chosen stages are kept
  });

  test('the source of the current frame: the run’s timeline (looked up once) maps its second to an asset', async () => {
    const f = fakeOverlayApi();
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 100, samplePeriod: 0.5 });
    await s.start(['ocr']);
    await s.go(7); // 3.5 s: 1.5 s into the second pick
    expect(await s.findSource()).toMatchObject({ assetId: 'b', seconds: 1.5 });
    expect(s.source()).toEqual({ assetId: 'b', seconds: 1.5 });
    await s.go(2);
    expect(s.source()).toBeNull(); // moving on closes it
    expect(await s.findSource()).toMatchObject({ assetId: 'a', seconds: 11 });
    expect(f.calls).toEqual(['status j1', 'timeline t1']);
  });
});
