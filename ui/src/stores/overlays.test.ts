import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { type Api, ApiError } from '../api.ts';
import { createOverlayStore } from './overlays.ts';

/** Object URLs made and revoked, so a test can say which are still alive. */
const urls = { made: [] as string[], revoked: new Set<string>() };
const real = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
beforeEach(() => {
  urls.made = [];
  urls.revoked = new Set();
  let n = 0;
  URL.createObjectURL = () => {
    const u = `blob:test/${++n}`;
    urls.made.push(u);
    return u;
  };
  URL.revokeObjectURL = (u: string) => void urls.revoked.add(u);
});
afterEach(() => {
  URL.createObjectURL = real.create;
  URL.revokeObjectURL = real.revoke;
});
const alive = () => urls.made.filter((u) => !urls.revoked.has(u));
const flush = () => new Promise((r) => setTimeout(r, 0));

type Ask = { jobId: string; stage: string; seq: number; layers?: string[] };

/** A detect api that draws any frame at once, except those held (answered when released) or refused. */
const fakeApi = (o: { refuse?: (a: Ask) => ApiError | null } = {}) => {
  const asked: Ask[] = [];
  const held = new Map<number, () => void>();
  const hold = new Set<number>();
  const calls: string[] = [];
  const detect = {
    overlay: async (a: Ask) => {
      asked.push(a);
      if (hold.has(a.seq)) await new Promise<void>((r) => held.set(a.seq, r));
      const no = o.refuse?.(a);
      if (no) throw no;
      return {
        ...a,
        timelineId: 't1',
        t: a.seq * 0.5,
        url: `/api/detect/overlays/t1/${a.jobId}/${a.stage}/${a.seq}`,
        key: 'k',
        shapes: { boxes: 1, lines: 0, masks: 0 },
      };
    },
    overlayImage: async (url: string) => {
      calls.push(`image ${url}`);
      return new Blob(['png'], { type: 'image/png' });
    },
    status: async (jobId: string) => {
      calls.push(`status ${jobId}`);
      return { jobId, timelineId: 't1' };
    },
    timeline: async (id: string) => {
      calls.push(`timeline ${id}`);
      return {
        id,
        picks: [
          { assetId: 'a', start: 10, end: 12 },
          { assetId: 'b', start: 0, end: 30 },
        ],
      };
    },
  };
  const api = { detect } as unknown as Pick<Api, 'detect'>;
  return { api, asked, hold, release: (seq: number) => held.get(seq)?.(), calls };
};

describe('overlay store', () => {
  test('shows the first stage of the frame, fetches the next ahead, and steps onto it without asking again', async () => {
    const f = fakeApi();
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 10, samplePeriod: 0.5 });
    await s.start(['match_brands', 'ocr']);
    expect(s.stages()).toEqual(['match_brands']);
    expect(s.image()).toMatchObject({ seq: 0, stage: 'match_brands', url: 'blob:test/1' });
    await flush();
    expect(f.asked).toEqual([
      { jobId: 'j1', stage: 'match_brands', seq: 0, layers: [] },
      { jobId: 'j1', stage: 'match_brands', seq: 1, layers: [] },
    ]);
    expect(f.calls).toEqual(['image /api/detect/overlays/t1/j1/match_brands/0', 'image /api/detect/overlays/t1/j1/match_brands/1']);

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
    const f = fakeApi();
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
    const f = fakeApi();
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
    const f = fakeApi({ refuse: (a) => (refusing && a.seq === 1 ? new ApiError(409, 'invalid_state', 'ocr has not finished in job j1 yet') : null) });
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
    const f = fakeApi();
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
    const f = fakeApi({
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
    const f = fakeApi();
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
    const f = fakeApi();
    const s = createOverlayStore(f.api, { jobId: 'j1', frames: 100, samplePeriod: 0.5 });
    await s.start(['ocr']);
    await s.go(7); // 3.5 s: 1.5 s into the second pick
    expect(await s.findSource()).toMatchObject({ assetId: 'b', seconds: 1.5 });
    expect(s.source()).toEqual({ assetId: 'b', seconds: 1.5 });
    await s.go(2);
    expect(s.source()).toBeNull(); // moving on closes it
    expect(await s.findSource()).toMatchObject({ assetId: 'a', seconds: 11 });
    expect(f.calls.filter((c) => !c.startsWith('image'))).toEqual(['status j1', 'timeline t1']);
  });
});
