import { describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { createSqliteLog } from '../events/log/sqlite.ts';
import type { NewEvent } from '../events/types.ts';
import { silentLogger } from '../logger.ts';
import { until } from '../../test/wait.ts';
import { allProjections, checkpointsTable, chunksTable, createProjectionRunner, jobsTable, stageOutputsTable, type AnyProjection } from './index.ts';

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();

const setup = () => {
  const db = new Database(':memory:', { strict: true });
  const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => at(0), onCorrupt: () => {} });
  const make = (projections: AnyProjection[] = allProjections()) => createProjectionRunner({ db, log, projections, logger: silentLogger });
  return { db, log, make };
};

/** A realistic mix: jobs that complete, fail and get cancelled (with their chunks), stage checkpoints with a replayed branch. */
const writeHistory = async (log: ReturnType<typeof setup>['log']) => {
  for (let j = 0; j < 20; j++) {
    const s = `job:j${j}`;
    const chunk = (n: number, events: NewEvent[], expected: number) => log.append(`chunk:j${j}:${n}`, events, expected);
    const ev: NewEvent[] = [
      { type: 'JobCreated', data: { jobId: `j${j}`, kind: 'checksum', params: { j }, at: at(j) } },
      { type: 'JobPlanned', data: { chunks: [0, 1, 2].map((n) => ({ n, spec: {} })), at: at(j + 1) } },
      { type: 'ChunkReported', data: { n: 0, result: 'a', at: at(j + 2) } },
    ];
    await log.append(s, ev, 0);
    for (const n of [0, 1, 2])
      await chunk(n, [{ type: 'ChunkCreated', data: { jobId: `j${j}`, n, kind: 'checksum', spec: {}, params: {}, at: at(j + 1) } }], 0);
    await chunk(
      0,
      [
        { type: 'ChunkStarted', data: { jobId: `j${j}`, n: 0, worker: 'w', at: at(j + 1) } },
        { type: 'ChunkSucceeded', data: { jobId: `j${j}`, n: 0, result: 'a', at: at(j + 2) } },
      ],
      1,
    );
    if (j % 3 === 2) for (const n of [1, 2]) await chunk(n, [{ type: 'ChunkSucceeded', data: { jobId: `j${j}`, n, result: n, at: at(j + 3) } }], 1);
    if (j % 3 === 0) await log.append(s, [{ type: 'JobFailed', data: { reason: `boom ${j}`, at: at(j + 3) } }], 3);
    else if (j % 3 === 1) await log.append(s, [{ type: 'JobCancelled', data: { reason: 'user', at: at(j + 3) } }], 3);
    else {
      await log.append(
        s,
        [1, 2].map((n) => ({ type: 'ChunkReported', data: { n, result: n, at: at(j + 3) } })),
        3,
      );
      await log.append(s, [{ type: 'JobCompleted', data: { result: { ok: j }, at: at(j + 4) } }], 5);
    }
  }
  const stage = (id: string, parent: string | null, stageName: string, v: number, output: unknown) =>
    log.append(
      `stage:p1:${stageName}`,
      [
        {
          type: 'StageCompleted',
          data: {
            jobId: 'p1',
            stage: stageName,
            attempt: 1,
            checkpointId: id,
            parentCheckpointId: parent,
            scope: 't1',
            overrides: { v },
            stats: { frames: v },
            output,
            ms: v * 10,
            reusedFrom: null,
            at: at(v),
          },
        },
      ],
      v - 1,
    );
  await stage('c1', null, 'ocr', 1, { text: ['first'] });
  await stage('c2', 'c1', 'ocr', 2, { text: ['second'] });
  await log.append('job:j2', [{ type: 'SomethingFromTheFuture', data: { x: 1 } }], 6);
};

const dump = (db: Database) => ({
  jobs: jobsTable.dump(db),
  chunks: chunksTable.dump(db),
  checkpoints: checkpointsTable.dump(db),
  outputs: stageOutputsTable.dump(db),
});

