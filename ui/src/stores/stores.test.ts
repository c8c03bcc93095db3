import { describe, expect, test } from 'bun:test';
import { ApiError, type LiveHandlers, type LiveOptions } from '../api.ts';
import type { Job, Preset, StoredEvent } from '../types.ts';
import { createJobsStore, type JobsApi } from './jobs.ts';
import { createLiveStore } from './live.ts';
import { createPresetsStore, fieldMatches, fieldOfMessage, type PresetsApi } from './presets.ts';

const job = (id: string, status: Job['status'] = 'PROCESSING', createdAt = '2026-01-01T00:00:00Z'): Job => ({
  id,
  kind: 'transcode',
  assetId: 'a',
  presetId: 'hls-abr',
  status,
  progress: 10,
  error: null,
  errorDetail: null,
  attempt: 1,
  parent: null,
  chunksTotal: 2,
  chunksDone: 0,
  urls: null,
  renditions: [],
  createdAt,
  updatedAt: createdAt,
  completedAt: null,
});
const ev = (position: number, stream: string, type = 'JobPlanned'): StoredEvent => ({
  stream,
  version: 1,
  position,
  type,
  data: {},
  meta: { at: '', actor: null, causationId: null, correlationId: null },
});

describe('jobs store', () => {
  const api = (jobs: Record<string, Job>): JobsApi => ({
    listJobs: async () => ({ items: Object.values(jobs), total: Object.keys(jobs).length }),
    getJob: async (id) => jobs[id] ?? Promise.reject(new ApiError(404, 'not_found', 'no job')),
    createJob: async () => job('new'),
    cancelJob: async (id) => ({ ...jobs[id]!, status: 'CANCELLED' }),
    retryJob: async () => Promise.reject(new ApiError(409, 'invalid_state', 'job j1 is PROCESSING, not FAILED')),
  });

  test('telemetry moves progress; a job: log event re-fetches the job', async () => {
    const jobs = { j1: job('j1') };
    const s = createJobsStore(api(jobs), { refetchDelayMs: 1 });
    await s.load();
    s.onTelemetry({ topic: 'job:j1', kind: 'job-progress', data: { jobId: 'j1', percent: 42.5, fps: 120, etaSeconds: 7 }, at: '' });
    expect(s.progress.get('j1')).toEqual({ percent: 42.5, fps: 120, etaSeconds: 7, attempt: undefined });
    jobs.j1 = { ...job('j1'), status: 'COMPLETED', progress: 100 };
    s.onLog(ev(9, 'job:j1', 'JobCompleted'));
    s.onLog(ev(10, 'chunk:j1:0', 'ChunkSucceeded')); // chunk streams do not touch the row
    await Bun.sleep(20);
    expect(s.items()[0]!.status).toBe('COMPLETED');
    expect(s.progress.get('j1')).toBeUndefined(); // finished: the live figure is dropped
  });

  test('a new job from the log is put first', async () => {
    const jobs: Record<string, Job> = { j1: job('j1') };
    const s = createJobsStore(api(jobs), { refetchDelayMs: 1 });
    await s.load();
    jobs.j2 = job('j2', 'PENDING', '2026-01-02T00:00:00Z');
    s.onLog(ev(11, 'job:j2', 'JobCreated'));
    await Bun.sleep(20);
    expect(s.items().map((j) => j.id)).toEqual(['j2', 'j1']);
    expect(s.total()).toBe(2);
  });

  test('pages with limit and offset; a new job shows only on the first page; status resets the page', async () => {
    const jobs: Record<string, Job> = {};
    for (let i = 0; i < 5; i++) jobs[`j${i}`] = job(`j${i}`, 'PROCESSING', `2026-01-01T00:00:0${9 - i}Z`);
    const calls: string[] = [];
    const base = api(jobs);
    const s = createJobsStore(
      {
        ...base,
        listJobs: async (q = {}) => {
          calls.push(`${q.status}:${q.limit}@${q.offset}`);
          const all = Object.values(jobs).filter((j) => !q.status || j.status === q.status);
          return { items: all.slice(q.offset ?? 0, (q.offset ?? 0) + (q.limit ?? 50)), total: all.length };
        },
      },
      { refetchDelayMs: 1, pageSize: 2 },
    );
    await s.load();
    expect(s.items().map((j) => j.id)).toEqual(['j0', 'j1']);
    await s.nextPage();
    expect(s.items().map((j) => j.id)).toEqual(['j2', 'j3']);
    expect(s.hasPrev()).toBe(true);
    // Off the first page: a new job counts, but does not push into this page; updates still land.
    jobs.new1 = job('new1', 'PENDING', '2026-02-01T00:00:00Z');
    s.onLog(ev(20, 'job:new1', 'JobCreated'));
    jobs.j2 = { ...jobs.j2!, status: 'COMPLETED' };
    s.onLog(ev(21, 'job:j2', 'JobCompleted'));
    await Bun.sleep(20);
    expect(s.items().map((j) => j.id)).toEqual(['j2', 'j3']);
    expect(s.items()[0]!.status).toBe('COMPLETED');
    expect(s.total()).toBe(6);
    await s.prevPage();
    // On the first page: a new job goes first and the page keeps its size.
    jobs.new2 = job('new2', 'PENDING', '2026-03-01T00:00:00Z');
    s.onLog(ev(22, 'job:new2', 'JobCreated'));
    await Bun.sleep(20);
    expect(s.items().map((j) => j.id)).toEqual(['new2', 'j0']);
    await s.nextPage();
    await s.setStatus('COMPLETED');
    expect(s.offset()).toBe(0);
    expect(calls).toEqual([':2@0', ':2@2', ':2@0', ':2@2', 'COMPLETED:2@0']);
  });

  test('cancel updates the row; a refused retry shows the message on the row', async () => {
    const s = createJobsStore(api({ j1: job('j1') }));
    await s.load();
    expect(await s.cancel('j1')).toBe(true);
    expect(s.items()[0]!.status).toBe('CANCELLED');
    expect(await s.retry('j1')).toBe(false);
    expect(s.rowErrors().j1).toBe('Job j1 is PROCESSING, not FAILED.');
  });
});

