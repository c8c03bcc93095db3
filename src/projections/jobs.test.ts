import { describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { createSqliteLog } from '../events/log/sqlite.ts';
import type { NewEvent } from '../events/types.ts';
import { silentLogger } from '../logger.ts';
import { kindsOf, NO_TAGS, type JobKind } from '../actors/job-kind.ts';
import type { LoggedEvent } from '../events/index.ts';
import { transcodeTags } from '../work/transcode/request.ts';
import type { TranscodeParams } from '../work/transcode/params.ts';
import { createJobsProjection, jobsTable, type JobView } from './jobs.ts';
import { createProjectionRunner } from './runner.ts';

// The kinds name their jobs' tags: one with transcode's tags, and one tagged by its preset alone.
const tagged = (name: string, tags: JobKind['tags']): JobKind => ({
  name,
  validate: (p) => p,
  plan: async () => [],
  run: async () => null,
  combine: () => null,
  tags,
});
const kinds = kindsOf(
  tagged('media', (p) => transcodeTags(p as TranscodeParams)),
  tagged('other', (p) => ({ ...NO_TAGS, presetId: (p as { presetId: string }).presetId, presetName: (p as { presetId: string }).presetId })),
);
const jobsProjection = createJobsProjection(kinds);
const foldJob = (v: JobView | null, e: LoggedEvent) => jobsProjection.fold(v, e) as JobView | null;

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();

/** Folds events of `job:j` and its chunk streams, as the runner would (only those keyOf routes to the row). */
const fold = (events: [string, NewEvent][]): JobView | null => {
  let v: JobView | null = null;
  events.forEach(([stream, e], i) => {
    const stored = { ...e, stream, version: 1, position: i + 1, meta: { at: at(i), actor: 't', causationId: null, correlationId: null } } as LoggedEvent;
    if (!jobsProjection.keyOf(stored)) return;
    v = foldJob(v, stored) ?? v;
  });
  return v;
};

const created: [string, NewEvent] = ['job:j', { type: 'JobCreated', data: { jobId: 'j', kind: 'k', params: {}, at: at(0) } }];
const planned: [string, NewEvent] = [
  'job:j',
  {
    type: 'JobPlanned',
    data: {
      chunks: [
        { n: 0, spec: {} },
        { n: 1, spec: {} },
      ],
      at: at(1),
    },
  },
];
const started = (n: number, attempt = 1): [string, NewEvent] => [
  `chunk:j:${n}${attempt > 1 ? `:r${attempt}` : ''}`,
  { type: 'ChunkStarted', data: { jobId: 'j', n, ...(attempt > 1 ? { attempt } : {}), worker: 'w', at: at(5) } },
];

describe('jobs read model: waiting for a worker', () => {
  test('PENDING until planned, QUEUED until a chunk of its attempt starts, then PROCESSING', () => {
    expect(fold([created])!.status).toBe('PENDING');
    expect(fold([created, planned])!.status).toBe('QUEUED');
    expect(fold([created, planned, started(1)])).toMatchObject({ status: 'PROCESSING', updated_at: at(5) });
    // Logs from before chunks recorded their start: a chunk report means the job runs.
    expect(fold([created, planned, ['job:j', { type: 'ChunkReported', data: { n: 0, result: 1, at: at(4) } }]])!.status).toBe('PROCESSING');
  });

  test("a retry is QUEUED again once planned; the old attempt's late start does not count", () => {
    const retried: [string, NewEvent] = ['job:j', { type: 'JobRetried', data: { attempt: 2, at: at(3) } }];
    const cancelled: [string, NewEvent] = ['job:j', { type: 'JobCancelled', data: { reason: 'r', at: at(2) } }];
    const base = [created, planned, started(0), cancelled, retried, planned];
    expect(fold(base)!.status).toBe('QUEUED');
    expect(fold([...base, started(1)])!.status).toBe('QUEUED');
    expect(fold([...base, started(1, 2)])!.status).toBe('PROCESSING');
  });

  test('a fork is QUEUED while chunks are left to run, PROCESSING (packaging) when it reuses them all', () => {
    const fork = (done: Record<string, unknown>): [string, NewEvent] => [
      'job:j',
      {
        type: 'JobForked',
        data: {
          jobId: 'j',
          parent: 'p',
          fromPosition: 9,
          overrides: {},
          kind: 'k',
          params: {},
          plan: [
            { n: 0, spec: {} },
            { n: 1, spec: {} },
          ],
          done,
          at: at(0),
        },
      },
    ];
    expect(fold([fork({ 0: 1 })])!.status).toBe('QUEUED');
    expect(fold([fork({ 0: 1, 1: 2 })])!.status).toBe('PROCESSING');
  });
});

describe('jobs read model: names', () => {
  test("the source's file name and key, and the preset snapshot's name, from the params", () => {
    const params = { inputKey: 'shows/day one/clip.mp4', presetId: 'hls-abr', preset: { id: 'hls-abr', name: 'HLS ladder' } };
    const v = fold([['job:j', { type: 'JobCreated', data: { jobId: 'j', kind: 'media', params, at: at(0) } }]]);
    expect(v).toMatchObject({ source_key: 'shows/day one/clip.mp4', source_name: 'clip.mp4', preset_name: 'HLS ladder' });
  });

  test('without a snapshot the preset id names it; a kind without an input key has no source name', () => {
    const v = fold([['job:j', { type: 'JobCreated', data: { jobId: 'j', kind: 'other', params: { presetId: 'p1', path: '/x' }, at: at(0) } }]]);
    expect(v).toMatchObject({ source_key: null, source_name: null, preset_name: 'p1' });
  });
});

describe("jobs read model: an asset's outputs deleted", () => {
  const outputsDeleted = (i: number) =>
    ({ type: 'AssetOutputsDeleted', data: { jobs: 2, objects: 3, at: at(i) }, stream: 'asset:a1', version: 3, position: 50 + i }) as LoggedEvent;
  const completed = fold([created, planned, ['job:j', { type: 'JobCompleted', data: { result: { ok: 1 }, at: at(4) } }]])!;

  test('marks the job once (the first deletion took its files); a retry, which writes them again, clears it', () => {
    expect(completed.outputs_deleted_at).toBeNull();
    const marked = foldJob(completed, outputsDeleted(7))!;
    expect(marked).toMatchObject({ status: 'COMPLETED', outputs_deleted_at: at(7), updated_at: completed.updated_at });
    expect(foldJob(marked, outputsDeleted(9))).toBeNull();
    const retried = foldJob(marked, { ...outputsDeleted(0), type: 'JobRetried', stream: 'job:j', data: { attempt: 2, at: at(10) } } as LoggedEvent)!;
    expect(retried.outputs_deleted_at).toBeNull();
  });

  test("the runner folds it into every job of the asset, whatever its state, and no other asset's", async () => {
    const db = new Database(':memory:', { strict: true });
    const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => at(0), onCorrupt: () => {} });
    const runner = createProjectionRunner({ db, log, projections: [jobsProjection], logger: silentLogger });
    runner.init();
    const job = (id: string, assetId: string) =>
      log.append(`job:${id}`, [{ type: 'JobCreated', data: { jobId: id, kind: 'media', params: { assetId, inputKey: `${assetId}.mp4` }, at: at(1) } }], 0);
    await job('x1', 'a1');
    await job('x2', 'a1');
    await job('y1', 'a2');
    await log.append('job:x1', [{ type: 'JobCompleted', data: { result: null, at: at(2) } }], 1);
    // In the same batch as a job created just before it: that job is in scope too.
    await job('x3', 'a1');
    await log.append('asset:a1', [{ type: 'AssetOutputsDeleted', data: { jobs: 3, objects: 5, at: at(3) } }], 0);
    await runner.catchUp();
    const deletedAt = () => Object.fromEntries(jobsTable.dump(db).map((j) => [j.id, j.outputs_deleted_at]));
    expect(deletedAt()).toEqual({ x1: at(3), x2: at(3), x3: at(3), y1: null });
    expect(jobsTable.load(db, ['x1'])!.status).toBe('COMPLETED');
    // A rebuild from the log reproduces it.
    await runner.rebuild();
    expect(deletedAt()).toEqual({ x1: at(3), x2: at(3), x3: at(3), y1: null });
    db.close();
  });
});