describe('projections', () => {
  test('fold jobs, checkpoints and stage outputs into read models', async () => {
    const { db, log, make } = setup();
    const runner = make();
    runner.init();
    await writeHistory(log);
    await runner.catchUp();
    const jobs = jobsTable.dump(db);
    expect(jobs).toHaveLength(20);
    expect(jobsTable.load(db, ['j0'])).toMatchObject({ status: 'FAILED', error: 'boom 0', progress: 33.3, chunks_done: 1, chunks_total: 3 });
    expect(jobsTable.load(db, ['j1'])).toMatchObject({ status: 'CANCELLED', error: 'user' });
    expect(jobsTable.load(db, ['j2'])).toMatchObject({ status: 'COMPLETED', progress: 100, result: { ok: 2 }, attempts: 1, completed_at: at(6) });
    const lane = (j: string) => chunksTable.select(db, 'WHERE job_id = ? ORDER BY n', [j]).map((c) => c.status);
    expect([lane('j0'), lane('j1'), lane('j2')]).toEqual([
      ['SUCCEEDED', 'CANCELLED', 'CANCELLED'],
      ['SUCCEEDED', 'CANCELLED', 'CANCELLED'],
      ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED'],
    ]);
    expect(checkpointsTable.dump(db)).toEqual([
      { id: 'c1', parent: null, job_id: 'p1', stage: 'ocr', scope: 't1', overrides: { v: 1 }, stats: { frames: 1 }, ms: 10, created_at: at(1) },
      { id: 'c2', parent: 'c1', job_id: 'p1', stage: 'ocr', scope: 't1', overrides: { v: 2 }, stats: { frames: 2 }, ms: 20, created_at: at(2) },
    ]);
    expect(stageOutputsTable.dump(db)).toEqual([
      {
        job_id: 'p1',
        stage: 'ocr',
        status: 'completed',
        attempt: 1,
        chunks: 0,
        config: {},
        output: { text: ['second'] },
        stats: { frames: 2 },
        checkpoint_id: 'c2',
        reused_from: null,
        reason: null,
        ms: 20,
        started_at: null,
        updated_at: at(2),
      },
    ]);
    expect(runner.position()).toBe(await log.head());
  });

  test('a rebuild gives byte-identical read models to the live ones', async () => {
    const { db, log, make } = setup();
    const runner = make();
    runner.init();
    const ctl = new AbortController();
    const live = runner.run(ctl.signal);
    await writeHistory(log); // folded live, event by event as they arrive
    await runner.waitFor(await log.head());
    const liveDump = JSON.stringify(dump(db));
    const applied = await runner.rebuild();
    expect(applied).toBe(await log.head());
    expect(JSON.stringify(dump(db))).toBe(liveDump);
    ctl.abort();
    await live;
  });

  test('applying is idempotent: a second runner over the same database applies nothing twice', async () => {
    const { db, log, make } = setup();
    const a = make();
    a.init();
    await writeHistory(log);
    await a.catchUp();
    const before = JSON.stringify(dump(db));
    const b = make();
    b.init();
    expect(await b.catchUp()).toBe(0);
    expect(JSON.stringify(dump(db))).toBe(before);
  });

  test('corrupt and unknown events are passed over; a throwing fold is counted, not fatal', async () => {
    const { db, log, make } = setup();
    const exploding: AnyProjection = {
      ...allProjections()[0]!,
      name: 'exploding',
      table: allProjections().find((p) => p.name === 'checkpoints')!.table,
      keyOf: (e) => (e.type === 'JobCreated' ? ['x'] : null),
      fold: () => {
        throw new Error('bug in fold');
      },
    };
    const runner = make([...allProjections(), exploding]);
    runner.init();
    await log.append(
      'job:q',
      [
        { type: 'JobCreated', data: { jobId: 'q', kind: 'k', params: {}, at: at(1) } },
        { type: 'JobPlanned', data: { chunks: [{ n: 0, spec: {} }], at: at(2) } },
      ],
      0,
    );
    db.run(`UPDATE events SET data = '{broken' WHERE type = 'JobPlanned'`);
    await log.append(
      'job:q',
      [
        { type: 'Mystery', data: {} },
        { type: 'JobFailed', data: { reason: 'r', at: at(3) } },
      ],
      2,
    );
    await runner.catchUp();
    expect(jobsTable.load(db, ['q'])).toMatchObject({ status: 'FAILED', chunks_total: 0 });
    const status = runner.status().find((s) => s.name === 'exploding')!;
    expect(status.errors).toBe(1);
    expect(status.lastError).toContain('position 1 (JobCreated): bug in fold');
    expect(runner.position()).toBe(4);
  });

  test('a projection whose version changed is rebuilt at start', async () => {
    const { db, log, make } = setup();
    const v1 = make();
    v1.init();
    await writeHistory(log);
    await v1.catchUp();
    db.run("UPDATE jobs SET status = 'TAMPERED'");
    const bumped = allProjections().map((p) => (p.name === 'jobs' ? { ...p, version: p.version + 1 } : p));
    const v2 = make(bumped);
    v2.init();
    await v2.catchUp();
    expect(jobsTable.dump(db).some((j) => (j.status as string) === 'TAMPERED')).toBe(false);
    expect(jobsTable.dump(db)).toHaveLength(20);
  });
});

