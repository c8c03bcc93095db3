import { describe, expect, test } from 'bun:test';
import { ApiError, type Api, type LiveHandlers, type LiveOptions } from '../api.ts';
import type { DetectJob, StageInfo } from '../detect-api.ts';
import { detectStatus as status, runEvent as ev, stageRow as row } from '../../test/detect-fixtures.ts';
import { createDetectRunStore, phaseOf, replayBlock, runParams } from './detect-run.ts';

const jobRow = (over: Partial<DetectJob> = {}): DetectJob =>
  ({
    id: 'r1',
    kind: 'detect',
    status: 'PROCESSING',
    params: {
      timelineId: 't1',
      profile: 'soccer_broadcast',
      brandListId: 'b1',
      order: ['extract_frames', 'ocr', 'match_brands'],
      configs: { extract_frames: { fps: 2 }, ocr: { det_width: 960 }, match_brands: { min_similarity: 0.8 } },
      replay: null,
    },
    createdAt: '2026-01-01T00:00:00Z',
    ...over,
  }) as DetectJob;

const info = (name: string, available = true): StageInfo => ({ name, description: '', available, schema: { type: 'object', properties: {} }, defaults: {} });

const fake = () => {
  const calls: string[] = [];
  const state = { status: status(), job: jobRow(), pipelineFails: false };
  let handlers: LiveHandlers = {};
  let liveOpts: LiveOptions = {};
  let closed = 0;
  const detect = {
    status: async (id: string) => {
      calls.push(`status ${id}`);
      return state.status;
    },
    runJob: async (id: string) => {
      calls.push(`job ${id}`);
      return state.job;
    },
    stages: async () => [info('extract_frames'), info('ocr'), info('match_brands')],
    pipeline: async (name: string) => {
      calls.push(`pipeline ${name}`);
      if (state.pipelineFails) throw new ApiError(404, 'not_found', 'no profile');
      return { name, order: [], edges: [{ from: 'extract_frames', to: 'ocr', flow: 'all' }], configs: {} };
    },
    timeline: async () => ({ name: 'Derby, first half' }),
    brandList: async () => Promise.reject(new ApiError(404, 'not_found', 'gone')),
    pause: async (id: string) => {
      calls.push(`pause ${id}`);
      return status({ paused: true, pauseReason: 'paused by ada' });
    },
    resume: async () => status(),
    step: async () => status({ stepping: true }),
    stop: async () => Promise.reject(new ApiError(409, 'invalid_state', 'job r1 has ended')),
    pauseAfterStage: async (id: string, stage: string | null) => {
      calls.push(`pause-after ${id} ${stage}`);
      return status({ pauseAfter: stage });
    },
    replayStage: async (r: { jobId: string; stage: string; overrides?: Record<string, unknown>; downstream?: boolean }) => {
      calls.push(`replay ${JSON.stringify(r)}`);
      if (r.overrides?.min_similarity === 2) throw new ApiError(400, 'validation', 'overrides.min_similarity: must be at most 1, got 2');
      return { jobId: 'r2' };
    },
  };
  const api = {
    detect: detect as unknown as Api['detect'],
    live: (o: LiveOptions, h: LiveHandlers) => {
      liveOpts = o;
      handlers = h;
      return () => closed++;
    },
  };
  return { api, calls, state, handlers: () => handlers, liveOpts: () => liveOpts, closed: () => closed };
};

