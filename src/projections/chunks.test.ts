import { describe, expect, test } from 'bun:test';
import { Database } from 'bun:sqlite';
import { chunkStream } from '../events/chunk.ts';
import { createSqliteLog } from '../events/log/sqlite.ts';
import type { NewEvent } from '../events/types.ts';
import { silentLogger } from '../logger.ts';
import { allProjections, chunksTable, createProjectionRunner, jobsTable } from './index.ts';

const at = (i: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();

const setup = () => {
  const db = new Database(':memory:', { strict: true });
  const log = createSqliteLog({ db, maxEventBytes: 1 << 20, now: () => at(0), onCorrupt: () => {} });
  const runner = createProjectionRunner({ db, log, projections: allProjections(), logger: silentLogger });
  runner.init();
  return { db, log, runner };
};

type Log = ReturnType<typeof setup>['log'];

/** Appends to a stream at its current version. */
const put = async (log: Log, stream: string, events: NewEvent[]) => log.append(stream, events, await log.version(stream));

const job = (log: Log, id: string, events: NewEvent[]) => put(log, `job:${id}`, events);
const created = (id: string, n: number, attempt = 1): NewEvent => ({
  type: 'ChunkCreated',
  data: { jobId: id, n, ...(attempt > 1 ? { attempt } : {}), kind: 'k', spec: { n }, params: {}, at: at(n) },
});
const chunk = (log: Log, id: string, n: number, events: NewEvent[], attempt = 1) => put(log, chunkStream(id, n, attempt), events);
const plan = (n: number): NewEvent => ({ type: 'JobPlanned', data: { chunks: Array.from({ length: n }, (_, i) => ({ n: i, spec: {} })), at: at(1) } });

/**
 * A log as MPR wrote it before chunks recorded their start or their
 * cancellation: only ChunkCreated and an outcome per chunk that ran.
 */
const writeOldLog = async (log: Log) => {
  // Cancelled with chunk 0 done and chunks 1, 2 never started.
  await job(log, 'jc', [{ type: 'JobCreated', data: { jobId: 'jc', kind: 'k', params: {}, at: at(0) } }, plan(3)]);
  for (const n of [0, 1, 2]) await chunk(log, 'jc', n, [created('jc', n)]);
  await chunk(log, 'jc', 0, [{ type: 'ChunkSucceeded', data: { jobId: 'jc', n: 0, result: 1, at: at(5) } }]);
  await job(log, 'jc', [
    { type: 'ChunkReported', data: { n: 0, result: 1, at: at(6) } },
    { type: 'JobCancelled', data: { reason: 'cancelled by user', at: at(7) } },
  ]);
  // Failed by chunk 0; chunk 1 never ran.
  await job(log, 'jf', [{ type: 'JobCreated', data: { jobId: 'jf', kind: 'k', params: {}, at: at(0) } }, plan(2)]);
  for (const n of [0, 1]) await chunk(log, 'jf', n, [created('jf', n)]);
  await chunk(log, 'jf', 0, [{ type: 'ChunkFailed', data: { jobId: 'jf', n: 0, reason: 'boom', at: at(5) } }]);
  await job(log, 'jf', [{ type: 'JobFailed', data: { reason: 'boom', at: at(6) } }]);
  // Cancelled while its chunks were being created (one lands after the cancel), then retried: attempt 2 waits for workers.
  await job(log, 'jr', [{ type: 'JobCreated', data: { jobId: 'jr', kind: 'k', params: {}, at: at(0) } }, plan(2)]);
  await chunk(log, 'jr', 0, [created('jr', 0)]);
  await job(log, 'jr', [{ type: 'JobCancelled', data: { reason: 'cancelled by user', at: at(3) } }]);
  await chunk(log, 'jr', 1, [created('jr', 1)]);
  await job(log, 'jr', [{ type: 'JobRetried', data: { attempt: 2, at: at(8) } }, plan(2)]);
  for (const n of [0, 1]) await chunk(log, 'jr', n, [created('jr', n, 2)], 2);
};

const statuses = (db: Database) => chunksTable.dump(db).map((c) => `${c.job_id}/a${c.attempt}/${c.n} ${c.status}`);

describe('chunks read model', () => {
  test("an ended attempt's unstarted chunks are CANCELLED, also in a log written before chunks recorded it", async () => {
    const { db, log, runner } = setup();
    await writeOldLog(log);
    await runner.catchUp();
    expect(statuses(db)).toEqual([
      'jc/a1/0 SUCCEEDED',
      'jc/a1/1 CANCELLED',
      'jc/a1/2 CANCELLED',
      'jf/a1/0 FAILED',
      'jf/a1/1 CANCELLED',
      'jr/a1/0 CANCELLED',
      'jr/a1/1 CANCELLED',
      'jr/a2/0 QUEUED',
      'jr/a2/1 QUEUED',
    ]);
    expect(chunksTable.load(db, ['jc', 1, 1])).toMatchObject({ error: 'the job was cancelled: cancelled by user', finished_at: at(7) });
    expect(chunksTable.load(db, ['jf', 1, 1])).toMatchObject({ error: 'the job failed: boom' });
    expect(chunksTable.load(db, ['jr', 1, 1])).toMatchObject({ error: 'attempt 2 replaced this one', finished_at: at(8) });
    // Only the live attempt's chunks wait for a worker (the status strip's queue depth).
    expect(chunksTable.count(db, "WHERE status = 'QUEUED'")).toBe(2);

    // A rebuild folds the whole log in one batch; the same rows come out as one event at a time.
    const oneByOne = setup();
    await writeOldLog(oneByOne.log);
    await oneByOne.runner.catchUp(1);
    await runner.rebuild();
    expect(JSON.stringify({ chunks: chunksTable.dump(db), jobs: jobsTable.dump(db) })).toBe(
      JSON.stringify({ chunks: chunksTable.dump(oneByOne.db), jobs: jobsTable.dump(oneByOne.db) }),
    );
  });

  test('a started chunk is RUNNING on its worker; a cancelled one stays cancelled when its late start or its own cancellation comes in', async () => {
    const { db, log, runner } = setup();
    await job(log, 'j', [{ type: 'JobCreated', data: { jobId: 'j', kind: 'k', params: {}, at: at(0) } }, plan(2)]);
    for (const n of [0, 1]) await chunk(log, 'j', n, [created('j', n)]);
    await chunk(log, 'j', 0, [{ type: 'ChunkStarted', data: { jobId: 'j', n: 0, worker: 'node-a', at: at(4) } }]);
    await runner.catchUp();
    expect(chunksTable.load(db, ['j', 1, 0])).toMatchObject({ status: 'RUNNING', worker: 'node-a', started_at: at(4), finished_at: null });
    expect(chunksTable.load(db, ['j', 1, 1])).toMatchObject({ status: 'QUEUED', worker: null });

    await job(log, 'j', [{ type: 'JobCancelled', data: { reason: 'cancelled by user', at: at(5) } }]);
    await chunk(log, 'j', 1, [{ type: 'ChunkStarted', data: { jobId: 'j', n: 1, worker: 'node-b', at: at(6) } }]);
    await chunk(log, 'j', 0, [{ type: 'ChunkCancelled', data: { jobId: 'j', n: 0, reason: 'the job cancelled', at: at(7) } }]);
    await runner.catchUp();
    expect(statuses(db)).toEqual(['j/a1/0 CANCELLED', 'j/a1/1 CANCELLED']);
    // The first word on it stays: the job's cancel, not the runner's later record.
    expect(chunksTable.load(db, ['j', 1, 0])).toMatchObject({ error: 'the job was cancelled: cancelled by user', finished_at: at(5) });
  });
});
