import { describe, expect, test } from 'bun:test';
import { ApiError } from '../api.ts';
import type { StoredEvent } from '../types.ts';
import { asset, job } from '../../test/fixtures.ts';
import { assetBlocker, createRunAgain, firstPosition, outputsGone, type RunAgainApi } from './run-again.ts';

const event = (stream: string, position: number): StoredEvent => ({
  stream,
  version: 1,
  position,
  type: 'X',
  data: {},
  meta: { at: '2026-01-01T00:00:00Z', actor: 't', causationId: null, correlationId: null },
});
const gone = job({ status: 'COMPLETED', outputsDeleted: { at: '2026-02-01T00:00:00Z' } });

describe('run again: pure parts', () => {
  test('only a completed job whose outputs were deleted', () => {
    expect(outputsGone(gone)).toBe(true);
    expect(outputsGone({ ...gone, status: 'FAILED' })).toBe(false);
    expect(outputsGone(job({ status: 'COMPLETED', outputsDeleted: null }))).toBe(false);
    expect(outputsGone(job({ status: 'COMPLETED' }))).toBe(false);
  });

  test("the job's own first event, not a chunk's; null when none is known", () => {
    expect(firstPosition([event('chunk:j1:0', 2), event('job:j1', 9), event('job:j1', 5), event('job:j10', 1)], 'j1')).toBe(5);
    expect(firstPosition([event('chunk:j1:0', 2)], 'j1')).toBeNull();
  });

  test('a ready asset runs; a missing or invalid one says why', () => {
    expect(assetBlocker(asset())).toBeNull();
    expect(assetBlocker(asset({ status: 'missing' }))).toContain('shows/day one/clip.mp4 is missing from the input store');
    expect(assetBlocker(asset({ status: 'invalid', reason: 'no video or audio stream' }))).toBe(
      'Its source file shows/day one/clip.mp4 cannot be used: no video or audio stream.',
    );
  });
});

describe('run again: the store', () => {
  const fake = (over: Partial<RunAgainApi> = {}) => {
    const forks: [string, unknown][] = [];
    const read: string[] = [];
    const api: RunAgainApi = {
      getAsset: async (id) => asset({ id }),
      jobEvents: async (id) => {
        read.push(id);
        return { items: [event(`job:${id}`, 4)] };
      },
      forkJob: async (id, body) => {
        forks.push([id, body]);
        return job({ id: 'j2', parent: id });
      },
      ...over,
    };
    return { api, forks, read };
  };

  test("forks from the page's events when it has them, else reads them; opens the new job", async () => {
    const f = fake();
    const opened: string[] = [];
    const withEvents = createRunAgain(
      f.api,
      () => gone,
      () => [event('job:j1', 12)],
      (id) => opened.push(id),
    );
    await withEvents.check();
    await withEvents.run();
    expect(f.read).toEqual([]);
    const withoutEvents = createRunAgain(
      f.api,
      () => gone,
      () => [],
      (id) => opened.push(id),
    );
    await withoutEvents.check();
    await withoutEvents.run();
    expect(f.read).toEqual(['j1']);
    expect(f.forks).toEqual([
      ['j1', { fromPosition: 12 }],
      ['j1', { fromPosition: 4 }],
    ]);
    expect(opened).toEqual(['j2', 'j2']);
  });

  test('nothing runs before the asset is known, nor when it is gone', async () => {
    const f = fake({ getAsset: async () => Promise.reject(new ApiError(404, 'not_found', 'no asset a1')) });
    const r = createRunAgain(
      f.api,
      () => gone,
      () => [],
      () => {},
    );
    await r.run();
    expect(f.forks).toEqual([]);
    await r.check();
    expect(r.source()).toEqual({ state: 'blocked', why: expect.stringContaining('Its source asset clip.mp4 was deleted') });
    await r.run();
    expect(f.forks).toEqual([]);
  });

  test('the asset cannot be asked for: Run again is offered anyway, with the error', async () => {
    const f = fake({ getAsset: async () => Promise.reject(new ApiError(0, 'network', 'The server cannot be reached.')) });
    const r = createRunAgain(
      f.api,
      () => gone,
      () => [],
      () => {},
    );
    await r.check();
    expect(r.source()).toEqual({ state: 'ready' });
    expect(r.error()).toBe('The server cannot be reached.');
  });
});
