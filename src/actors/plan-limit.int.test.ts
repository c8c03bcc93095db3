/**
 * MPR_MAX_CHUNKS in the jobs router, for plans submission cannot see: a
 * plan that grew since it was checked (a replan) and a staged job, whose
 * stages are planned one by one. Either fails the job with the reason; a
 * job within the limit completes.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { System } from '../system.ts';
import { testEnv } from '../../test/system.ts';
import { waitForJob } from '../../test/wait.ts';
import { kindsOf, planTooLarge, type JobKind } from './job-kind.ts';
import { submitJob } from './submit.ts';

type Sized = { size: number; grow?: number };

let plans = 0;
/** Plans `size` chunks, and `grow` more on every plan after the first (submission's count). */
const sized: JobKind<Sized> = {
  name: 'sized',
  validate: (p) => p as Sized,
  plan: async ({ size, grow = 0 }) => Array.from({ length: size + (plans++ > 0 ? grow : 0) }, (_, n) => ({ n, spec: {} })),
  run: async (c) => c.n,
  combine: (rs) => rs.length,
};

/** Two stages of `size` chunks each: the job's size is known only when the second is planned. */
const staged: JobKind<Sized> = {
  name: 'staged',
  validate: (p) => p as Sized,
  stages: {
    order: () => ['one', 'two'],
    plan: async (_stage, { size }) => ({ run: Array.from({ length: size }, () => ({})) }),
    finish: async (_stage, results) => ({ output: results.length, stats: {} }),
  },
  run: async (c) => c.n,
  combine: (outputs) => outputs,
  tooManyChunks: () => ({ field: 'size', advice: 'ask for fewer' }),
};

const env = testEnv('sqlite', 'plan-limit', { MPR_MAX_CHUNKS: '5' });
let s: System;
beforeAll(async () => {
  s = await env.boot({ kinds: kindsOf(sized, staged), workConcurrency: 2 });
  await s.start();
});
afterAll(() => env.cleanup());

test('the refusal names the count, the limit and the setting, with the kind’s hint when it has one', () => {
  const kinds = s.kinds;
  expect(planTooLarge(kinds, 'sized', { size: 5 }, 5)).toBeNull();
  expect(planTooLarge(kinds, 'sized', { size: 6 }, 6)).toBe('this plan makes 6 work items, more than MPR_MAX_CHUNKS (5); ask for less work in one job');
  expect(planTooLarge(kinds, 'staged', { size: 6 }, 6)).toBe('size: this plan makes 6 work items, more than MPR_MAX_CHUNKS (5); ask for fewer');
});

test('a plan that grew past the limit after submission fails the job; one at the limit completes', async () => {
  plans = 0;
  const { jobId } = await submitJob(s, { kind: 'sized', params: { size: 4, grow: 2 } });
  const failed = await waitForJob(s, jobId, ['FAILED', 'COMPLETED']);
  expect(failed.status).toBe('FAILED');
  expect(failed.error).toContain('this plan makes 6 work items, more than MPR_MAX_CHUNKS (5)');
  plans = 0;
  const ok = await submitJob(s, { kind: 'sized', params: { size: 5 } });
  expect((await waitForJob(s, ok.jobId, ['FAILED', 'COMPLETED'])).status).toBe('COMPLETED');
});

test('a staged job fails when its stages together plan past the limit', async () => {
  const { jobId } = await submitJob(s, { kind: 'staged', params: { size: 3 } });
  const job = await waitForJob(s, jobId, ['FAILED', 'COMPLETED']);
  expect(job.status).toBe('FAILED');
  expect(job.error).toBe('planning stage two failed: size: this plan makes 6 work items, more than MPR_MAX_CHUNKS (5); ask for fewer');
  const ok = await submitJob(s, { kind: 'staged', params: { size: 2 } });
  expect((await waitForJob(s, ok.jobId, ['FAILED', 'COMPLETED'])).status).toBe('COMPLETED');
});
