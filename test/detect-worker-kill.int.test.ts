/**
 * A worker killed mid-stage loses nothing, with real processes: an API node
 * (an in-process system on the Redis log and work queue, MPR_WORKERS=0, so it
 * plans and routes but runs no item) and two `mpr worker` processes on the
 * same Redis and the same folder stores, each with its own data folder. A
 * detect run on a labelled clip goes over HTTP; the moment a worker records
 * the start of an OCR item, that worker is killed with SIGKILL. The other
 * worker takes the item over once it sat idle past the queue's claim time
 * (kept short here), and the run completes once, with the brands the clip's
 * truth says, one output per batch of every per-frame stage, and a job stream
 * with no gap in its versions.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subprocess } from 'bun';
import { chunkStream } from '../src/events/chunk.ts';
import { createApp } from '../src/http/app.ts';
import type { System } from '../src/system.ts';
import { BATCH_FRAMES, jobPrefix } from '../src/work/detect/frames.ts';
import { scoreClip } from '../src/work/detect/score.ts';
import { apiCaller } from './api.ts';
import { adminHeaders } from './auth.ts';
import { type LabelledClip, makeLabelledClips } from './detect-clips.ts';
import { testRedisUrl } from './redis-server.ts';
import { testEnv } from './system.ts';
import { until } from './wait.ts';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `mpr worker`, as an operator starts it. */
const MAIN = new URL('../src/cli/main.ts', import.meta.url).pathname;
/** A dead worker's item is taken over 2 s after its last heartbeat (MPR_RECLAIM_SECONDS; a live one beats 6 times in that time). */
const RECLAIM_SECONDS = 2;
/** 26 frames at the profile's 2 fps: two batches (24 + 2) per per-frame stage, so both workers take an item of a stage at once. */
const CLIP_SECONDS = 13;
const PER_FRAME = ['filter_scenes', 'segment_field', 'detect_edges', 'preprocess', 'ocr', 'match_brands'];

const dir = mkdtempSync(join(tmpdir(), 'mpr-detect-kill-'));
const media = { MEDIA_IN: join(dir, 'media/in'), MEDIA_OUT: join(dir, 'media/out') };
const env = testEnv('redis', 'detect-kill', { MPR_WORK_QUEUE: 'redis', MPR_WORKERS: '0', ...media });

interface Worker {
  name: string;
  proc: Subprocess;
  logPath: string;
}
const workers: Worker[] = [];
const killAll = () => {
  for (const w of workers) if (w.proc.exitCode === null && w.proc.signalCode === null) w.proc.kill('SIGKILL');
};
// Backstop for a test run that ends without afterAll (a crash): no worker outlives it.
process.on('exit', killAll);

const spawnWorker = (name: string): Worker => {
  const data = join(dir, name);
  mkdirSync(data, { recursive: true });
  const logPath = join(dir, `${name}.log`);
  const proc = Bun.spawn(['bun', MAIN, 'worker'], {
    env: {
      ...process.env,
      MPR_DATA: data,
      REDIS_URL: testRedisUrl(),
      MPR_REDIS_PREFIX: env.prefix,
      MPR_WORK_QUEUE: 'redis',
      MPR_WORKERS: '1',
      LOG_LEVEL: 'info',
      MPR_RECLAIM_SECONDS: String(RECLAIM_SECONDS),
      ...media,
    },
    stdout: 'ignore',
    stderr: Bun.file(logPath),
  });
  const w = { name, proc, logPath };
  workers.push(w);
  return w;
};
const logOf = (w: Worker) => {
  try {
    return readFileSync(w.logPath, 'utf8');
  } catch {
    return '';
  }
};
/** The workers' logs, for a failure message. */
const logs = () =>
  workers.map((w) => `--- ${w.name} (pid ${w.proc.pid}, exit ${w.proc.exitCode ?? w.proc.signalCode ?? 'running'}):\n${logOf(w).slice(-3000)}`).join('\n');
