import { describe, expect, test } from 'bun:test';
import { AppError } from '../errors.ts';
import type { JobEvent, StageOutcome } from '../events/job.ts';
import type { StageEvent } from '../events/stage.ts';
import { given } from './decider.ts';
import { jobDecider } from './job.ts';
import { chunksOfStage, stageOutputs } from './job-stages.ts';
import { stageDecider } from './stage.ts';

const at = '2026-01-01T00:00:00.000Z';
const codeOf = (e: unknown) => (e instanceof AppError ? e.code : String(e));
const created = (control?: { pauseAfter?: string | null; step?: boolean }): JobEvent => ({
  type: 'JobCreated',
  data: { jobId: 'd1', kind: 'staged', params: {}, ...(control ? { control } : {}), at },
});
const place = (index: number) => ({ index, count: 3 });
const plannedStage = (stage: string, index: number, ns: number[]): JobEvent => ({
  type: 'JobPlanned',
  data: { chunks: ns.map((n) => ({ n, spec: {}, stage })), stage, place: place(index), at },
});
const reported = (n: number): JobEvent => ({ type: 'ChunkReported', data: { n, result: { n }, at } });
const done = (output: unknown = { ok: true }): StageOutcome => ({
  status: 'done',
  output,
  stats: { frames: 2 },
  checkpointId: 'c',
  reason: null,
  reusedFrom: null,
  ms: 5,
});
const finished = (stage: string, index: number, outcome = done()): JobEvent => ({
  type: 'JobStageFinished',
  data: { stage, place: place(index), outcome, at },
});
const finish = (stage: string, index: number, outcome = done()) => ({ type: 'FinishStage' as const, data: { stage, place: place(index), outcome, at } });
const plan = (stage: string, index: number, ns: number[]) => ({
  type: 'PlanJob' as const,
  data: { chunks: ns.map((n) => ({ n, spec: {} })), stage, place: place(index), at },
});

describe('staged jobs: the job decider', () => {
  test('stages are planned one at a time: the next only once the last finished', () => {
    const g = given(jobDecider, [created(), plannedStage('a', 0, [0, 1])]);
    expect(g.state.stage).toBe('a');
    expect(codeOf(g.when(plan('b', 1, [2])).error)).toBe('invalid_state');
    expect(g.when(plan('a', 0, [0, 1])).events).toEqual([]); // a repeat
    const after = given(jobDecider, [created(), plannedStage('a', 0, [0, 1]), reported(0), reported(1), finished('a', 0)]);
    expect(after.state.stage).toBeNull();
    expect(after.state.stages.a?.status).toBe('done');
    expect(after.when(plan('b', 1, [2])).events).toEqual([plannedStage('b', 1, [2])]);
    expect(codeOf(after.when(plan('b', 1, [1])).error)).toBe('validation'); // a number the plan already has
    const both = given(jobDecider, [created(), plannedStage('a', 0, [0, 1]), reported(0), reported(1), finished('a', 0), plannedStage('b', 1, [2])]);
    expect(both.state.plan?.map((c) => c.n)).toEqual([0, 1, 2]);
    expect(chunksOfStage(both.state, 'b').map((c) => c.n)).toEqual([2]);
  });

  test('a stage finishes only when its chunks all reported; finishing twice decides nothing', () => {
    const g = given(jobDecider, [created(), plannedStage('a', 0, [0, 1]), reported(0)]);
    expect(codeOf(g.when(finish('a', 0)).error)).toBe('invalid_state');
    expect(codeOf(g.when(finish('b', 1)).error)).toBe('invalid_state');
    const all = given(jobDecider, [created(), plannedStage('a', 0, [0, 1]), reported(0), reported(1)]);
    expect(all.when(finish('a', 0)).events).toEqual([finished('a', 0)]);
    expect(given(jobDecider, [created(), plannedStage('a', 0, [0]), reported(0), finished('a', 0)]).when(finish('a', 0)).events).toEqual([]);
  });

  test('a skipped or reused stage finishes without chunks, the first one too', () => {
    const skipped: StageOutcome = { status: 'skipped', output: null, stats: {}, checkpointId: null, reason: 'not available yet', reusedFrom: null, ms: 0 };
    const g = given(jobDecider, [created()]);
    expect(g.when(finish('a', 0, skipped)).events).toEqual([finished('a', 0, skipped)]);
    const s = given(jobDecider, [created(), finished('a', 0, skipped)]).state;
    expect(s.status).toBe('planned');
    expect(stageOutputs(['a', 'b'], s.stages)).toEqual([null, null]);
  });

  test('a job cannot complete while a stage runs', () => {
    const g = given(jobDecider, [created(), plannedStage('a', 0, [0]), reported(0)]);
    expect(codeOf(g.when({ type: 'CompleteJob', data: { result: 1, at } }).error)).toBe('invalid_state');
  });
});

