/**
 * Staged jobs end to end (in-process queue, SQLite log): stages run one
 * after another with their chunks, a skipped stage is recorded as such, the
 * stage actors and the Checkpoint and StageOutput read models follow, and
 * run control — pause between work items, resume, step, pause after a
 * named stage, stop — acts where it says.
 */
import { afterEach, describe, expect, test } from 'bun:test';
import { jobStream } from '../events/job.ts';
import { stageStream } from '../events/stage.ts';
import { checkpointsTable, stageOutputsTable } from '../projections/index.ts';
import { STAGED_ORDER, stagedKind } from '../../test/staged-kind.ts';
import { testEnv, type TestEnv } from '../../test/system.ts';
import { until, waitForJob } from '../../test/wait.ts';
import { kindsOf } from './job-kind.ts';
import { cancelJob, controlJob, submitJob } from './submit.ts';

const types = async (s: { log: { readStream(x: string): Promise<{ type: string }[]> } }, stream: string) => (await s.log.readStream(stream)).map((e) => e.type);

describe('staged jobs', () => {
  let env: TestEnv;
  afterEach(() => env?.cleanup());

  test('stages run in order, a skipped one is recorded, the read models follow', async () => {
    env = testEnv('sqlite', 'staged');
    const k = stagedKind(2);
    const s = await env.boot({ kinds: kindsOf(k.kind), workConcurrency: 2 });
    await s.start();
    const { jobId } = await submitJob(s, { kind: 'staged', params: { skipB: true } });
    await until(() => k.started.length === 2, 'stage a to start');
    expect(k.started.sort()).toEqual(['a0', 'a1']); // c waits for a
    k.openStage('a');
    await until(() => k.started.length === 4, 'stage c to start');
    k.openStage('c');
    const job = await waitForJob(s, jobId, ['COMPLETED', 'FAILED']);
    expect(job.status).toBe('COMPLETED');
    // a: 1 + 2; b skipped; c: 1 + 2 + a's 3.
    expect(job.result).toEqual({ outputs: [{ sum: 3 }, null, { sum: 6 }] });
    expect(job.stage_count).toBe(3);
    expect(await types(s, stageStream(jobId, 'a'))).toEqual(['StageStarted', 'StageCompleted']);
    expect(await types(s, stageStream(jobId, 'b'))).toEqual(['StageSkipped']);
    await s.projections.catchUp();
    const cps = checkpointsTable.select(s.db, 'WHERE job_id = ? ORDER BY created_at, id', [jobId]);
    expect(cps.map((c) => [c.stage, c.parent, c.scope])).toEqual([
      ['a', null, 'scope-1'],
      ['c', `${jobId}-a`, 'scope-1'],
    ]);
    const outs = stageOutputsTable.select(s.db, 'WHERE job_id = ?', [jobId]);
    expect(Object.fromEntries(outs.map((o) => [o.stage, [o.status, o.reason]]))).toEqual({
      a: ['completed', null],
      b: ['skipped', 'not wanted'],
      c: ['completed', null],
    });
    expect(outs.find((o) => o.stage === 'c')).toMatchObject({ output: { sum: 6 }, stats: { chunks: 2 }, config: { stage: 'c' }, chunks: 2 });
  });

  test('pause holds the chunks not started; resume releases them; step and pause-after-stage stop between stages', async () => {
    env = testEnv('sqlite', 'staged-control');
    const k = stagedKind(3);
    // One taker: chunk a0 runs, a1 and a2 wait for it.
    const s = await env.boot({ kinds: kindsOf(k.kind), workConcurrency: 1 });
    await s.start();
    const { jobId } = await submitJob(s, { kind: 'staged', params: {}, control: { pauseAfter: 'b' } });
    await until(() => k.started.length === 1, 'a0 to start');
    expect((await controlJob(s, jobId, { pause: 'paused by test' })).changed).toBe(true);
    k.open('a', 0);
    // The running chunk finished; the others were held, not run.
    await until(async () => (await types(s, jobStream(jobId))).includes('ChunkReported'), 'a0 to report');
    await until(async () => (await s.log.readStream(`chunk:${jobId}:1`)).some((e) => e.type === 'ChunkHeld'), 'a1 to be held');
    await Bun.sleep(200);
    expect(k.started).toEqual(['a0']);
    expect((await waitForJob(s, jobId, ['PAUSED'])).status).toBe('PAUSED');

    // Step: the rest of a runs, then the job pauses before b.
    await controlJob(s, jobId, { resume: { step: true } });
    k.openStage('a');
    await until(async () => (await types(s, jobStream(jobId))).filter((t) => t === 'JobPaused').length === 2, 'the step to pause after a');
    expect(k.planned).toEqual(['a']);
    expect(k.started.sort()).toEqual(['a0', 'a1', 'a2']);

    // Resume: b runs, and the job pauses after it (the pause-after-stage it was created with).
    await controlJob(s, jobId, { resume: { step: false } });
    k.openStage('b');
    await until(async () => (await types(s, jobStream(jobId))).filter((t) => t === 'JobPaused').length === 3, 'the pause after b');
    const paused = (await s.actors.job(jobId).load()).state;
    expect(paused).toMatchObject({ paused: true, pauseReason: 'paused after b', pauseAfter: null, stage: null });
    expect(k.planned).toEqual(['a', 'b']);

    await controlJob(s, jobId, { resume: { step: false } });
    k.openStage('c');
    const job = await waitForJob(s, jobId, ['COMPLETED', 'FAILED']);
    expect(job.status).toBe('COMPLETED');
    expect(k.planned).toEqual(STAGED_ORDER);
  });

  test('stop mid-stage: running chunks are aborted at once, the stage is recorded failed, nothing more starts', async () => {
    env = testEnv('sqlite', 'staged-stop');
    const k = stagedKind(2);
    const s = await env.boot({ kinds: kindsOf(k.kind), workConcurrency: 2 });
    await s.start();
    const { jobId } = await submitJob(s, { kind: 'staged', params: {} });
    await until(() => k.started.length === 2, 'stage a to start');
    const t0 = Date.now();
    await cancelJob(s, jobId, 'stopped by user');
    await until(() => s.work().busy === 0, 'the workers to be free');
    expect(Date.now() - t0).toBeLessThan(1000);
    await until(async () => (await types(s, stageStream(jobId, 'a'))).includes('StageFailed'), 'stage a to be recorded failed');
    expect((await waitForJob(s, jobId, ['CANCELLED'])).error).toBe('stopped by user');
    expect(k.planned).toEqual(['a']);
  });
});