describe('detect run store', () => {
  test('start reads the status, the row, the stages, the edges and the names, then opens the job stream from 0', async () => {
    const f = fake();
    const s = createDetectRunStore(f.api, 'r1', { refetchDelayMs: 1 });
    await s.start();
    expect(s.status()!.stage).toBe('ocr');
    expect(s.config('ocr')).toEqual({ det_width: 960 });
    expect(s.config('nope')).toBeNull();
    expect(s.stageInfo('ocr')!.name).toBe('ocr');
    expect(s.edges()).toEqual([{ from: 'extract_frames', to: 'ocr', flow: 'all' }]);
    expect(s.names()).toEqual({ timeline: 'Derby, first half', brandList: null });
    expect(f.calls).toContain('pipeline soccer_broadcast');
    expect(f.liveOpts().job).toBe('r1');
    expect(f.liveOpts().after).toBe(0);
    s.stop();
    expect(f.closed()).toBe(1);
  });

  test('a profile that is gone: the stages are drawn as a chain', async () => {
    const f = fake();
    f.state.pipelineFails = true;
    const s = createDetectRunStore(f.api, 'r1', { refetchDelayMs: 1 });
    await s.start();
    expect(s.edges().map((e) => `${e.from}>${e.to}`)).toEqual(['extract_frames>ocr', 'ocr>match_brands']);
    expect(s.error()).toBeNull();
  });

  test('a burst of events is one status fetch; a change of state reads the row again', async () => {
    const f = fake();
    const s = createDetectRunStore(f.api, 'r1', { refetchDelayMs: 5 });
    await s.start();
    f.calls.length = 0;
    f.state.status = status({
      status: 'COMPLETED',
      progress: 100,
      stages: [row('extract_frames', 'completed'), row('ocr', 'completed'), row('match_brands', 'completed')],
    });
    f.handlers().onLog!(ev(1, 'stage:r1:ocr'));
    f.handlers().onLog!(ev(2, 'chunk:r1:3'));
    f.handlers().onLog!(ev(2, 'chunk:r1:3')); // a repeat
    f.handlers().onLog!(ev(3, 'job:other'));
    f.handlers().onTelemetry!({ topic: 'job:r1', kind: 'job-progress', data: { jobId: 'r1', percent: 90, fps: null, etaSeconds: null }, at: '' });
    await Bun.sleep(30);
    expect(f.calls.filter((c) => c.startsWith('status'))).toEqual(['status r1']);
    expect(f.calls).toContain('job r1');
    expect(s.status()!.status).toBe('COMPLETED');
    expect(f.liveOpts().resumeFrom!()).toBe(3);
    s.stop();
  });

  test('telemetry for another job does nothing; the same state does not read the row', async () => {
    const f = fake();
    const s = createDetectRunStore(f.api, 'r1', { refetchDelayMs: 1, tickDelayMs: 1 });
    await s.start();
    f.calls.length = 0;
    f.handlers().onTelemetry!({ topic: 'job:x', kind: 'job-progress', data: { jobId: 'x', percent: 1, fps: null, etaSeconds: null }, at: '' });
    await Bun.sleep(10);
    expect(f.calls).toEqual([]);
    f.handlers().onLog!(ev(5, 'job:r1'));
    await Bun.sleep(10);
    expect(f.calls).toEqual(['status r1']);
    s.stop();
  });

  test('progress ticks are gathered longer; a log event meanwhile brings the one fetch forward', async () => {
    const f = fake();
    const s = createDetectRunStore(f.api, 'r1', { refetchDelayMs: 5, tickDelayMs: 200 });
    await s.start();
    f.calls.length = 0;
    const tick = () =>
      f.handlers().onTelemetry!({ topic: 'job:r1', kind: 'chunk-progress', data: { jobId: 'r1', percent: 50, fps: null, etaSeconds: null }, at: '' });
    tick();
    tick();
    await Bun.sleep(30);
    expect(f.calls).toEqual([]); // still gathering
    f.handlers().onLog!(ev(7, 'stage:r1:ocr'));
    await Bun.sleep(30);
    expect(f.calls).toEqual(['status r1']);
    await Bun.sleep(250);
    expect(f.calls).toEqual(['status r1']); // the ticks' fetch was that one
    s.stop();
  });

  test('controls use the status they answer; a refusal is shown in words', async () => {
    const f = fake();
    const s = createDetectRunStore(f.api, 'r1', { refetchDelayMs: 1 });
    await s.start();
    expect(s.phase()).toBe('running');
    await s.pause();
    expect(s.status()!.paused).toBe(true);
    expect(s.phase()).toBe('paused');
    await Bun.sleep(10);
    expect(f.calls).toContain('job r1'); // paused: a change of state
    await s.pauseAfter('ocr');
    expect(s.status()!.pauseAfter).toBe('ocr');
    expect(f.calls).toContain('pause-after r1 ocr');
    await s.stopRun();
    expect(s.actionError()).toBe('Job r1 has ended.');
    await s.resume();
    expect(s.actionError()).toBeNull();
    s.stop();
  });

  test('replay answers the new branch, and a refusal is thrown as the ApiError', async () => {
    const f = fake();
    const s = createDetectRunStore(f.api, 'r1', { refetchDelayMs: 1 });
    await s.start();
    expect(await s.replayStage('match_brands', { min_similarity: 0.7 }, true)).toBe('r2');
    expect(f.calls).toContain('replay {"jobId":"r1","stage":"match_brands","overrides":{"min_similarity":0.7},"downstream":true}');
    expect(s.branches()).toEqual([{ jobId: 'r2', stage: 'match_brands', downstream: true }]);
    const err = await s.replayStage('match_brands', { min_similarity: 2 }, false).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.message).toBe('overrides.min_similarity: must be at most 1, got 2');
    s.stop();
  });
});

describe('pure parts', () => {
  test('phases', () => {
    expect(phaseOf(null)).toBe('loading');
    expect(phaseOf(status())).toBe('running');
    expect(phaseOf(status({ status: 'PAUSED' }))).toBe('paused');
    expect(phaseOf(status({ paused: true }))).toBe('paused');
    expect(phaseOf(status({ status: 'FAILED', paused: true }))).toBe('ended');
  });

  test('a stage can be replayed once the run has finished it and all before it', () => {
    const s = status();
    expect(replayBlock(s, 'extract_frames')).toBeNull();
    expect(replayBlock(s, 'ocr')).toBe('Replay opens once the run has finished this stage.');
    expect(replayBlock(s, 'match_brands')).toBe('Replay opens once the run has finished this stage.');
    const failed = status({ stages: [row('extract_frames', 'completed'), row('ocr', 'failed'), row('match_brands', 'waiting')] });
    expect(replayBlock(failed, 'ocr')).toBeNull(); // new settings may fix it
    expect(replayBlock(status({ cleared: true }), 'extract_frames')).toContain('cleared');
    expect(replayBlock(s, 'extract_frames', info('extract_frames', false))).toBe('extract_frames is not available yet: it reports skipped.');
    expect(replayBlock(s, 'zz')).toBe('zz is not a stage of this run.');
  });

  test('params read from the job row', () => {
    expect(runParams(jobRow())!.order).toEqual(['extract_frames', 'ocr', 'match_brands']);
    expect(runParams(null)).toBeNull();
    expect(runParams(jobRow({ params: undefined }))).toBeNull();
  });
});