/** The worker whose node name (recorded on ChunkStarted: host-pid-random) is this one's. */
const workerOf = (node: string) => workers.find((w) => node.includes(`-${w.proc.pid}-`));

let s: System;
let app: ReturnType<typeof createApp>;
let auth: Record<string, string>;
let clip: LabelledClip;
let timelineId = '';
let brandListId = '';
const call = apiCaller({ handle: (r) => app.handle(r) }, () => auth);

beforeAll(async () => {
  for (const d of Object.values(media)) mkdirSync(d, { recursive: true });
  const spawned = [spawnWorker('worker-a'), spawnWorker('worker-b')];
  clip = (await makeLabelledClips(join(dir, 'clips'), { seconds: CLIP_SECONDS }))[0]!;
  s = await env.boot();
  await s.start();
  app = createApp(s);
  auth = await adminHeaders(s);
  await s.storage.input.putFile('clip.mp4', clip.path);
  await call('POST', '/api/assets/scan', {});
  const asset = ((await call('GET', '/api/assets')).json.items as Json[]).find((a) => a.key === 'clip.mp4')!;
  await until(async () => (await call('GET', `/api/assets/${asset.id}`)).json.status === 'ready', 'the asset to be ready');
  timelineId = (await call('POST', '/api/detect/timeline', { name: 'labelled', picks: [{ assetId: asset.id, start: 0, end: clip.seconds }] })).json.id;
  brandListId = (await call('POST', '/api/detect/brands', { name: 'dev', brands: clip.brands })).json.id;
  await until(() => spawned.every((w) => logOf(w).includes('MPR worker:')), 'both workers to take from the queue', 60_000).catch((e) => {
    throw new Error(`${(e as Error).message}\n${logs()}`);
  });
}, 120_000);