describe('presets store', () => {
  test('the field a validation message starts with', () => {
    expect(fieldOfMessage('video.rungs[1].height: must be an even whole number')).toBe('video.rungs[1].height');
    expect(fieldOfMessage('id: already exists')).toBe('id');
    expect(fieldOfMessage('preset mine not found')).toBeNull();
    expect(fieldMatches('video.rungs[1].height', 'video.rungs[1].height')).toBe(true);
    expect(fieldMatches('video.rungs[1].height', 'video.rungs[1]')).toBe(true);
    expect(fieldMatches('video.rungs[1].height', 'video.rungs[0].height')).toBe(false);
    expect(fieldMatches('audio', 'audio.bitrate')).toBe(true);
  });

  test('a refused save keeps the message and its field; a failed delete comes back', async () => {
    const p = {
      id: 'mine',
      name: 'Mine',
      description: '',
      builtin: false,
      output: 'mp4',
      video: null,
      audio: null,
      segmentSeconds: 6,
      thumbnails: null,
    } as Preset;
    const api: PresetsApi = {
      listPresets: async () => ({ items: [p], total: 1 }),
      createPreset: async () => Promise.reject(new ApiError(400, 'validation', 'video.rungs[1].height: must be an even whole number, got 721')),
      updatePreset: async (_id, d) => ({ ...d, builtin: false }),
      deletePreset: async () => Promise.reject(new ApiError(409, 'conflict', 'preset mine is used by running jobs')),
    };
    const s = createPresetsStore(api);
    await s.load();
    expect(await s.save({ ...p, id: 'x' }, true)).toBeNull();
    // The draft has no video section: the issue cannot sit beside a field, so the note says it whole.
    expect(s.formError()).toEqual({
      message: 'video.rungs[1].height: Must be an even whole number, got 721.',
      field: 'video.rungs[1].height',
      issues: [{ field: 'video.rungs[1].height', message: 'Must be an even whole number, got 721.' }],
    });
    expect(await s.save({ ...p, name: 'Renamed' }, false)).toMatchObject({ name: 'Renamed' });
    expect(s.items()[0]!.name).toBe('Renamed');
    expect(await s.remove('mine')).toBe(false);
    expect(s.items()).toHaveLength(1);
    expect(s.error()).toBe('Preset mine is used by running jobs.');
  });
});

describe('live store', () => {
  test('one connection; repeats are dropped; listeners hear each event once; resume from the highest position', () => {
    let opened: { opts: LiveOptions; h: LiveHandlers } | null = null;
    let closed = 0;
    const s = createLiveStore(
      {
        live: (opts, h) => {
          opened = { opts, h };
          return () => closed++;
        },
      },
      3,
    );
    const heard: number[] = [];
    s.onLog((e) => heard.push(e.position));
    s.start(10);
    s.start(10); // a second start is a no-op
    expect(opened!.opts.after).toBe(10);
    for (const p of [9, 11, 12, 12, 13, 14]) opened!.h.onLog!(ev(p, p % 2 ? 'job:j1' : 'chunk:j1:0'));
    s.flush();
    expect(heard).toEqual([11, 12, 13, 14]);
    expect(s.events().map((e) => e.position)).toEqual([14, 13, 12]); // newest first, capped at 3
    expect(opened!.opts.resumeFrom!()).toBe(14);
    s.setKind('chunk');
    expect(s.filtered().map((e) => e.position)).toEqual([14, 12]);
    opened!.h.onState!('reconnecting');
    expect(s.state()).toBe('reconnecting');
    s.stop();
    expect(closed).toBe(1);
  });
});
