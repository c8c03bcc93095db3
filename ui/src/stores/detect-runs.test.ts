import { describe, expect, test } from 'bun:test';
import { ApiError, type Api } from '../api.ts';
import type { DetectJob, ProfileDto, RunInput } from '../detect-api.ts';
import { createDetectRunsStore, stagesInRunOrder } from './detect-runs.ts';

const profile = (name: string, stages: string[], edges: ProfileDto['pipeline']['edges'] = []): ProfileDto => ({
  name,
  description: '',
  pipeline: { stages, edges },
  configs: {},
  basedOn: null,
  builtIn: true,
  createdAt: null,
  updatedAt: null,
});

const run = (id: string): DetectJob =>
  ({
    id,
    kind: 'detect',
    status: 'COMPLETED',
    params: { timelineId: 't1', profile: 'p', brandListId: 'b1', order: [], configs: {} },
    createdAt: '',
  }) as unknown as DetectJob;

const fake = (fail: { brandLists?: boolean } = {}) => {
  const asked: unknown[] = [];
  const started: RunInput[] = [];
  const runs = Array.from({ length: 30 }, (_, i) => run(`r${i}`));
  const detect = {
    runs: async (q: { limit: number; offset: number }) => {
      asked.push(q);
      return { items: runs.slice(q.offset, q.offset + q.limit), total: runs.length };
    },
    timelines: async () => ({ items: [{ id: 't1', name: 'Derby' }], total: 1 }),
    profiles: async () => [profile('p', ['extract_frames', 'ocr'])],
    brandLists: async () =>
      fail.brandLists ? Promise.reject(new ApiError(500, 'internal', 'database is locked')) : { items: [{ id: 'b1', name: 'Sponsors' }], total: 1 },
    settings: async () => ({ defaultProfile: 'p', defaultBrandListId: 'b1', updatedBy: null, updatedAt: null }),
    run: async (r: RunInput) => {
      started.push(r);
      if (r.timelineId === 'gone') throw new ApiError(400, 'validation', 'timelineId: no timeline gone');
      return { jobId: 'new' };
    },
  };
  return { api: { detect: detect as unknown as Api['detect'] }, asked, started };
};

describe('detect runs store', () => {
  test('load reads a page of runs and the choices; names come from the lists', async () => {
    const f = fake();
    const s = createDetectRunsStore(f.api, { pageSize: 10 });
    await s.load();
    expect(s.items().map((r) => r.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
    expect(s.total()).toBe(30);
    expect(s.settings()!.defaultProfile).toBe('p');
    expect(s.timelineName('t1')).toBe('Derby');
    expect(s.timelineName('t9')).toBeNull();
    expect(s.brandListName('b1')).toBe('Sponsors');
    expect(s.stagesOf('p')).toEqual(['extract_frames', 'ocr']);
    await s.nextPage();
    expect(f.asked.at(-1)).toEqual({ limit: 10, offset: 10 });
    expect(s.items()[0]!.id).toBe('r10');
  });

  test('a choice that fails to load is said in words; the rest still load', async () => {
    const s = createDetectRunsStore(fake({ brandLists: true }).api);
    await s.load();
    expect(s.optionsError()).toBe('Database is locked.');
    expect(s.timelines()).toHaveLength(1);
    expect(s.brandLists()).toEqual([]);
  });

  test('start answers the new job id and goes back to the first page; a refusal is thrown', async () => {
    const f = fake();
    const s = createDetectRunsStore(f.api, { pageSize: 10 });
    await s.load();
    await s.nextPage();
    expect(await s.start({ timelineId: 't1', profile: 'p' })).toBe('new');
    await Bun.sleep(1);
    expect(s.offset()).toBe(0);
    const err = await s.start({ timelineId: 'gone' }).catch((e) => e);
    expect(err.message).toBe('timelineId: no timeline gone');
  });

  test('stages in run order follow the edges, the listed order within a layer', () => {
    const p = profile(
      'x',
      ['extract_frames', 'escalate_vlm', 'ocr', 'match_brands'],
      [
        { from: 'extract_frames', to: 'ocr', flow: 'all' },
        { from: 'ocr', to: 'match_brands', flow: 'all' },
        { from: 'match_brands', to: 'escalate_vlm', flow: 'unresolved' },
      ],
    );
    expect(stagesInRunOrder(p)).toEqual(['extract_frames', 'ocr', 'match_brands', 'escalate_vlm']);
    expect(stagesInRunOrder(profile('y', ['a', 'c', 'b']))).toEqual(['a', 'c', 'b']);
    expect(stagesInRunOrder(undefined)).toEqual([]);
  });
});