afterAll(async () => {
  killAll();
  await Promise.allSettled(workers.map((w) => w.proc.exited));
  await env.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('a worker killed mid-stage', () => {
  test('loses nothing: the other worker runs its OCR item again and the run completes once with the brands', async () => {
    // Watch the log from here: the first start of an OCR item names the worker to kill.
    const watching = new AbortController();
    const stageOf = new Map<string, string>();
    let victim: { worker: Worker; node: string; stream: string } | null = null;
    const from = await s.log.head();
    const watch = (async () => {
      for await (const e of s.log.subscribe(from, watching.signal)) {
        const data = e.data as Json;
        if (e.type === 'ChunkCreated') stageOf.set(e.stream, data.spec?.stage);
        if (e.type === 'ChunkStarted' && stageOf.get(e.stream) === 'ocr') {
          const worker = workerOf(data.worker);
          if (!worker) throw new Error(`ChunkStarted on ${e.stream} names ${data.worker}, none of the spawned workers`);
          worker.proc.kill('SIGKILL');
          victim = { worker, node: data.worker, stream: e.stream };
          return;
        }
      }
    })();

    const started = await call('POST', '/api/detect/run', { timelineId, profile: 'generic_broadcast', brandListId });
    expect(started.status).toBe(201);
    const jobId = started.json.jobId as string;

    let last: Json = null;
    let polled = 0;
    const wait = (ok: (st: Json) => boolean, what: string, ms: number) =>
      until(
        async () => {
          // A status read every 200 ms at most: the test shares two cores with the workers.
          if (last && Date.now() - polled < 200) return ok(last);
          polled = Date.now();
          const st = (await call('GET', `/api/detect/status/${jobId}`)).json;
          last = st;
          if (st.status === 'FAILED' || st.status === 'CANCELLED') throw new Error(`the run ended ${st.status}: ${st.error}`);
          return ok(st);
        },
        what,
        ms,
      ).then(
        () => last,
        (e) => {
          throw new Error(`${(e as Error).message}; last status ${JSON.stringify(last)}\n${logs()}`);
        },
      );

    try {
      await Promise.race([watch, wait(() => victim !== null, 'an OCR item to start on a worker', 90_000)]);
      await watch;
    } finally {
      watching.abort();
    }
    const killed = victim as { worker: Worker; node: string; stream: string } | null;
    if (!killed) throw new Error(`no OCR item started\n${logs()}`);
    expect(await killed.worker.proc.exited).not.toBe(0);
    expect(killed.worker.proc.signalCode).toBe('SIGKILL');
    const survivor = workers.find((w) => w !== killed.worker)!;

    const st = await wait((x) => x.status === 'COMPLETED', 'the run to complete', 120_000);

    // The killed worker's item: started by it, started again by the survivor, finished once.
    const chunk = await s.log.readStream(killed.stream);
    const types = chunk.map((e) => e.type);
    expect(types, `${killed.stream}: ${types.join(', ')}; expected a second start on the survivor`).toEqual([
      'ChunkCreated',
      'ChunkStarted',
      'ChunkStarted',
      'ChunkSucceeded',
    ]);
    const starts = chunk.filter((e) => e.type === 'ChunkStarted').map((e) => (e.data as Json).worker as string);
    expect(starts[0]).toBe(killed.node);
    expect(workerOf(starts[1]!)).toBe(survivor);

    // Completed once, every version of the job stream there.
    const job = await s.log.readStream(`job:${jobId}`);
    expect(job.map((e) => e.version)).toEqual(job.map((_, i) => i + 1));
    expect(job.filter((e) => e.type === 'JobCompleted')).toHaveLength(1);
    expect(job.filter((e) => e.type === 'JobFailed')).toHaveLength(0);

    // Every per-frame stage: one item per batch, each run to one result.
    const stage = (name: string) => st.stages.find((x: Json) => x.stage === name);
    const frames = stage('extract_frames').stats.frames as number;
    expect(frames).toBe(clip.seconds * 2);
    const batches = Math.ceil(frames / BATCH_FRAMES);
    expect(batches).toBe(2);
    const state = (await s.actors.job(jobId).load()).state;
    const ran = PER_FRAME.filter((name) => stage(name)?.status === 'completed');
    expect(ran).toContain('ocr');
    for (const name of ran) {
      expect({ name, chunks: stage(name).chunks, chunksDone: stage(name).chunksDone }).toEqual({ name, chunks: batches, chunksDone: batches });
      const keys = Array.from({ length: batches }, (_, b) => `${jobPrefix(jobId, 1)}${name}/${b}.json`);
      const output = state.stages[name]?.output as Json;
      expect({ name, items: output?.items }).toEqual({ name, items: keys });
      const stored = (await s.storage.output.list(`${jobPrefix(jobId, 1)}${name}/`)).map((o) => o.key).filter((k) => k.endsWith('.json'));
      expect({ name, stored }).toEqual({ name, stored: keys });
    }
    // Every chunk of the run succeeded exactly once, and nothing is left in the queue.
    const plan = state.plan ?? [];
    expect(plan.length).toBeGreaterThan(0);
    for (const c of plan) {
      const events = await s.log.readStream(chunkStream(jobId, c.n));
      expect({ n: c.n, succeeded: events.filter((e) => e.type === 'ChunkSucceeded').length }).toEqual({ n: c.n, succeeded: 1 });
    }
    await until(async () => (await s.queue.depth()).pending === 0, 'every item acknowledged');
    expect(await s.queue.depth()).toEqual({ waiting: 0, pending: 0 });

    // The brands the truth says.
    const report = (await call('GET', `/api/detect/jobs/${jobId}`)).json.result.report;
    const score = scoreClip(clip.truth, report.intervals);
    const misses = `missed ${JSON.stringify(score.missed)}, spurious ${JSON.stringify(score.spurious)}`;
    expect(score.recall, `recall ${score.recall}: ${misses}`).toBeGreaterThanOrEqual(0.95);
    expect(score.precision, `precision ${score.precision}: ${misses}`).toBeGreaterThanOrEqual(0.95);
  }, 180_000);
});