describe('run control: the job decider', () => {
  const running = [created(), plannedStage('a', 0, [0, 1])];
  test('pause, then resume; a second pause or a resume of a running job decides nothing', () => {
    const g = given(jobDecider, running);
    const paused: JobEvent = { type: 'JobPaused', data: { reason: 'by me', at } };
    expect(g.when({ type: 'PauseJob', data: { reason: 'by me', at } }).events).toEqual([paused]);
    const p = given(jobDecider, [...running, paused]);
    expect(p.state.paused).toBe(true);
    expect(p.when({ type: 'PauseJob', data: { reason: 'again', at } }).events).toEqual([]);
    expect(p.when({ type: 'ResumeJob', data: { step: false, at } }).events).toEqual([{ type: 'JobResumed', data: { step: false, at } }]);
    expect(g.when({ type: 'ResumeJob', data: { step: false, at } }).events).toEqual([]);
  });

  test('a paused job plans no stage; finishing the running one still happens', () => {
    const paused: JobEvent = { type: 'JobPaused', data: { reason: 'x', at } };
    const g = given(jobDecider, [...running, paused, reported(0), reported(1)]);
    expect(g.when(finish('a', 0)).events).toEqual([finished('a', 0)]);
    const between = given(jobDecider, [...running, paused, reported(0), reported(1), finished('a', 0)]);
    expect(between.when(plan('b', 1, [2])).events).toEqual([]);
  });

  test('step: the stage running ends, then the job pauses; the last stage never pauses', () => {
    const stepping = [...running, { type: 'JobResumed', data: { step: true, at } } as JobEvent, reported(0), reported(1)];
    const g = given(jobDecider, stepping);
    expect(g.state.stepping).toBe(true);
    expect(g.when(finish('a', 0)).events).toEqual([finished('a', 0), { type: 'JobPaused', data: { reason: 'stepped: paused after a', stage: 'a', at } }]);
    const last = given(jobDecider, [created({ step: true }), plannedStage('c', 2, [0]), reported(0)]);
    expect(last.when(finish('c', 2)).events).toEqual([finished('c', 2)]);
  });

  test('pause after a named stage: only that one, once', () => {
    const g = given(jobDecider, [created({ pauseAfter: 'b' }), plannedStage('a', 0, [0]), reported(0)]);
    expect(g.when(finish('a', 0)).events).toEqual([finished('a', 0)]);
    const atB = given(jobDecider, [
      created({ pauseAfter: 'b' }),
      plannedStage('a', 0, [0]),
      reported(0),
      finished('a', 0),
      plannedStage('b', 1, [1]),
      reported(1),
    ]);
    const events = atB.when(finish('b', 1)).events!;
    expect(events.at(-1)).toEqual({ type: 'JobPaused', data: { reason: 'paused after b', stage: 'b', at } });
    const after = given(jobDecider, [
      created({ pauseAfter: 'b' }),
      plannedStage('a', 0, [0]),
      reported(0),
      finished('a', 0),
      plannedStage('b', 1, [1]),
      reported(1),
      ...events,
    ]);
    expect(after.state.pauseAfter).toBeNull();
    expect(after.when({ type: 'SetPauseAfter', data: { stage: 'c', at } }).events).toEqual([{ type: 'JobPauseAfterSet', data: { stage: 'c', at } }]);
  });

  test('run control on an ended or unknown job is refused', () => {
    const ended = given(jobDecider, [created(), { type: 'JobCancelled', data: { reason: 'stopped', at } }] as JobEvent[]);
    for (const cmd of [
      { type: 'PauseJob' as const, data: { reason: 'x', at } },
      { type: 'ResumeJob' as const, data: { step: false, at } },
      { type: 'SetPauseAfter' as const, data: { stage: 'a', at } },
    ]) {
      expect(codeOf(ended.when(cmd).error)).toBe('invalid_state');
      expect(codeOf(given(jobDecider, []).when(cmd).error)).toBe('not_found');
    }
  });

  test('a retry starts the stages afresh and forgets run control', () => {
    const s = given(jobDecider, [
      created({ pauseAfter: 'a' }),
      plannedStage('a', 0, [0]),
      { type: 'JobFailed', data: { reason: 'x', at } },
      { type: 'JobRetried', data: { attempt: 2, at } },
    ] as JobEvent[]).state;
    expect(s).toMatchObject({ status: 'created', stage: null, stages: {}, paused: false, pauseAfter: null, stepping: false, plan: null });
  });
});

describe('the stage decider', () => {
  const started: Extract<StageEvent, { type: 'StageStarted' }> = {
    type: 'StageStarted',
    data: { jobId: 'd1', stage: 'a', attempt: 1, chunks: 2, config: {}, at },
  };
  const completed = (attempt: number): Extract<StageEvent, { type: 'StageCompleted' }> => ({
    type: 'StageCompleted',
    data: {
      jobId: 'd1',
      stage: 'a',
      attempt,
      checkpointId: 'c',
      parentCheckpointId: null,
      scope: null,
      overrides: {},
      stats: {},
      output: null,
      ms: 1,
      reusedFrom: null,
      at,
    },
  });
  test('starts once per attempt, ends once; a late report of an earlier attempt changes nothing', () => {
    expect(given(stageDecider, []).when({ type: 'StartStage', data: started.data }).events).toEqual([started]);
    expect(given(stageDecider, [started]).when({ type: 'StartStage', data: started.data }).events).toEqual([]);
    expect(given(stageDecider, [started]).when({ type: 'CompleteStage', data: completed(1).data }).events).toEqual([completed(1)]);
    expect(given(stageDecider, [started, completed(1)]).when({ type: 'CompleteStage', data: completed(1).data }).events).toEqual([]);
    const again = { ...started.data, attempt: 2 };
    expect(given(stageDecider, [started, completed(1)]).when({ type: 'StartStage', data: again }).events).toHaveLength(1);
    expect(given(stageDecider, [started, { type: 'StageStarted', data: again }]).when({ type: 'CompleteStage', data: completed(1).data }).events).toEqual([]);
  });

  test('only a started stage fails', () => {
    const fail = { jobId: 'd1', stage: 'a', attempt: 1, reason: 'boom', at };
    expect(given(stageDecider, []).when({ type: 'FailStage', data: fail }).events).toEqual([]);
    expect(given(stageDecider, [started]).when({ type: 'FailStage', data: fail }).events).toEqual([{ type: 'StageFailed', data: fail }]);
  });
});
