import { describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import type { LoggedEvent } from '../events/index.ts';
import { createSqliteLog } from '../events/log/sqlite.ts';
import type { NewEvent } from '../events/types.ts';
import { silentLogger } from '../logger.ts';
import type { BrandSummary } from '../types/detect.ts';
import { airedBrands, brandAirings, brandAiringsProjection, brandAiringsTable, type BrandAiringView } from './brand-airings.ts';
import { allProjections, createProjectionRunner } from './index.ts';

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();

const params = (o: { timelineId?: string; brandListId?: string; profile?: string } = {}) => ({
  timelineId: o.timelineId ?? 't1',
  profile: o.profile ?? 'broadcast',
  brandListId: o.brandListId ?? 'l1',
  configOverrides: {},
  order: ['extract_frames', 'compile_report'],
  configs: {},
  brands: [],
  picks: [],
  duration: 60,
  replay: null,
});

/** A BrandSummary as compile_report writes it (only the figures a history keeps matter here). */
const summary = (brand: string, exposureSeconds: number, firstSeen = 1, lastSeen = 9): BrandSummary => ({
  brand,
  exposureSeconds,
  appearances: 2,
  shareOfVoice: 0.5,
  meanScreenShare: 0.1,
  maxScreenShare: 0.2,
  positionGrid: [0, 0, 0, 0, 1, 0, 0, 0, 0],
  placement: 'centre',
  clarity: 0.9,
  firstSeen,
  lastSeen,
  hits: 10,
});

/** A DetectResult: its report's brands (null: no report compiled). */
const result = (brands: BrandSummary[] | null) => ({
  report: brands && {
    intervals: [],
    brands,
    totalExposureSeconds: brands.reduce((a, b) => a + b.exposureSeconds, 0),
    frame: { width: 1920, height: 1080 },
    settings: { samplePeriod: 0.5, gapBridgeSeconds: 1, minDurationSeconds: 0.5 },
  },
  keys: null,
  frames: 100,
});

const created = (jobId: string, kind = 'detect', p: Record<string, unknown> = params()): NewEvent => ({
  type: 'JobCreated',
  data: { jobId, kind, params: p, at: at(0) },
});
const forked = (jobId: string, parent: string, p: Record<string, unknown> = params()): NewEvent => ({
  type: 'JobForked',
  data: { jobId, parent, fromPosition: 3, overrides: {}, kind: 'detect', params: p, plan: null, done: {}, at: at(1) },
});
const completed = (i: number, brands: BrandSummary[] | null): NewEvent => ({ type: 'JobCompleted', data: { result: result(brands), at: at(i) } });
const failed: NewEvent = { type: 'JobFailed', data: { reason: 'boom', at: at(3) } };
const retried: NewEvent = { type: 'JobRetried', data: { attempt: 2, at: at(4) } };
const reported: NewEvent = { type: 'ChunkReported', data: { n: 0, result: {}, at: at(2) } };

/** Folds events of one stream as the runner would: only those keyOf routes, each onto the row so far. */
const fold = (stream: string, events: NewEvent[]): BrandAiringView | null => {
  let v: BrandAiringView | null = null;
  events.forEach((e, i) => {
    const stored = { ...e, stream, version: i + 1, position: i + 1, meta: { at: at(i), actor: 't', causationId: null, correlationId: null } } as LoggedEvent;
    if (!brandAiringsProjection.keyOf(stored)) return;
    const next = brandAiringsProjection.fold(v, stored);
    if (typeof next === 'symbol') v = null;
    else if (next) v = next;
  });
  return v;
};

describe('brand airings: the fold', () => {
  test('a detect job opens a pending row with what it runs over; completing gives it the brands its report found', () => {
    expect(fold('job:d1', [created('d1')])).toEqual({
      job_id: 'd1',
      status: 'pending',
      timeline_id: 't1',
      brand_list_id: 'l1',
      profile: 'broadcast',
      parent: null,
      completed_at: null,
      brands: [],
    });
    expect(fold('job:d1', [created('d1'), reported, completed(5, [summary('Acme', 12.5, 2, 30), summary('Ünïcode Beer', 3)])])).toEqual({
      job_id: 'd1',
      status: 'completed',
      timeline_id: 't1',
      brand_list_id: 'l1',
      profile: 'broadcast',
      parent: null,
      completed_at: at(5),
      brands: [
        { brand: 'Acme', key: 'acme', exposureSeconds: 12.5, appearances: 2, shareOfVoice: 0.5, firstSeen: 2, lastSeen: 30 },
        { brand: 'Ünïcode Beer', key: 'ünïcode beer', exposureSeconds: 3, appearances: 2, shareOfVoice: 0.5, firstSeen: 1, lastSeen: 9 },
      ],
    });
  });

  test('a fork records its replay parent', () => {
    expect(fold('job:d2', [forked('d2', 'd1'), completed(6, [summary('Acme', 1)])])).toMatchObject({ parent: 'd1', status: 'completed' });
  });

  test('a job without a report completes with no brands; an unreadable result is passed over', () => {
    expect(fold('job:d1', [created('d1'), completed(5, null)])).toMatchObject({ status: 'completed', brands: [] });
    const odd: NewEvent = { type: 'JobCompleted', data: { result: { report: { brands: [{ brand: 7 }, null, { brand: 'Ok' }] } }, at: at(5) } };
    expect(fold('job:d1', [created('d1'), odd])!.brands).toEqual([
      { brand: 'Ok', key: 'ok', exposureSeconds: 0, appearances: 0, shareOfVoice: 0, firstSeen: 0, lastSeen: 0 },
    ]);
  });

  test('a retry empties the row until the next completion replaces its brands', () => {
    expect(fold('job:d1', [created('d1'), failed])).toMatchObject({ status: 'failed', brands: [] });
    expect(fold('job:d1', [created('d1'), failed, retried])).toMatchObject({ status: 'pending', completed_at: null, brands: [] });
    const again = fold('job:d1', [created('d1'), failed, retried, completed(9, [summary('Other', 4)])]);
    expect(again).toMatchObject({ status: 'completed', completed_at: at(9) });
    expect(again!.brands.map((b) => b.brand)).toEqual(['Other']);
    expect(fold('job:d1', [created('d1'), { type: 'JobCancelled', data: { reason: 'user', at: at(3) } }])).toMatchObject({ status: 'cancelled' });
  });

  test('jobs of other kinds make no row, and events that change nothing here are not routed', () => {
    expect(fold('job:c1', [created('c1', 'checksum'), completed(5, [summary('Acme', 1)])])).toBeNull();
    const stored = (e: NewEvent, stream: string) =>
      ({ ...e, stream, version: 1, position: 1, meta: { at: at(0), actor: 't', causationId: null, correlationId: null } }) as LoggedEvent;
    expect(brandAiringsProjection.keyOf(stored(reported, 'job:d1'))).toBeNull();
    expect(brandAiringsProjection.keyOf(stored({ type: 'JobOutputsCleared', data: { removed: 3, at: at(1) } }, 'job:d1'))).toBeNull();
    expect(brandAiringsProjection.keyOf(stored(completed(1, null), 'job:d1'))).toEqual(['d1']);
  });
});

const setup = async (history: [string, NewEvent[]][]) => {
  const db = new Database(':memory:', { strict: true });
  const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => at(0), onCorrupt: () => {} });
  const runner = createProjectionRunner({ db, log, projections: allProjections(), logger: silentLogger });
  runner.init();
  const versions = new Map<string, number>();
  for (const [stream, events] of history) {
    await log.append(stream, events, versions.get(stream) ?? 0);
    versions.set(stream, (versions.get(stream) ?? 0) + events.length);
  }
  await runner.catchUp();
  return { db, runner };
};

