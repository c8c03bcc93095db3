import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import type { JobEvent } from '../events/job.ts';
import { given } from './decider.ts';
import { jobDecider } from './job.ts';

const at = '2026-01-01T00:00:00.000Z';
const created: JobEvent = { type: 'JobCreated', data: { jobId: 'j1', kind: 'checksum', params: { path: '/x' }, at } };
const planned: JobEvent = {
  type: 'JobPlanned',
  data: {
    chunks: [
      { n: 0, spec: {} },
      { n: 1, spec: {} },
    ],
    at,
  },
};
const reported = (n: number): JobEvent => ({ type: 'ChunkReported', data: { n, result: { n }, at } });

const codeOf = (e: unknown) => (e instanceof AppError ? e.code : String(e));

describe('job decider', () => {
  test('given nothing, when CreateJob, then JobCreated', () => {
    expect(given(jobDecider, []).when({ type: 'CreateJob', data: created.data as never }).events).toEqual([created]);
  });

  test('given a job, when CreateJob again, then a conflict', () => {
    expect(codeOf(given(jobDecider, [created]).when({ type: 'CreateJob', data: created.data as never }).error)).toBe('conflict');
  });

  test('given a created job, when PlanJob, then JobPlanned; a second plan decides nothing', () => {
    expect(given(jobDecider, [created]).when({ type: 'PlanJob', data: planned.data as never }).events).toEqual([planned]);
    expect(given(jobDecider, [created, planned]).when({ type: 'PlanJob', data: planned.data as never }).events).toEqual([]);
  });

  test('a plan with repeated chunk numbers is refused', () => {
    const bad = {
      chunks: [
        { n: 0, spec: {} },
        { n: 0, spec: {} },
      ],
      at,
    };
    expect(codeOf(given(jobDecider, [created]).when({ type: 'PlanJob', data: bad }).error)).toBe('validation');
  });

  test('given a planned job, when a chunk reports twice, then it is recorded once', () => {
    const g = given(jobDecider, [created, planned]);
    expect(g.when({ type: 'ReportChunk', data: { n: 0, result: { n: 0 }, at } }).events).toEqual([reported(0)]);
    expect(given(jobDecider, [created, planned, reported(0)]).when({ type: 'ReportChunk', data: { n: 0, result: 'again', at } }).events).toEqual([]);
  });

  test('a chunk outside the plan is refused', () => {
    expect(codeOf(given(jobDecider, [created, planned]).when({ type: 'ReportChunk', data: { n: 7, result: null, at } }).error)).toBe('validation');
  });

  test('a job completes only when every chunk reported, and only once', () => {
    const complete = { type: 'CompleteJob', data: { result: 'r', at } } as const;
    expect(codeOf(given(jobDecider, [created, planned, reported(0)]).when(complete).error)).toBe('invalid_state');
    expect(given(jobDecider, [created, planned, reported(0), reported(1)]).when(complete).events).toEqual([
      { type: 'JobCompleted', data: { result: 'r', at } },
    ]);
    const done: JobEvent = { type: 'JobCompleted', data: { result: 'r', at } };
    expect(given(jobDecider, [created, planned, reported(0), reported(1), done]).when(complete).events).toEqual([]);
  });

  test('cancel: a running job cancels once; a completed one refuses', () => {
    const cancel = { type: 'CancelJob', data: { reason: 'user', at } } as const;
    const cancelled: JobEvent = { type: 'JobCancelled', data: { reason: 'user', at } };
    expect(given(jobDecider, [created, planned]).when(cancel).events).toEqual([cancelled]);
    expect(given(jobDecider, [created, planned, cancelled]).when(cancel).events).toEqual([]);
    const done: JobEvent = { type: 'JobCompleted', data: { result: 'r', at } };
    expect(codeOf(given(jobDecider, [created, planned, reported(0), reported(1), done]).when(cancel).error)).toBe('invalid_state');
    expect(codeOf(given(jobDecider, []).when(cancel).error)).toBe('not_found');
  });

  test('reports after a cancel are ignored; failing a finished job decides nothing', () => {
    const cancelled: JobEvent = { type: 'JobCancelled', data: { reason: 'user', at } };
    expect(given(jobDecider, [created, planned, cancelled]).when({ type: 'ReportChunk', data: { n: 0, result: null, at } }).events).toEqual([]);
    expect(given(jobDecider, [created, planned, cancelled]).when({ type: 'FailJob', data: { reason: 'x', at } }).events).toEqual([]);
  });

  test('a fork starts from the parent state it carries', () => {
    const forked: JobEvent = {
      type: 'JobForked',
      data: { jobId: 'j2', parent: 'j1', fromPosition: 3, overrides: {}, kind: 'checksum', params: {}, plan: planned.data.chunks, done: { '0': { n: 0 } }, at },
    };
    const { state } = given(jobDecider, [forked]);
    expect(state.status).toBe('planned');
    expect(state.parent).toBe('j1');
    expect(given(jobDecider, [forked]).when({ type: 'ReportChunk', data: { n: 0, result: null, at } }).events).toEqual([]);
    expect(given(jobDecider, [forked]).when({ type: 'ReportChunk', data: { n: 1, result: 1, at } }).events).toHaveLength(1);
  });

  test('evolve passes over unknown and corrupt events', () => {
    const { state } = given(jobDecider, [created, { type: 'FromTheFuture', data: {} } as never, { type: '$corrupt', data: {} } as never]);
    expect(state.status).toBe('created');
  });

  test('retry: a failed or cancelled job runs again as its next attempt, up to the limit', () => {
    const failed: JobEvent = { type: 'JobFailed', data: { reason: 'boom', at } };
    const retried: JobEvent = { type: 'JobRetried', data: { attempt: 2, at } };
    const retry = { type: 'RetryJob' as const, data: { maxAttempts: 2, at } };
    expect(given(jobDecider, [created, planned, failed]).when(retry).events).toEqual([retried]);
    expect(given(jobDecider, [created, planned, { type: 'JobCancelled', data: { reason: 'x', at } }]).when(retry).events).toEqual([retried]);
    expect(codeOf(given(jobDecider, [created, planned, failed, retried, failed]).when(retry).error)).toBe('invalid_state');
    expect(codeOf(given(jobDecider, [created, planned]).when(retry).error)).toBe('invalid_state');
  });

  test('after a retry, reports and failures from the earlier attempt are ignored', () => {
    const history: JobEvent[] = [
      created,
      planned,
      { type: 'JobFailed', data: { reason: 'boom', at } },
      { type: 'JobRetried', data: { attempt: 2, at } },
      planned,
    ];
    expect(given(jobDecider, history).when({ type: 'ReportChunk', data: { n: 0, result: 1, at } }).events).toEqual([]);
    expect(given(jobDecider, history).when({ type: 'FailJob', data: { reason: 'late', attempt: 1, at } }).events).toEqual([]);
    expect(given(jobDecider, history).when({ type: 'ReportChunk', data: { n: 0, result: 1, attempt: 2, at } }).events).toHaveLength(1);
  });
});
