/**
 * Fault suite, worker faults (issue 13), on one real cluster: its own Redis
 * (AOF), the S3-protocol server, one `mpr serve` and two `mpr worker`
 * processes. (1) A worker is killed with SIGKILL while its ffmpeg encodes:
 * the other worker takes the chunk over once MPR_RECLAIM_SECONDS passed.
 * (2) A running ffmpeg is stopped with SIGSTOP: the stall watchdog
 * (MPR_STALL_SECONDS) kills it, ChunkStalled is recorded and the chunk runs
 * again. Both measure and print how long that took; both end with every
 * check of checks.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { addAssets, apiClient, jobsOver, SHORT_CLIPS, submitJobs, waitTerminal } from './client.ts';
import { type Cluster, startCluster } from './cluster.ts';
import { isAlive, signalPid, waitFor } from './procs.ts';
import { busyNode, eventIn, heldChunk, isNodeOf, secondsSince, verifyJobs } from './verify.ts';

const RECLAIM_SECONDS = 2;
const STALL_SECONDS = 3;

let c: Cluster;
const api = apiClient(() => c.api().url!);
let assets: Map<string, string>;

const verify = (jobs: unknown[]) => verifyJobs({ ...c, api: c.api(), output: c.storage.output }, jobs);

beforeAll(async () => {
  c = await startCluster({ label: 'workers', store: 's3', aof: true, reclaimSeconds: RECLAIM_SECONDS, stallSeconds: STALL_SECONDS });
  await c.serve();
  await Promise.all([c.worker(), c.worker()]);
  assets = await addAssets(api, c.storage.input, SHORT_CLIPS);
}, 90_000);

afterAll(async () => {
  await c?.stop();
}, 30_000);

describe('fault suite: workers', () => {
  test('a worker killed with SIGKILL mid-encode: the other worker takes its chunk over and every job completes once', async () => {
    const ids = await submitJobs(api, assets, jobsOver(SHORT_CLIPS, 10));
    const { node: victim, ffmpeg } = await busyNode(() => c.workers(), 60_000);
    const t0 = Date.now();
    await victim.kill9();
    const { log, close } = c.openLog();
    try {
      const stream = await heldChunk(log, victim.pid);
      const retaken = await eventIn(
        log,
        stream,
        (e) => e.type === 'ChunkStarted' && !isNodeOf((e.data as { worker: string }).worker, victim.pid),
        `another worker to start ${stream} again`,
        60_000,
      );
      const takeover = secondsSince(t0, retaken);
      console.log(
        `faults: kill -9 of ${victim.name} (ffmpeg pid ${ffmpeg.pid} running) → ${stream} taken over after ${takeover.toFixed(1)} s (MPR_RECLAIM_SECONDS=${RECLAIM_SECONDS})`,
      );
      expect(takeover).toBeGreaterThanOrEqual(RECLAIM_SECONDS - 0.5);
      expect(takeover).toBeLessThan(RECLAIM_SECONDS + 30);
    } finally {
      await close();
    }
    const jobs = await waitTerminal(api, ids, 150_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${c.logs()}`);
    });
    expect(await verify(jobs)).toEqual([]);
    // The next scenario runs on a full cluster again.
    await Promise.all([c.serve({ dataDir: c.api().dataDir }), c.worker()]);
  }, 240_000);

  test('an ffmpeg stopped with SIGSTOP: the watchdog kills it, ChunkStalled is recorded, the chunk runs again and every job completes once', async () => {
    const ids = await submitJobs(api, assets, jobsOver(SHORT_CLIPS, 4));
    const { node, ffmpeg } = await busyNode(() => c.workers(), 60_000);
    const t0 = Date.now();
    signalPid(ffmpeg.pid, 'SIGSTOP');
    const { log, close } = c.openLog();
    try {
      const stream = await heldChunk(log, node.pid);
      const stalled = await eventIn(log, stream, (e) => e.type === 'ChunkStalled', `ChunkStalled on ${stream}`, STALL_SECONDS * 1000 + 30_000);
      expect(isNodeOf((stalled.data as { worker: string }).worker, node.pid)).toBe(true);
      const done = await eventIn(log, stream, (e) => e.type === 'ChunkSucceeded', `${stream} to succeed after its stall`, 60_000);
      const detected = secondsSince(t0, stalled);
      const recovered = secondsSince(t0, done);
      console.log(
        `faults: SIGSTOP of ffmpeg pid ${ffmpeg.pid} on ${node.name} → ChunkStalled after ${detected.toFixed(1)} s, ${stream} done again after ${recovered.toFixed(1)} s (MPR_STALL_SECONDS=${STALL_SECONDS})`,
      );
      // The watchdog counts from ffmpeg's last progress line, which came up to a progress period before the stop.
      expect(detected).toBeGreaterThanOrEqual(STALL_SECONDS - 1.5);
      // The watchdog killed the stopped process (SIGKILL ends a stopped one).
      await waitFor(() => !isAlive(ffmpeg.pid), `the stopped ffmpeg ${ffmpeg.pid} to be killed`, 10_000);
    } finally {
      await close();
      // Nothing stays stopped, whatever happened above.
      if (isAlive(ffmpeg.pid)) {
        signalPid(ffmpeg.pid, 'SIGCONT');
        signalPid(ffmpeg.pid, 'SIGKILL');
      }
    }
    const jobs = await waitTerminal(api, ids, 150_000).catch((e) => {
      throw new Error(`${(e as Error).message}\n${c.logs()}`);
    });
    expect(await verify(jobs)).toEqual([]);
  }, 240_000);
});