/** Three completed detect jobs (one a replay on another brand list), one still running, one of another kind. */
const history: [string, NewEvent[]][] = [
  ['job:a', [created('a'), completed(10, [summary('Acme', 10, 0, 20), summary('Bolt', 2.2)])]],
  ['job:b', [created('b', 'detect', params({ timelineId: 't2', brandListId: 'l2' })), completed(20, [summary('ACME', 5.1), summary('Zed', 1)])]],
  ['job:c', [forked('c', 'a'), completed(30, [summary('acme', 0.1), summary('Bolt', 1.1)])]],
  ['job:d', [created('d')]],
  ['job:x', [created('x', 'checksum', { timelineId: 't1' }), completed(40, [summary('Acme', 99)])]],
];

describe('brand airings: queries', () => {
  test("brandAirings: the completed jobs that saw a brand, any case, newest first, with that brand's figures", async () => {
    const { db } = await setup(history);
    const all = brandAirings(db, 'aCmE', { limit: 50, offset: 0 });
    expect(all.total).toBe(3);
    expect(all.rows).toEqual([
      {
        jobId: 'c',
        timelineId: 't1',
        brandListId: 'l1',
        profile: 'broadcast',
        parent: 'a',
        completedAt: at(30),
        brand: 'acme',
        exposureSeconds: 0.1,
        appearances: 2,
        shareOfVoice: 0.5,
        firstSeen: 1,
        lastSeen: 9,
      },
      expect.objectContaining({ jobId: 'b', timelineId: 't2', brandListId: 'l2', brand: 'ACME', exposureSeconds: 5.1, parent: null }),
      expect.objectContaining({ jobId: 'a', brand: 'Acme', exposureSeconds: 10, firstSeen: 0, lastSeen: 20 }),
    ]);
    const page2 = brandAirings(db, 'Acme', { limit: 2, offset: 2 });
    expect(page2).toEqual({ rows: [expect.objectContaining({ jobId: 'a' })], total: 3 });
    expect(brandAirings(db, 'Nobody', { limit: 50, offset: 0 })).toEqual({ rows: [], total: 0 });
  });

  test('airedBrands: every brand seen, by name, with its jobs, exposure and first and last time seen; by brand list too', async () => {
    const { db } = await setup(history);
    expect(airedBrands(db, { limit: 50, offset: 0 })).toEqual({
      rows: [
        // Spelled as the latest job that saw it spells it; exposure summed without float drift.
        { brand: 'acme', jobs: 3, exposureSeconds: 15.2, firstSeenAt: at(10), lastSeenAt: at(30) },
        { brand: 'Bolt', jobs: 2, exposureSeconds: 3.3, firstSeenAt: at(10), lastSeenAt: at(30) },
        { brand: 'Zed', jobs: 1, exposureSeconds: 1, firstSeenAt: at(20), lastSeenAt: at(20) },
      ],
      total: 3,
    });
    expect(airedBrands(db, { limit: 1, offset: 1 })).toEqual({ rows: [expect.objectContaining({ brand: 'Bolt' })], total: 3 });
    expect(airedBrands(db, { limit: 50, offset: 0 }, { brandListId: 'l2' })).toEqual({
      rows: [
        { brand: 'ACME', jobs: 1, exposureSeconds: 5.1, firstSeenAt: at(20), lastSeenAt: at(20) },
        { brand: 'Zed', jobs: 1, exposureSeconds: 1, firstSeenAt: at(20), lastSeenAt: at(20) },
      ],
      total: 2,
    });
    expect(airedBrands(db, { limit: 50, offset: 0 }, { brandListId: 'none' })).toEqual({ rows: [], total: 0 });
  });

  test('a retried job leaves the history until it completes again, then counts with its new brands', async () => {
    const { db } = await setup([['job:a', [created('a'), { type: 'JobPlanned', data: { chunks: [{ n: 0, spec: {} }], at: at(1) } }, failed, retried]]]);
    expect(brandAiringsTable.load(db, ['a'])).toMatchObject({ status: 'pending', brands: [] });
    expect(airedBrands(db, { limit: 50, offset: 0 }).total).toBe(0);
    const { db: again } = await setup([['job:a', [created('a'), failed, retried, completed(8, [summary('Acme', 2)])]]]);
    expect(brandAirings(again, 'acme', { limit: 50, offset: 0 }).rows.map((r) => [r.jobId, r.completedAt])).toEqual([['a', at(8)]]);
  });

  test('a rebuild from the log gives the same rows', async () => {
    const { db, runner } = await setup(history);
    const live = JSON.stringify(brandAiringsTable.dump(db));
    expect(brandAiringsTable.dump(db).map((r) => [r.job_id, r.status])).toEqual([
      ['a', 'completed'],
      ['b', 'completed'],
      ['c', 'completed'],
      ['d', 'pending'],
    ]);
    await runner.rebuild(['brand_airings']);
    expect(JSON.stringify(brandAiringsTable.dump(db))).toBe(live);
  });
});
