import { describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { kindsOf, NO_TAGS, type JobKind } from '../actors/job-kind.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteLog, openDatabase } from '../events/log/sqlite.ts';
import type { NewEvent } from '../events/types.ts';
import { silentLogger } from '../logger.ts';
import { allProjections, chunksOfJob, createProjectionRunner, findJob, jobIdsOfAsset, queryJobs, queuedChunkCount } from './index.ts';

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();

// A kind tagged by its params' asset and preset, and one with no tags.
const media: JobKind = {
  name: 'media',
  validate: (p) => p,
  plan: async () => [],
  run: async () => null,
  combine: () => null,
  tags: (p) => ({ ...NO_TAGS, assetId: (p as { assetId: string }).assetId, presetId: (p as { presetId: string }).presetId }),
};
const other: JobKind = { name: 'other', validate: (p) => p, plan: async () => [], run: async () => null, combine: () => null };

/** Jobs j1..j5 written to a log and folded by the projection runner: newest is j5. */
const setup = async () => {
  const db = new Database(':memory:', { strict: true });
  const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => at(0), onCorrupt: () => {} });
  const runner = createProjectionRunner({ db, log, projections: allProjections(kindsOf(media, other)), logger: silentLogger });
  runner.init();
  const create = (id: string, i: number, kind: string, params: Record<string, unknown>, more: NewEvent[] = []) =>
    log.append(`job:${id}`, [{ type: 'JobCreated', data: { jobId: id, kind, params, at: at(i) } }, ...more], 0);
  await create('j1', 1, 'media', { assetId: 'a1', presetId: 'p1' }, [{ type: 'JobCompleted', data: { result: null, at: at(10) } }]);
  await create('j2', 2, 'media', { assetId: 'a1', presetId: 'p2' }, [{ type: 'JobFailed', data: { reason: 'boom', at: at(11) } }]);
  await create('j3', 3, 'media', { assetId: 'a2', presetId: 'p1' }, [
    {
      type: 'JobPlanned',
      data: {
        chunks: [
          { n: 0, spec: {} },
          { n: 1, spec: {} },
        ],
        at: at(4),
      },
    },
  ]);
  await create('j4', 4, 'other', {});
  const fork = {
    jobId: 'j5',
    parent: 'j1',
    fromPosition: 1,
    overrides: {},
    kind: 'media',
    params: { assetId: 'a1', presetId: 'p1' },
    plan: null,
    done: {},
    at: at(5),
  };
  await log.append('job:j5', [{ type: 'JobForked', data: fork }], 0);
  for (const n of [0, 1])
    await log.append(`chunk:j3:${n}`, [{ type: 'ChunkCreated', data: { jobId: 'j3', n, kind: 'media', spec: {}, params: {}, at: at(4) } }], 0);
  await log.append('chunk:j3:1', [{ type: 'ChunkStarted', data: { jobId: 'j3', n: 1, worker: 'w', at: at(6) } }], 1);
  await runner.catchUp();
  return db;
};

const ids = (r: { rows: { id: string }[] }) => r.rows.map((j) => j.id);
const all = { limit: 50, offset: 0 };