describe('a log replaced under the read models', () => {
  test('is found, said, and the read models are folded again from the log as it is now', async () => {
    const { db, log, make } = setup();
    await writeHistory(log);
    const runner = make();
    runner.init();
    await runner.catchUp();
    expect(jobsTable.load(db, ['j2'])).not.toBeNull();
    expect(await runner.checkLog()).toBeNull();
    const before = await log.identity();

    // The same read models, now over another log (a Redis that came back empty, then one new job).
    const fresh = createSqliteLog({ db: ':memory:', maxEventBytes: 1 << 20, now: () => at(0), onCorrupt: () => {} });
    await fresh.append('job:n1', [{ type: 'JobCreated', data: { jobId: 'n1', kind: 'checksum', params: {}, at: at(9) } }], 0);
    const told: string[] = [];
    const again = createProjectionRunner({
      db,
      log: fresh,
      projections: allProjections(),
      logger: silentLogger,
      now: () => at(50),
      onLogReplaced: async (r) => void told.push(r.reason),
    });
    again.init();
    const r = await again.checkLog();
    expect(r?.reason).toMatch(/^the event log (was replaced: its id changed from .* to .*|went backwards: it ends at position 1, but position \d+ was read)/);
    expect(r?.previous).toEqual({ epoch: before.epoch, position: before.head });
    expect(r?.current.head).toBe(1);
    await until(() => told.length === 1, 'the replacement to be told');
    expect(told).toEqual([r!.reason]);
    expect(jobsTable.load(db, ['j2'])).toBeNull();
    expect(jobsTable.load(db, ['n1'])).not.toBeNull();
    expect(again.position()).toBe(1);
    // Kept, and the new log is now the one they follow: checking again finds nothing.
    expect(again.logReplaced()).toEqual(r);
    expect(await again.checkLog()).toBeNull();
    await fresh.close();
  });

  test('a log that only grew is the same log; read models from before epochs adopt the log they follow', async () => {
    const { db, log, make } = setup();
    await writeHistory(log);
    const runner = make();
    runner.init();
    await runner.catchUp();
    db.run('DELETE FROM read_model_log');
    expect(await runner.checkLog()).toBeNull();
    await log.append('job:more', [{ type: 'JobCreated', data: { jobId: 'more', kind: 'checksum', params: {}, at: at(9) } }], 0);
    await runner.catchUp();
    expect(await runner.checkLog()).toBeNull();
    expect(runner.logReplaced()).toBeNull();
  });
});