describe('job queries', () => {
  test('newest first; no filter is every job', async () => {
    const db = await setup();
    expect(queryJobs(db, {}, all)).toMatchObject({ total: 5 });
    expect(ids(queryJobs(db, {}, all))).toEqual(['j5', 'j4', 'j3', 'j2', 'j1']);
  });

  test('filters are AND-ed: statuses (any of), asset, preset, kind, parent', async () => {
    const db = await setup();
    expect(ids(queryJobs(db, { statuses: ['COMPLETED', 'FAILED'] }, all))).toEqual(['j2', 'j1']);
    expect(ids(queryJobs(db, { statuses: [] }, all))).toEqual(['j5', 'j4', 'j3', 'j2', 'j1']);
    expect(ids(queryJobs(db, { assetId: 'a1' }, all))).toEqual(['j5', 'j2', 'j1']);
    expect(ids(queryJobs(db, { assetId: 'a1', presetId: 'p1' }, all))).toEqual(['j5', 'j1']);
    expect(ids(queryJobs(db, { assetId: 'a1', statuses: ['PENDING'] }, all))).toEqual(['j5']);
    expect(ids(queryJobs(db, { kind: 'other' }, all))).toEqual(['j4']);
    expect(ids(queryJobs(db, { parent: 'j1' }, all))).toEqual(['j5']);
    expect(queryJobs(db, { assetId: 'nope' }, all)).toEqual({ rows: [], total: 0 });
  });

  test('a page counts every match in total', async () => {
    const db = await setup();
    const page = queryJobs(db, { kind: 'media' }, { limit: 2, offset: 1 });
    expect(page.total).toBe(4);
    expect(ids(page)).toEqual(['j3', 'j2']);
    expect(ids(queryJobs(db, {}, { limit: 10, offset: 5 }))).toEqual([]);
  });

  test('one job by id; the ids of an asset’s jobs, oldest first', async () => {
    const db = await setup();
    expect(findJob(db, 'j2')).toMatchObject({ id: 'j2', status: 'FAILED', error: 'boom', asset_id: 'a1' });
    expect(findJob(db, 'nope')).toBeNull();
    expect(jobIdsOfAsset(db, 'a1')).toEqual(['j1', 'j2', 'j5']);
    expect(jobIdsOfAsset(db, 'nope')).toEqual([]);
  });

  test('chunks of a job (one attempt, or all) and the queued count', async () => {
    const db = await setup();
    expect(chunksOfJob(db, 'j3').map((c) => [c.attempt, c.n, c.status])).toEqual([
      [1, 0, 'QUEUED'],
      [1, 1, 'RUNNING'],
    ]);
    expect(chunksOfJob(db, 'j3', 1).map((c) => c.n)).toEqual([0, 1]);
    expect(chunksOfJob(db, 'j3', 2)).toEqual([]);
    expect(queuedChunkCount(db)).toBe(1);
  });

  test('lists and jobs are remembered until anything is written, through this connection or another; never inside a transaction', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpr-job-queries-'));
    const db = openDatabase(join(dir, 'mpr.db'));
    const second = openDatabase(join(dir, 'mpr.db'));
    try {
      const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => at(0), onCorrupt: () => {} });
      const runner = createProjectionRunner({ db, log, projections: allProjections(kindsOf(media, other)), logger: silentLogger });
      runner.init();
      const create = async (id: string, i: number) => {
        await log.append(`job:${id}`, [{ type: 'JobCreated', data: { jobId: id, kind: 'media', params: { assetId: 'a1', presetId: 'p1' }, at: at(i) } }], 0);
        await runner.catchUp();
      };
      await create('a', 1);
      const first = queryJobs(db, {}, all);
      expect(queryJobs(db, {}, all)).toBe(first);
      expect(findJob(db, 'a')).toBe(findJob(db, 'a'));
      // Shared, so frozen to the leaves.
      expect(Object.isFrozen(first.rows[0]) && Object.isFrozen(first.rows[0]!.params)).toBe(true);
      await create('b', 2);
      expect(ids(queryJobs(db, {}, all))).toEqual(['b', 'a']);
      // Another connection (another process would do the same).
      second.run("UPDATE jobs SET status = 'FAILED' WHERE id = 'a'");
      expect(findJob(db, 'a')?.status).toBe('FAILED');
      expect(queryJobs(db, { statuses: ['FAILED'] }, all).total).toBe(1);
      // A read inside a transaction that rolls back is not kept.
      expect(() =>
        db.transaction(() => {
          db.run("UPDATE jobs SET status = 'CANCELLED' WHERE id = 'a'");
          expect(findJob(db, 'a')?.status).toBe('CANCELLED');
          throw new Error('roll back');
        })(),
      ).toThrow('roll back');
      expect(findJob(db, 'a')?.status).toBe('FAILED');
      await log.close();
    } finally {
      second.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
